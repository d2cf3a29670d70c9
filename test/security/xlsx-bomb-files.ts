// Hostile xlsx files for the import's limits, built in the test: a minimal zip writer over
// node:zlib, and a deflate stream of one block repeated so that a gigabyte of XML costs a few
// megabytes and a fraction of a second to make. Each block is compressed on its own and ended with
// a sync flush (byte-aligned, not final), so copies of it can be laid end to end: the inflater
// sees one long stream of stored-dictionary-free blocks and writes the unit out each time.
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** Deflated bytes with their CRC and true size, or plain content to deflate here. */
  data: Buffer | Deflated;
  /** The uncompressed size written in the headers (a lie, when it differs from the true one). */
  declaredSize?: number;
}

export interface Deflated {
  deflated: Buffer;
  crc: number;
  size: number;
}

function deflated(content: Buffer): Deflated {
  return { deflated: deflateRawSync(content), crc: crc32(content), size: content.length };
}

/** head + unit × times + tail as one deflate stream, without ever holding the inflated text. */
export function repeated(head: string, unit: string, times: number, tail: string): Deflated {
  const unitBuf = Buffer.from(unit);
  // About 1 MiB of text per compressed block: deflate reaches its best ratio (~1000:1) there.
  const perBlock = Math.max(1, Math.floor((1 << 20) / unitBuf.length));
  const block = Buffer.concat(Array.from({ length: perBlock }, () => unitBuf));
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  const headBuf = Buffer.from(head);
  const tailBuf = Buffer.from(tail);
  const parts: Buffer[] = [deflateRawSync(headBuf, sync)];
  let crc = crc32(headBuf);
  const blockZ = deflateRawSync(block, sync);
  const blockCrcParts = Math.floor(times / perBlock);
  for (let i = 0; i < blockCrcParts; i++) {
    parts.push(blockZ);
    crc = crc32(block, crc);
  }
  const rest = times - blockCrcParts * perBlock;
  if (rest) {
    const r = Buffer.concat(Array.from({ length: rest }, () => unitBuf));
    parts.push(deflateRawSync(r, sync));
    crc = crc32(r, crc);
  }
  parts.push(deflateRawSync(tailBuf)); // the final block
  crc = crc32(tailBuf, crc);
  return { deflated: Buffer.concat(parts), crc: crc >>> 0, size: headBuf.length + unitBuf.length * times + tailBuf.length };
}

/** A zip (deflate, no ZIP64: every entry under 4 GiB) with the entries in order. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const d = Buffer.isBuffer(e.data) ? deflated(e.data) : e.data;
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declaredSize ?? d.size;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6); // UTF-8 names
    lh.writeUInt16LE(8, 8); // deflate
    lh.writeUInt16LE(0, 10);
    lh.writeUInt16LE(0x5821, 12); // 2024-01-01
    lh.writeUInt32LE(d.crc >>> 0, 14);
    lh.writeUInt32LE(d.deflated.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt16LE(0, 12);
    ch.writeUInt16LE(0x5821, 14);
    ch.writeUInt32LE(d.crc >>> 0, 16);
    ch.writeUInt32LE(d.deflated.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, d.deflated);
    central.push(ch, name);
    offset += lh.length + name.length + d.deflated.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook ${NS}><sheets><sheet name="居民" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;

/** A header row a resident import recognises (inline strings: no string table needed). */
const HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>公民身份号码</t></is></c></row>';

function workbook(sheet: Buffer | Deflated, strings: Buffer | Deflated | null, opts: { declaredStrings?: number; declaredSheet?: number } = {}): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(ROOT_RELS) },
    { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(WORKBOOK_RELS) },
    { name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: opts.declaredSheet },
    ...(strings ? [{ name: 'xl/sharedStrings.xml', data: strings, declaredSize: opts.declaredStrings }] : []),
  ]);
}

