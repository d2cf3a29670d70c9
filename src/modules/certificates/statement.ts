// The signed statement of a certificate and the QR payload that carries it. Two formats:
//
// QC2 (compact, every certificate issued now): a short binary statement, so that the QR code stays
// small enough (version 10-11 instead of 15) to be read by a phone from a print:
//
//   offset size  field
//   0      1     format, 0x02
//   1      1     length of the whole statement in bytes (≤ 255)
//   2      4     kid: the key id's 8 hex digits as 4 bytes
//   6      5     unit code: the 12 digits as an unsigned 40-bit integer
//   11     2     year of the number
//   13     3     sequence of the number (the number reads <unit code>-<year>-<sequence, 5 digits>)
//   16     7     verification code: 10 Crockford base32 symbols of 5 bits, left-aligned in 56 bits
//   23     2     issued on, days since 1970-01-01
//   25     2     valid until, days since 1970-01-01
//   27     32    SM3 of the public text (the text with the ID number masked)
//   59     1+n   kind code (length, ASCII)
//   …      1+n   name (length, UTF-8)
//   …      1+n   masked ID: the full number's length, then (when it is longer than 7) its first 3
//                and last 4 characters, ASCII; length 0 means no ID number ("-")
//
// All integers are big-endian. The algorithm and the SM2 signer ID are those of the key named by
// kid (each key has exactly one of each), published with the key. The QR payload is
// base32(statement || signature), RFC 4648 alphabet without padding, printed as an alphanumeric QR
// segment after the verification address in a byte segment. The signature is DER for SM2 (as
// openssl reads it) and the raw 64 bytes for Ed25519.
//
// QC1 (certificates issued before QC2; still verified): one line of UTF-8 text,
//
//   QC1|alg|signerId|kid|number|verifyCode|kind|unitCode|name|maskedId|issuedOn|validUntil|digest
//
// with digest in base64url; its QR payload is base64url(statement) "." base64url(signature).
//
// The database keeps a QC1 statement as its text and a QC2 statement as "QC2:" + base64url(bytes).
import { createHash } from 'node:crypto';
import type { Algorithm } from './signing.js';

export const STATEMENT_FORMAT = 'QC2';
export type StatementFormat = 'QC1' | 'QC2';

export interface Statement {
  format: StatementFormat;
  /** QC1 names the algorithm and signer ID; in QC2 they are the key's (null here). */
  algorithm: Algorithm | null;
  signerId: string | null;
  kid: string;
  number: string;
  verifyCode: string;
  kind: string;
  unitCode: string;
  subjectName: string;
  subjectIdMasked: string;
  issuedOn: string;
  validUntil: string;
  /** SM3 of the public text, base64url. */
  digest: string;
}

/** A statement with exactly the bytes that are signed and the form the database keeps. */
export interface SignedBytes {
  statement: Statement;
  bytes: Buffer;
  stored: string;
}

const FIELD_COUNT = 13;

export function textDigest(publicText: string): string {
  return createHash('sm3').update(publicText, 'utf8').digest('base64url');
}

/** The canonical text of a QC1 statement. Fields never contain "|" (checked here, not trusted). */
export function formatStatement(s: Omit<Statement, 'format'> & { format?: StatementFormat }): string {
  const fields = ['QC1', s.algorithm ?? '', s.signerId ?? '-', s.kid, s.number, s.verifyCode, s.kind, s.unitCode, s.subjectName, s.subjectIdMasked, s.issuedOn, s.validUntil, s.digest];
  for (const f of fields) if (f.includes('|') || f.includes('\n') || f === '') throw new Error(`statement field ${JSON.stringify(f)} is empty or contains a separator`);
  return fields.join('|');
}

