// A small streaming ustar writer and reader for backups of the embedded database: files are
// streamed from and to disk in pieces, so a backup of any size needs no more memory than one piece
// (PGlite's own dumpDataDir builds the whole archive in memory). The archives are plain .tar.gz
// that GNU tar and PGlite's loadDataDir read too. The reader accepts regular files and folders
// only, and no path that climbs out of the folder it extracts into.
import { closeSync, createReadStream, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** One 512-byte ustar header. Names up to 255 bytes (split between prefix and name at a slash). */
export function tarHeader(name: string, size: number, o: { dir?: boolean; mode?: number; mtime?: Date } = {}): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`path too long for the archive: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  h.write(base, 0, 100, 'utf8');
  h.write(octal(o.mode ?? (o.dir ? 0o755 : 0o600), 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii');
  h.write(octal(0, 8), 116, 8, 'ascii');
  if (size >= 8 ** 11) throw new Error(`file too large for the archive: ${name}`);
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(Math.floor((o.mtime ?? new Date()).getTime() / 1000), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write(o.dir ? '5' : '0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return h;
}

export interface TarSource {
  /** In-memory entries first (a manifest), then the tree of `dir` under `prefix`. */
  entries?: { name: string; data: Buffer }[];
  dir?: string;
  prefix?: string;
  /** Extra files from elsewhere (keys.json), under their archive name. */
  files?: { name: string; path: string }[];
  skip?: (relPath: string) => boolean;
}

/** The archive as a stream of bytes (not compressed: pipe it through zlib.createGzip()). */
export function tarStream(src: TarSource): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    for (const e of src.entries ?? []) {
      yield tarHeader(e.name, e.data.length);
      yield e.data;
      yield padding(e.data.length);
    }
    const walk = function* (dir: string, rel: string): Generator<{ path: string; name: string; dir: boolean }> {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        const name = rel ? `${rel}/${entry.name}` : entry.name;
        if (src.skip?.(name)) continue;
        if (entry.isDirectory()) {
          yield { path, name, dir: true };
          yield* walk(path, name);
        } else if (entry.isFile()) yield { path, name, dir: false };
      }
    };
    const items: { path: string; name: string; dir: boolean }[] = [];
    if (src.dir) {
      if (src.prefix) items.push({ path: src.dir, name: src.prefix, dir: true });
      for (const it of walk(src.dir, '')) items.push({ ...it, name: src.prefix ? `${src.prefix}/${it.name}` : it.name });
    }
    for (const f of src.files ?? []) items.push({ path: f.path, name: f.name, dir: false });
    for (const it of items) {
      const st = statSync(it.path);
      if (it.dir) {
        yield tarHeader(`${it.name}/`, 0, { dir: true, mtime: st.mtime });
        continue;
      }
      yield tarHeader(it.name, st.size, { mtime: st.mtime, mode: st.mode & 0o777 });
      let written = 0;
      for await (const chunk of createReadStream(it.path, { highWaterMark: 1 << 20 })) {
        const buf = chunk as Buffer;
        const take = Math.min(buf.length, st.size - written); // a file must not grow while archived
        if (take > 0) yield take === buf.length ? buf : buf.subarray(0, take);
        written += take;
      }
      if (written < st.size) throw new Error(`${it.path} shrank while it was archived`);
      yield padding(st.size);
    }
    yield Buffer.alloc(BLOCK * 2, 0);
  }
  return Readable.from(generate(), { objectMode: false });
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest ? BLOCK - rest : 0, 0);
}

function field(h: Buffer, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? len : end).toString('utf8');
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return Number.parseInt(field(h, 148, 8).trim() || '0', 8) === sum;
}

export interface ExtractResult {
  files: number;
  bytes: number;
  /** In-memory entries the caller asked for by name (the manifest, keys.json). */
  kept: Map<string, Buffer>;
}

/**
 * Extracts an (uncompressed) tar stream into `dest`, flushing each file to disk. `route` maps an
 * archive name to a path under dest, to null to skip it, or to 'keep' to return it in memory.
 */
export async function extractTar(input: AsyncIterable<Buffer>, dest: string, route: (name: string) => string | null | 'keep'): Promise<ExtractResult> {
  const root = resolve(dest);
  const result: ExtractResult = { files: 0, bytes: 0, kept: new Map() };
  let buf: Buffer = Buffer.alloc(0);
  const iterator = input[Symbol.asyncIterator]();
  let ended = false;
  const fill = async (n: number): Promise<boolean> => {
    while (buf.length < n && !ended) {
      const next = await iterator.next();
      if (next.done) ended = true;
      else buf = buf.length ? Buffer.concat([buf, next.value]) : next.value;
    }
    return buf.length >= n;
  };
  const take = (n: number): Buffer => {
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  let zeros = 0;
  for (;;) {
    if (!(await fill(BLOCK))) {
      if (zeros || result.files) break; // some writers end without the two zero blocks
      throw new Error('the archive is empty or cut short');
    }
    const h = Buffer.from(take(BLOCK));
    if (h.every((b) => b === 0)) {
      if (++zeros >= 2) break;
      continue;
    }
    zeros = 0;
    if (!checksumOk(h)) throw new Error('the archive is damaged (a header checksum does not match)');
    const prefix = field(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(h, 0, 100);
    const type = String.fromCharCode(h[156] || 48);
    const size = Number.parseInt(field(h, 124, 12).trim() || '0', 8);
    const padded = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    const clean = name.replace(/^\.\//, '').replace(/^\/+/, '');
    const target = type === '0' || type === '5' ? route(clean.replace(/\/$/, '')) : null;
    let path: string | null = null;
    if (target && target !== 'keep') {
      path = resolve(root, normalize(target));
      const rel = relative(root, path);
      if (rel === '..' || rel.startsWith(`..${sep}`) || (rel === '' && type === '0')) throw new Error(`the archive names a path outside the folder: ${name}`);
    }
    if (type === '5') {
      if (path) mkdirSync(path, { recursive: true });
      if (!(await fill(padded))) throw new Error('the archive is cut short');
      take(padded);
      continue;
    }
    let fd: number | null = null;
    let kept: Buffer[] | null = null;
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      fd = openSync(path, 'w', 0o600);
    } else if (target === 'keep') kept = [];
    try {
      let left = size;
      while (left > 0) {
        if (!(await fill(1))) throw new Error(`the archive is cut short (in ${name})`);
        const piece = take(Math.min(left, buf.length));
        if (fd !== null) writeSync(fd, piece);
        if (kept) kept.push(Buffer.from(piece));
        left -= piece.length;
      }
      if (fd !== null) {
        fsyncSync(fd);
        if (fstatSync(fd).size !== size) throw new Error(`could not write ${path}`);
      }
    } finally {
      if (fd !== null) closeSync(fd);
    }
    if (kept) result.kept.set(clean, Buffer.concat(kept));
    if (path) {
      result.files += 1;
      result.bytes += size;
    }
    const pad = padded - size;
    if (pad) {
      if (!(await fill(pad))) throw new Error('the archive is cut short');
      take(pad);
    }
  }
  return result;
}
