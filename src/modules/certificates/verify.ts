// Verification (核验), open to anyone: a scanned QR payload or a typed short code gets one of
// valid, revoked, expired, forged or not found, with what the certificate says. The signature is
// checked every time a payload or code is new; a repeat of the same one may take the signature
// result from a bounded cache (a signature never changes), while revocation and expiry are read
// fresh on every check, so a revocation shows at once.
import { sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import { queryRows } from '../../db/client.js';
import { AppError, type Lang } from '../../platform/errors.js';
import { displayVerifyCode, normaliseVerifyCode, todayCn } from '../../platform/dates.js';
import { CertificateErrors } from './errors.js';
import type { KeyService } from './keys.js';
import type { RevocationCategories } from './revocation.js';
import type { Verdict, VerdictReason, VerdictStatus, VerifyBatchIn, VerifyBatchOut, VerifyIn } from './schemas.js';
import { decodePayload, parseStored, textDigest, type SignedBytes, type Statement } from './statement.js';
import type { certificates } from './tables.js';

export { verdictReasons, verdictStatuses, type Verdict, type VerdictReason, type VerdictStatus } from './schemas.js';

const MESSAGES: Record<VerdictReason, { zh: string; en: string }> = {
  ok: { zh: '真实有效：签名验证通过，证明在有效期内且未作废。', en: 'Genuine and valid: the signature checks out, the certificate is within its validity and not revoked.' },
  revoked: { zh: '已作废：该证明由出具单位作废，不能再使用。', en: 'Revoked: the issuing unit has revoked this certificate; it can no longer be used.' },
  expired: { zh: '已过期：签名真实，但证明已超过有效期。', en: 'Expired: the signature is genuine but the certificate is past its validity.' },
  signature_invalid: { zh: '伪造或被篡改：二维码内容与出具单位的电子签名不符。', en: 'Forged or altered: the QR content does not match the issuing unit’s signature.' },
  unknown_key: { zh: '伪造：签名所用的密钥不是任何出具单位的公开密钥。', en: 'Forged: the signing key is not the published key of any issuing unit.' },
  key_mismatch: { zh: '伪造：二维码声称的出具单位或签名参数与密钥不符。', en: 'Forged: the unit or signature parameters claimed do not match the key.' },
  record_mismatch: { zh: '伪造：二维码内容与出具记录不一致。', en: 'Forged: the QR content differs from the issued record.' },
  record_tampered: { zh: '记录异常：该证明的登记记录与出具时的签名不符，请联系出具单位。', en: 'Record altered: the stored record no longer matches its signature; contact the issuing unit.' },
  not_issued: { zh: '查无此证：没有以该核验码出具的证明，请核对输入；若无误，该证明可能是伪造的。', en: 'Not found: no certificate was issued under this code; check what you typed, otherwise the certificate may be forged.' },
  no_record: { zh: '签名真实，但本平台查不到这份证明的出具记录，请向出具单位核实。', en: 'The signature is genuine but this platform has no record of the certificate; check with the issuing unit.' },
};

const STATUS_OF: Record<VerdictReason, VerdictStatus> = {
  ok: 'valid', revoked: 'revoked', expired: 'expired', signature_invalid: 'forged', unknown_key: 'forged', key_mismatch: 'forged', record_mismatch: 'forged', record_tampered: 'forged', not_issued: 'not_found', no_record: 'not_found',
};

// The columns a verdict needs, read with one small raw query (the hot path of every check).
const LOOKUP_COLUMNS = sql.raw(
  'id, number, verify_code AS "verifyCode", kind_code AS "kindCode", title, unit_name AS "unitName", subject_name AS "subjectName", subject_id_masked AS "subjectIdMasked", ' +
    'issued_on AS "issuedOn", valid_until AS "validUntil", public_text AS "publicText", recipient, statement, signature, status, revoked_at AS "revokedAt", revoke_category AS "revokeCategory"',
);
type LookupRow = Pick<typeof certificates.$inferSelect, 'id' | 'number' | 'verifyCode' | 'kindCode' | 'title' | 'unitName' | 'subjectName' | 'subjectIdMasked' | 'issuedOn' | 'validUntil' | 'publicText' | 'recipient' | 'statement' | 'signature' | 'status' | 'revokedAt' | 'revokeCategory'>;

export type VerifyItem = { payload: string; code?: undefined } | { code: string; payload?: undefined };

/** A small LRU of signature results, keyed by exactly what was verified. */
class SignatureCache {
  private readonly map = new Map<string, boolean>();
  constructor(private readonly max: number) {}
  get(k: string): boolean | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: boolean) {
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

export class VerificationService {
  private readonly cache = new SignatureCache(20_000);
  private readonly counts = new Map<number, number>();
  private lastCountAt = new Date();
  private timer: NodeJS.Timeout | null = null;
  /** Signature checks actually computed (not from the cache), for tests and the benchmark. */
  computed = 0;
  private pending: { key: string; resolve(r: LookupRow | undefined): void; reject(e: unknown): void }[] = [];
  private lookupScheduled = false;

  /** Revocation category names by language, refreshed at each check (the list itself is cached). */
  private categoryNames = new Map<string, { zh: string; en: string }>();

  constructor(
    private readonly platform: Platform,
    private readonly keys: KeyService,
    private readonly categories: RevocationCategories,
  ) {}

  private async loadCategoryNames() {
    this.categoryNames = new Map((await this.categories.list(true)).map((c) => [c.code, { zh: c.nameZh, en: c.nameEn }]));
  }

  private verdict(reason: VerdictReason, lang: Lang, parts: Partial<Pick<Verdict, 'signature' | 'certificate' | 'claimed'>> = {}): Verdict {
    return { status: STATUS_OF[reason], reason, message: MESSAGES[reason][lang], checkedAt: new Date().toISOString(), signature: parts.signature ?? null, certificate: parts.certificate ?? null, claimed: parts.claimed ?? null };
  }

  private async checkSignature(signed: SignedBytes, signature: Buffer, signatureText: string) {
    const st = signed.statement;
    const entry = await this.keys.verifier(st.kid);
    if (!entry) return { result: 'unknown_key' as const, info: null };
    const k = entry.key;
    const info = { algorithm: k.algorithm, kid: k.kid, signerId: k.signerId, unitCode: k.unitCode, unitName: k.unitName, keyStatus: k.status, cached: false, valid: false };
    // QC1 names the algorithm and signer ID itself; QC2 takes the key's. The unit is always checked.
    if (k.unitCode !== st.unitCode || (st.format === 'QC1' && (k.algorithm !== st.algorithm || (k.signerId ?? null) !== st.signerId))) return { result: 'key_mismatch' as const, info };
    const cacheKey = `${signed.stored}.${signatureText}`;
    let valid = this.cache.get(cacheKey);
    if (valid === undefined) {
      valid = entry.verifier.verify(signed.bytes, signature);
      this.computed += 1;
      this.cache.set(cacheKey, valid);
    } else info.cached = true;
    info.valid = valid;
    return { result: valid ? ('ok' as const) : ('signature_invalid' as const), info };
  }

  private describe(row: LookupRow, lang: Lang): NonNullable<Verdict['certificate']> {
    const category = row.revokeCategory ? (this.categoryNames.get(row.revokeCategory)?.[lang] ?? row.revokeCategory) : null;
    return {
      number: row.number, verifyCode: displayVerifyCode(row.verifyCode), title: row.title, kind: row.kindCode, unitName: row.unitName, subjectName: row.subjectName, subjectIdMasked: row.subjectIdMasked,
      issuedOn: row.issuedOn, validUntil: row.validUntil, text: row.publicText, recipient: row.recipient, revokedAt: row.revokedAt?.toISOString() ?? null, revokeCategory: row.status === 'revoked' ? category : null,
    };
  }

  /** Status of a certificate whose signature and record agree. */
  private finish(row: LookupRow, lang: Lang, signature: Verdict['signature']): Verdict {
    this.count(row.id);
    const certificate = this.describe(row, lang);
    if (row.status === 'revoked') return this.verdict('revoked', lang, { signature, certificate });
    if (row.validUntil < todayCn()) return this.verdict('expired', lang, { signature, certificate });
    return this.verdict('ok', lang, { signature, certificate });
  }

  private async fetch(where: { number?: string[]; code?: string[] }): Promise<LookupRow[]> {
    const list = (xs: string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);
    const conds: SQL[] = [];
    if (where.number?.length) conds.push(where.number.length === 1 ? sql`number = ${where.number[0]}` : sql`number IN (${list(where.number)})`);
    if (where.code?.length) conds.push(where.code.length === 1 ? sql`verify_code = ${where.code[0]}` : sql`verify_code IN (${list(where.code)})`);
    if (!conds.length) return [];
    const rows = await queryRows<LookupRow>(this.platform.db, sql`SELECT ${LOOKUP_COLUMNS} FROM certificate WHERE ${sql.join(conds, sql` OR `)}`);
    // Both engines give timestamps as Date; dates stay YYYY-MM-DD strings.
    for (const r of rows) {
      const at: unknown = r.revokedAt;
      if (at && !(at instanceof Date)) r.revokedAt = new Date(String(at));
    }
    return rows;
  }

  /**
   * One record by number ("n:…") or code ("c:…"). Look-ups asked for while the server reads the
   * same burst of requests go to the database together, in one query, right after that burst
   * (setImmediate runs once the event loop has read what arrived): under load a check costs one
   * query per burst instead of one per request, and alone it waits for nothing.
   */
  private lookup(key: string): Promise<LookupRow | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.lookupScheduled) return;
      this.lookupScheduled = true;
      setImmediate(() => void this.runLookups());
    });
  }

  private async runLookups(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.lookupScheduled = false;
    try {
      const numbers = [...new Set(batch.filter((b) => b.key.startsWith('n:')).map((b) => b.key.slice(2)))];
      const codes = [...new Set(batch.filter((b) => b.key.startsWith('c:')).map((b) => b.key.slice(2)))];
      const map = new Map<string, LookupRow>();
      for (const r of await this.fetch({ number: numbers, code: codes })) {
        map.set(`n:${r.number}`, r);
        map.set(`c:${r.verifyCode}`, r);
      }
      for (const b of batch) b.resolve(map.get(b.key));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  /** What a checker sends: exactly one of the short code and the QR content. */
  async verify(input: VerifyIn, lang: Lang): Promise<Verdict> {
    if ((input.code ? 1 : 0) + (input.payload ? 1 : 0) !== 1) throw new AppError(CertificateErrors.CERT_VERIFY_INPUT, {}, 'code');
    return input.payload ? this.verifyPayload(input.payload, lang) : this.verifyCode(input.code ?? '', lang);
  }

  /** A pile of checks; an item with neither or both of code and payload refuses the whole batch, naming it. */
  async verifyBatch(input: VerifyBatchIn, lang: Lang): Promise<VerifyBatchOut> {
    const items = input.items.map((it, i): VerifyItem => {
      if (it.payload && !it.code) return { payload: it.payload };
      if (it.code && !it.payload) return { code: it.code };
      throw new AppError(CertificateErrors.CERT_VERIFY_INPUT, {}, `items.${i}`);
    });
    return { results: await this.verifyMany(items, lang) };
  }

  /** A QR payload (or the whole scanned address). Malformed input is an error, not a verdict. */
  async verifyPayload(input: string, lang: Lang, prefetched?: Map<string, LookupRow>): Promise<Verdict> {
    const d = decodePayload(input);
    if (!d.ok) throw new AppError(CertificateErrors.CERT_PAYLOAD_MALFORMED, { reason_zh: d.reason.zh, reason_en: d.reason.en }, 'payload');
    await this.loadCategoryNames();
    return this.judgePayload(d, d.signature, lang, prefetched);
  }

  private async judgePayload(signed: SignedBytes, signature: Buffer, lang: Lang, prefetched?: Map<string, LookupRow>): Promise<Verdict> {
    const st: Statement = signed.statement;
    const claimed = { number: st.number, title: null as string | null, kind: st.kind, unitCode: st.unitCode, subjectName: st.subjectName, subjectIdMasked: st.subjectIdMasked, issuedOn: st.issuedOn, validUntil: st.validUntil };
    const sig = await this.checkSignature(signed, signature, signature.toString('base64url'));
    if (sig.result !== 'ok') return this.verdict(sig.result, lang, { signature: sig.info, claimed });
    const row = prefetched ? prefetched.get(`n:${st.number}`) : await this.lookup(`n:${st.number}`);
    if (!row) return this.verdict('no_record', lang, { signature: sig.info, claimed });
    if (row.statement !== signed.stored) return this.verdict('record_mismatch', lang, { signature: sig.info, claimed: { ...claimed, title: row.title } });
    if (textDigest(row.publicText) !== st.digest) return this.verdict('record_tampered', lang, { signature: sig.info, certificate: this.describe(row, lang) });
    return this.finish(row, lang, sig.info);
  }

  /** A typed short code: the record is looked up, and its stored signature checked again. */
  async verifyCode(input: string, lang: Lang, prefetched?: Map<string, LookupRow>): Promise<Verdict> {
    const code = normaliseVerifyCode(input);
    if (!code) throw new AppError(CertificateErrors.CERT_CODE_MALFORMED, {}, 'code');
    if (!prefetched) await this.loadCategoryNames();
    const row = prefetched ? prefetched.get(`c:${code}`) : await this.lookup(`c:${code}`);
    if (!row) return this.verdict('not_issued', lang);
    const parsed = parseStored(row.statement);
    if (!parsed.ok || parsed.statement.verifyCode !== code || parsed.statement.number !== row.number) return this.verdict('record_tampered', lang, { certificate: this.describe(row, lang) });
    const sig = await this.checkSignature(parsed, Buffer.from(row.signature, 'base64url'), row.signature);
    if (sig.result !== 'ok' || textDigest(row.publicText) !== parsed.statement.digest) return this.verdict('record_tampered', lang, { signature: sig.info, certificate: this.describe(row, lang) });
    return this.finish(row, lang, sig.info);
  }

  /**
   * Many checks in one request (a bank or school checking a pile of certificates): one database
   * query for all of them; each item gets its own verdict or its own error.
   */
  async verifyMany(items: VerifyItem[], lang: Lang): Promise<({ verdict: Verdict } | { error: { code: string; message: string; field: string } })[]> {
    const decoded = items.map((it) => {
      if (it.payload !== undefined) {
        const d = decodePayload(it.payload);
        return d.ok ? { kind: 'payload' as const, d } : { kind: 'error' as const, err: new AppError(CertificateErrors.CERT_PAYLOAD_MALFORMED, { reason_zh: d.reason.zh, reason_en: d.reason.en }, 'payload') };
      }
      const code = normaliseVerifyCode(it.code ?? '');
      return code ? { kind: 'code' as const, code } : { kind: 'error' as const, err: new AppError(CertificateErrors.CERT_CODE_MALFORMED, {}, 'code') };
    });
    const numbers = decoded.flatMap((x) => (x.kind === 'payload' ? [x.d.statement.number] : []));
    const codes = decoded.flatMap((x) => (x.kind === 'code' ? [x.code] : []));
    const rows = await this.fetch({ number: [...new Set(numbers)], code: [...new Set(codes)] });
    await this.loadCategoryNames();
    const map = new Map<string, LookupRow>();
    for (const r of rows) {
      map.set(`n:${r.number}`, r);
      map.set(`c:${r.verifyCode}`, r);
    }
    const out: ({ verdict: Verdict } | { error: { code: string; message: string; field: string } })[] = [];
    for (const x of decoded) {
      if (x.kind === 'error') out.push({ error: { code: x.err.code, message: x.err.messageIn(lang), field: x.err.field ?? '' } });
      else if (x.kind === 'payload') out.push({ verdict: await this.judgePayload(x.d, x.d.signature, lang, map) });
      else out.push({ verdict: await this.verifyCode(x.code, lang, map) });
    }
    return out;
  }

  // ---- how often each certificate was checked, written in batches ------------------------

  private count(id: number) {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    this.lastCountAt = new Date();
  }

  /** Writes the counts gathered since the last flush (one statement). */
  async flushCounts(): Promise<void> {
    if (!this.counts.size) return;
    const entries = [...this.counts];
    const at = this.lastCountAt.toISOString();
    this.counts.clear();
    const values = sql.join(entries.map(([id, n]) => sql`(${id}::bigint, ${n}::int)`), sql`, `);
    try {
      await this.platform.db.execute(sql`UPDATE certificate c SET verify_count = c.verify_count + v.n, last_verified_at = greatest(coalesce(c.last_verified_at, ${at}::timestamptz), ${at}::timestamptz) FROM (VALUES ${values}) AS v(id, n) WHERE c.id = v.id`);
    } catch (err) {
      // Counts are informative; losing one batch must not break verification.
      this.platform.log.warn({ err }, 'could not record certificate verification counts');
    }
  }

  start(intervalMs = 10_000) {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flushCounts(), intervalMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushCounts();
  }
}