export type ParseResult = { ok: true; statement: Statement } | { ok: false; reason: { zh: string; en: string } };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseStatement(text: string): ParseResult {
  const f = text.split('|');
  if (f[0] !== 'QC1') return { ok: false, reason: { zh: '格式标识不是 QC1', en: 'the format tag is not QC1' } };
  if (f.length !== FIELD_COUNT) return { ok: false, reason: { zh: `应有 ${FIELD_COUNT} 个字段，实际 ${f.length} 个`, en: `expected ${FIELD_COUNT} fields, found ${f.length}` } };
  const [, alg, signerId, kid, number, verifyCode, kind, unitCode, subjectName, subjectIdMasked, issuedOn, validUntil, digest] = f as [string, ...string[]] as string[];
  if (alg !== 'SM2' && alg !== 'Ed25519') return { ok: false, reason: { zh: `未知的签名算法 ${alg}`, en: `unknown signature algorithm ${alg}` } };
  if (!DATE.test(issuedOn!) || !DATE.test(validUntil!)) return { ok: false, reason: { zh: '日期格式不正确', en: 'malformed dates' } };
  if (!/^[0-9a-f]{8,16}$/.test(kid!)) return { ok: false, reason: { zh: '密钥标识不正确', en: 'malformed key id' } };
  return {
    ok: true,
    statement: {
      format: 'QC1', algorithm: alg, signerId: signerId === '-' ? null : signerId!, kid: kid!, number: number!, verifyCode: verifyCode!, kind: kind!, unitCode: unitCode!,
      subjectName: subjectName!, subjectIdMasked: subjectIdMasked!, issuedOn: issuedOn!, validUntil: validUntil!, digest: digest!,
    },
  };
}

// ---- QC2 -------------------------------------------------------------------------------------

const QC2 = 0x02;
const FIXED = 59;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const NUMBER = /^(\d{12})-(\d{4})-(\d{5,7})$/;
const DAY = 86_400_000;

const days = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);
const dateOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);

function maskedParts(masked: string): Buffer | null {
  if (masked === '-') return Buffer.from([0]);
  if (/^\*+$/.test(masked) && masked.length <= 7) return Buffer.from([masked.length]);
  const m = /^([\x21-\x7e]{3})(\*+)([\x21-\x7e]{4})$/.exec(masked);
  if (!m || masked.length > 255 || m[1]!.includes('*') || m[3]!.includes('*')) return null;
  return Buffer.concat([Buffer.from([masked.length]), Buffer.from(`${m[1]}${m[3]}`, 'ascii')]);
}

/**
 * The QC2 bytes of a statement, or null when a field cannot be written compactly (an unusual
 * key id, number or code): such a certificate is signed as QC1.
 */
export function compactStatement(s: Omit<Statement, 'format' | 'algorithm' | 'signerId'>): Buffer | null {
  const num = NUMBER.exec(s.number);
  if (!/^[0-9a-f]{8}$/.test(s.kid) || !num || num[1] !== s.unitCode || Number(num[3]) > 0xffffff || !DATE.test(s.issuedOn) || !DATE.test(s.validUntil)) return null;
  if (s.verifyCode.length !== 10 || [...s.verifyCode].some((c) => !CROCKFORD.includes(c))) return null;
  const digest = Buffer.from(s.digest, 'base64url');
  const kind = Buffer.from(s.kind, 'utf8');
  const name = Buffer.from(s.subjectName, 'utf8');
  const masked = maskedParts(s.subjectIdMasked);
  if (digest.length !== 32 || !masked || !kind.length || !name.length || kind.length > 255 || name.length > 255) return null;
  const total = FIXED + 1 + kind.length + 1 + name.length + masked.length;
  if (total > 255) return null;
  const b = Buffer.alloc(FIXED);
  b[0] = QC2;
  b[1] = total;
  Buffer.from(s.kid, 'hex').copy(b, 2);
  b.writeUIntBE(Number(s.unitCode), 6, 5);
  b.writeUInt16BE(Number(num[2]), 11);
  b.writeUIntBE(Number(num[3]), 13, 3);
  let code = 0n;
  for (const c of s.verifyCode) code = (code << 5n) | BigInt(CROCKFORD.indexOf(c));
  code <<= 6n;
  for (let i = 0; i < 7; i++) b[16 + i] = Number((code >> BigInt(8 * (6 - i))) & 0xffn);
  const issued = days(s.issuedOn);
  const until = days(s.validUntil);
  if (issued < 0 || until < 0 || issued > 0xffff || until > 0xffff) return null;
  b.writeUInt16BE(issued, 23);
  b.writeUInt16BE(until, 25);
  digest.copy(b, 27);
  return Buffer.concat([b, Buffer.from([kind.length]), kind, Buffer.from([name.length]), name, masked]);
}

