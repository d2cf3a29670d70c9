// How documents go out over HTTP: content types and Content-Disposition for Chinese file names
// (RFC 6266 / 5987, with an ASCII fallback for old clients).

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Content-Disposition for a download, the ASCII fallback made from the name itself. */
export function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Headers of a PDF shown in the browser (not cached), named `fileName`, `asciiName` for old clients. */
export function inlinePdfHeaders(fileName: string, asciiName = 'document.pdf') {
  return { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`, 'cache-control': 'no-store' };
}