const sheetXml = (rows: string, dimension = 'A1:B2') => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><dimension ref="${dimension}"/><sheetData>${rows}</sheetData></worksheet>`);

/**
 * The string-table bomb: a small sheet whose sharedStrings.xml holds `count` strings (11 million:
 * about 1.2 GB of XML in a few megabytes). `lieAboutSize` writes 1 KiB as its size in the headers.
 */
export function sharedStringsBomb(count = 11_000_000, lieAboutSize = false): Buffer {
  const strings = repeated(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst ${NS} count="${count}" uniqueCount="${count}">`,
    '<si><t>滨河东路社区第三网格居民王秀英家庭住址迎泽区桃园路号</t></si>',
    count,
    '</sst>',
  );
  const sheet = sheetXml(`${HEADER_ROW}<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>`);
  return workbook(sheet, strings, lieAboutSize ? { declaredStrings: 1024 } : {});
}

/** The row-count bomb: `rows` rows under a <dimension> that claims A1:B10 (40 million by default). */
export function rowsBomb(rows = 40_000_000, lieAboutSize = false): Buffer {
  const sheet = repeated(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><dimension ref="A1:B10"/><sheetData>${HEADER_ROW}`,
    '<row><c t="inlineStr"><is><t>王</t></is></c></row>',
    rows,
    '</sheetData></worksheet>',
  );
  return workbook(sheet, null, lieAboutSize ? { declaredSheet: 1024 } : {});
}

/** The column bomb: one cell at column ZZZZZZ (past XFD, Excel's last column). About 1.3 KB. */
export function columnBomb(ref = 'ZZZZZZ2'): Buffer {
  return workbook(sheetXml(`${HEADER_ROW}<row r="2"><c r="${ref}" t="inlineStr"><is><t>x</t></is></c></row>`), null);
}

/** A sheet of plain XML padding (a comment-free run of whitespace between rows) of `bytes` bytes. */
export function paddedSheetBomb(bytes = 1_500_000_000, declaredSize?: number): Buffer {
  const unit = ' '.repeat(1024);
  const sheet = repeated(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><sheetData>${HEADER_ROW}`,
    `${unit}<row><c t="inlineStr"><is><t>王</t></is></c></row>`,
    Math.ceil(bytes / (unit.length + 44)),
    '</sheetData></worksheet>',
  );
  return workbook(sheet, null, declaredSize === undefined ? {} : { declaredSheet: declaredSize });
}

/** One text node of `bytes` characters (no markup in it): a cell far past Excel's 32,767 characters. */
export function longTextBomb(bytes = 600_000_000, lieAboutSize = false): Buffer {
  const sheet = repeated(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><sheetData>${HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>`,
    'x'.repeat(1024),
    Math.ceil(bytes / 1024),
    '</t></is></c></row></sheetData></worksheet>',
  );
  return workbook(sheet, null, lieAboutSize ? { declaredSheet: 1024 } : {});
}

/**
 * What the counts do not see: a comment (the parser keeps its text whole until "-->") full of
 * '<', under the part limit. Only the reader's heap limit stops it.
 */
export function commentBomb(chars = 400_000_000, rowsBefore = 0): Buffer {
  const sheet = repeated(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><sheetData>${HEADER_ROW}${plainRows(rowsBefore)}<!--`,
    '<a><b><c><d>'.repeat(64),
    Math.ceil(chars / 768),
    '--></sheetData></worksheet>',
  );
  return workbook(sheet, null, { declaredSheet: 1024 });
}

/** Rows 2… of plain names (what a preview reads before it stops). */
function plainRows(n: number): string {
  let out = '';
  for (let r = 2; r < n + 2; r++) out += `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>王秀英${r}</t></is></c></row>`;
  return out;
}

/** A valid sheet with a value in column `col` (1-based), past what an import maps, after `rowsBefore` plain rows. */
export function lateWideSheet(col: number, rowsBefore: number): Buffer {
  let ref = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) ref = String.fromCharCode(65 + ((n - 1) % 26)) + ref;
  const r = rowsBefore + 2;
  return workbook(sheetXml(`${HEADER_ROW}${plainRows(rowsBefore)}<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>王秀英</t></is></c><c r="${ref}${r}" t="inlineStr"><is><t>x</t></is></c></row>`), null);
}

/** A valid sheet with a value in column `col` (1-based), past what an import maps. */
export function wideSheet(col: number): Buffer {
  let ref = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) ref = String.fromCharCode(65 + ((n - 1) % 26)) + ref;
  return workbook(sheetXml(`${HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>王秀英</t></is></c><c r="${ref}2" t="inlineStr"><is><t>x</t></is></c></row>`), null);
}