export function parseCompact(bytes: Buffer): ParseResult {
  const bad = (zh: string, en: string): ParseResult => ({ ok: false, reason: { zh, en } });
  if (bytes.length < FIXED + 3 || bytes[0] !== QC2) return bad('格式标识不是 QC2', 'the format tag is not QC2');
  if (bytes[1] !== bytes.length) return bad('长度不符', 'the length does not match');
  let at = FIXED;
  const field = (): Buffer | null => {
    const n = bytes[at];
    if (n === undefined || at + 1 + n > bytes.length) return null;
    const v = bytes.subarray(at + 1, at + 1 + n);
    at += 1 + n;
    return v;
  };
  const kind = field();
  const name = field();
  if (!kind || !name || !kind.length || !name.length) return bad('字段不完整', 'fields are missing');
  const maskedLen = bytes[at];
  if (maskedLen === undefined) return bad('字段不完整', 'fields are missing');
  let masked = '-';
  if (maskedLen > 7) {
    if (at + 1 + 7 !== bytes.length) return bad('证件号码字段不正确', 'malformed ID number field');
    const v = bytes.subarray(at + 1, at + 8).toString('ascii');
    masked = `${v.slice(0, 3)}${'*'.repeat(maskedLen - 7)}${v.slice(3)}`;
  } else {
    if (at + 1 !== bytes.length) return bad('证件号码字段不正确', 'malformed ID number field');
    if (maskedLen > 0) masked = '*'.repeat(maskedLen);
  }
  const nameText = name.toString('utf8');
  if (nameText.includes('\uFFFD') || !/^[\x21-\x7e]+$/.test(kind.toString('latin1'))) return bad('内容不是有效的文字', 'the content is not valid text');
  let code = 0n;
  for (let i = 0; i < 7; i++) code = (code << 8n) | BigInt(bytes[16 + i]!);
  code >>= 6n;
  let verifyCode = '';
  for (let i = 9; i >= 0; i--) verifyCode += CROCKFORD[Number((code >> BigInt(5 * i)) & 31n)];
  const unitCode = String(bytes.readUIntBE(6, 5)).padStart(12, '0');
  return {
    ok: true,
    statement: {
      format: 'QC2', algorithm: null, signerId: null, kid: bytes.subarray(2, 6).toString('hex'), unitCode,
      number: `${unitCode}-${String(bytes.readUInt16BE(11)).padStart(4, '0')}-${String(bytes.readUIntBE(13, 3)).padStart(5, '0')}`,
      verifyCode, kind: kind.toString('ascii'), subjectName: nameText, subjectIdMasked: masked,
      issuedOn: dateOf(bytes.readUInt16BE(23)), validUntil: dateOf(bytes.readUInt16BE(25)), digest: bytes.subarray(27, 59).toString('base64url'),
    },
  };
}

/** How the database keeps signed bytes. */
export function storedForm(format: StatementFormat, bytes: Buffer): string {
  return format === 'QC1' ? bytes.toString('utf8') : `QC2:${bytes.toString('base64url')}`;
}

/** A stored statement back to its bytes and fields. */
export function parseStored(stored: string): ({ ok: true } & SignedBytes) | { ok: false; reason: { zh: string; en: string } } {
  if (stored.startsWith('QC2:')) {
    const bytes = Buffer.from(stored.slice(4), 'base64url');
    const p = parseCompact(bytes);
    return p.ok ? { ok: true, statement: p.statement, bytes, stored } : p;
  }
  const p = parseStatement(stored);
  return p.ok ? { ok: true, statement: p.statement, bytes: Buffer.from(stored, 'utf8'), stored } : p;
}

