// The signed statement of a certificate (format QC1) and the QR payload that carries it.
//
// A statement is one line of UTF-8 text, fields separated by "|":
//
//   QC1|alg|signerId|kid|number|verifyCode|kind|unitCode|name|maskedId|issuedOn|validUntil|digest
//
// alg is SM2 or Ed25519; signerId is the SM2 signer ID (distinguishing identifier, default
// 1234567812345678) or "-" for Ed25519; digest is SM3 over the certificate's public text (the
// text with the ID number masked), base64url. The signature covers exactly these bytes. The QR
// payload is base64url(statement) "." base64url(signature), so that anyone holding the unit's
// public key can check a printed certificate without our database.
import { createHash } from 'node:crypto';
import type { Algorithm } from './signing.js';

export const STATEMENT_FORMAT = 'QC1';

export interface Statement {
  algorithm: Algorithm;
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
  digest: string;
}

const FIELD_COUNT = 13;

export function textDigest(publicText: string): string {
  return createHash('sm3').update(publicText, 'utf8').digest('base64url');
}

/** The canonical text of a statement. Fields never contain "|" (checked here, not trusted). */
export function formatStatement(s: Statement): string {
  const fields = [STATEMENT_FORMAT, s.algorithm, s.signerId ?? '-', s.kid, s.number, s.verifyCode, s.kind, s.unitCode, s.subjectName, s.subjectIdMasked, s.issuedOn, s.validUntil, s.digest];
  for (const f of fields) if (f.includes('|') || f.includes('\n') || f === '') throw new Error(`statement field ${JSON.stringify(f)} is empty or contains a separator`);
  return fields.join('|');
}

export type ParseResult = { ok: true; statement: Statement } | { ok: false; reason: { zh: string; en: string } };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseStatement(text: string): ParseResult {
  const f = text.split('|');
  if (f[0] !== STATEMENT_FORMAT) return { ok: false, reason: { zh: '格式标识不是 QC1', en: 'the format tag is not QC1' } };
  if (f.length !== FIELD_COUNT) return { ok: false, reason: { zh: `应有 ${FIELD_COUNT} 个字段，实际 ${f.length} 个`, en: `expected ${FIELD_COUNT} fields, found ${f.length}` } };
  const [, alg, signerId, kid, number, verifyCode, kind, unitCode, subjectName, subjectIdMasked, issuedOn, validUntil, digest] = f as [string, ...string[]] as string[];
  if (alg !== 'SM2' && alg !== 'Ed25519') return { ok: false, reason: { zh: `未知的签名算法 ${alg}`, en: `unknown signature algorithm ${alg}` } };
  if (!DATE.test(issuedOn!) || !DATE.test(validUntil!)) return { ok: false, reason: { zh: '日期格式不正确', en: 'malformed dates' } };
  if (!/^[0-9a-f]{8,16}$/.test(kid!)) return { ok: false, reason: { zh: '密钥标识不正确', en: 'malformed key id' } };
  return {
    ok: true,
    statement: {
      algorithm: alg, signerId: signerId === '-' ? null : signerId!, kid: kid!, number: number!, verifyCode: verifyCode!, kind: kind!, unitCode: unitCode!,
      subjectName: subjectName!, subjectIdMasked: subjectIdMasked!, issuedOn: issuedOn!, validUntil: validUntil!, digest: digest!,
    },
  };
}

export function encodePayload(statement: string, signature: Buffer): string {
  return `${Buffer.from(statement, 'utf8').toString('base64url')}.${signature.toString('base64url')}`;
}

export type DecodeResult = { ok: true; statementText: string; statement: Statement; signature: Buffer } | { ok: false; reason: { zh: string; en: string } };

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Accepts the payload itself or the whole URL a phone read from the QR code (…/verify?p=…).
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
  return { ok: true, statementText, statement: parsed.statement, signature: Buffer.from(b, 'base64url') };
}

/** The address printed in the QR code. */
export function verificationUrl(baseUrl: string, payload: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/verify?p=${payload}`;
}
