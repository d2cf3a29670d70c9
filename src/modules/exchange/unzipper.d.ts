declare module 'unzipper' {
  import type { Readable } from 'node:stream';

  export interface CentralDirectoryFile {
    path: string;
    type: 'File' | 'Directory';
    uncompressedSize: number;
    compressedSize: number;
    stream(password?: string): Readable;
    buffer(password?: string): Promise<Buffer>;
  }

  export interface CentralDirectory {
    files: CentralDirectoryFile[];
  }

  const unzipper: {
    Open: { file(path: string): Promise<CentralDirectory> };
  };
  export default unzipper;
}