/** A statement on one line for people (the staff page and the docs), whichever its format. */
export function readableStatement(s: Statement): string {
  if (s.format === 'QC1') return formatStatement(s);
  return ['QC2', s.kid, s.number, s.verifyCode, s.kind, s.subjectName, s.subjectIdMasked, s.issuedOn, s.validUntil, s.digest].join('|');
}

// ---- the QR payload ---------------------------------------------------------------------------

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32(buf: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function unbase32(text: string): Buffer | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text.toUpperCase().replace(/=+$/, '')) {
    const v = B32.indexOf(c);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** What follows "p=" in the QR code. */
export function encodePayload(stored: string, signature: Buffer): string {
  if (stored.startsWith('QC2:')) return base32(Buffer.concat([Buffer.from(stored.slice(4), 'base64url'), signature]));
  return `${Buffer.from(stored, 'utf8').toString('base64url')}.${signature.toString('base64url')}`;
}

export type DecodeResult = ({ ok: true; signature: Buffer } & SignedBytes) | { ok: false; reason: { zh: string; en: string } };

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Accepts the payload itself or the whole URL a phone read from the QR code (…/verify?p=…), in
 * either format.
 */
export function decodePayload(input: string): DecodeResult {
  let p = input.trim();
  const q = p.indexOf('p=');
  if (/^https?:\/\//i.test(p)) {
    try {
      p = new URL(p).searchParams.get('p') ?? '';
    } catch {
      return { ok: false, reason: { zh: '网址无法解析', en: 'the URL cannot be parsed' } };
    }
  } else if (q >= 0 && p.slice(0, q).includes('?')) p = p.slice(q + 2);
  if (!p.includes('.')) {
    // QC2: base32 of the statement and the signature.
    if (!/^[A-Za-z2-7]+=*$/.test(p)) return { ok: false, reason: { zh: '含有非法字符', en: 'it contains characters that do not belong there' } };
    const blob = unbase32(p);
    if (!blob || blob.length < 2 || blob[0] !== QC2) return { ok: false, reason: { zh: '缺少签名部分', en: 'the signature part is missing' } };
    const n = blob[1]!;
    if (blob.length <= n) return { ok: false, reason: { zh: '缺少签名部分', en: 'the signature part is missing' } };
    const bytes = blob.subarray(0, n);
    const parsed = parseCompact(bytes);
    if (!parsed.ok) return parsed;
    return { ok: true, statement: parsed.statement, bytes, stored: storedForm('QC2', bytes), signature: blob.subarray(n) };
  }
  const dot = p.indexOf('.');
  if (dot <= 0 || dot !== p.lastIndexOf('.')) return { ok: false, reason: { zh: '缺少签名部分', en: 'the signature part is missing' } };
  const a = p.slice(0, dot);
  const b = p.slice(dot + 1);
  if (!B64URL.test(a) || !B64URL.test(b)) return { ok: false, reason: { zh: '含有非法字符', en: 'it contains characters that do not belong there' } };
  const statementText = Buffer.from(a, 'base64url').toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD: the bytes were not a statement.
  if (statementText.includes('\uFFFD')) return { ok: false, reason: { zh: '内容不是有效的文字', en: 'the content is not valid text' } };
  const parsed = parseStatement(statementText);
  if (!parsed.ok) return parsed;
  return { ok: true, statement: parsed.statement, bytes: Buffer.from(statementText, 'utf8'), stored: statementText, signature: Buffer.from(b, 'base64url') };
}

/** The address printed in the QR code. */
export function verificationUrl(baseUrl: string, payload: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/verify?p=${payload}`;
}

/**
 * The QR code's content as segments: the address in byte mode, a QC2 payload (upper-case base32)
 * in alphanumeric mode, which takes 5.5 bits a character instead of 8.
 */
export function qrSegments(url: string): ({ data: Buffer; mode: 'byte' } | { data: string; mode: 'alphanumeric' })[] {
  const m = /^(.*[?&]p=)([A-Z2-7]+)$/.exec(url);
  if (!m) return [{ data: Buffer.from(url, 'utf8'), mode: 'byte' }];
  return [{ data: Buffer.from(m[1]!, 'utf8'), mode: 'byte' }, { data: m[2]!, mode: 'alphanumeric' }];
}
