// Each issuing unit's signing keys. A unit gets an SM2 key the first time it issues; an admin can
// rotate it (to a new SM2 or an Ed25519 key), after which the old key only verifies. Private keys
// are stored encrypted with the platform's field cipher and decrypted only in this process;
// public keys are published for anyone to verify offline.
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import type { Tx } from '../../db/client.js';
import type { RequestContext } from '../../platform/context.js';
import { CertificateErrors } from './errors.js';
import { AppError } from '../../platform/errors.js';
import { DEFAULT_SIGNER_ID, generateSigningKey, Signer, Verifier, type Algorithm } from './signing.js';
import type { PublishedKey, PublishedKeys } from './schemas.js';
import { STATEMENT_FORMAT } from './statement.js';
import { signingKeys } from './tables.js';

export type SigningKey = typeof signingKeys.$inferSelect;

export interface Unit {
  nodeId: number;
  code: string;
  /** Full name as it heads a certificate: 滨体社区居民委员会. */
  name: string;
  path: string;
}


export class KeyService {
  private readonly signers = new Map<string, Signer>();
  private readonly verifiers = new Map<string, { key: SigningKey; verifier: Verifier }>();

  constructor(private readonly platform: Platform) {}

  /** The unit's active key, created (SM2, default signer ID) inside the caller's transaction if it has none. */
  async activeKey(tx: Tx, unit: Unit, ctx: RequestContext): Promise<SigningKey> {
    const found = await tx.select().from(signingKeys).where(and(eq(signingKeys.unitNodeId, unit.nodeId), eq(signingKeys.status, 'active'))).limit(1);
    if (found[0]) return found[0];
    // Two first certificates of a unit at once: one key wins, the other transaction uses it.
    const made = await this.insertKey(tx, unit, 'SM2', DEFAULT_SIGNER_ID, ctx);
    if (made) return made;
    const again = await tx.select().from(signingKeys).where(and(eq(signingKeys.unitNodeId, unit.nodeId), eq(signingKeys.status, 'active'))).limit(1);
    return again[0]!;
  }

  private async insertKey(tx: Tx, unit: Unit, algorithm: Algorithm, signerId: string | null, ctx: RequestContext): Promise<SigningKey | undefined> {
    const g = generateSigningKey(algorithm);
    const kid = randomBytes(4).toString('hex');
    const [row] = await tx
      .insert(signingKeys)
      .values({
        kid, unitNodeId: unit.nodeId, unitCode: unit.code, unitName: unit.name, treePath: unit.path, algorithm, signerId: algorithm === 'SM2' ? (signerId ?? DEFAULT_SIGNER_ID) : null,
        publicKeyHex: g.publicKeyHex, publicKeyPem: g.publicKeyPem, privateKeyEnc: this.platform.cipher.encrypt(g.privateKey), createdByName: ctx.principal?.displayName ?? 'system',
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return undefined;
    await this.platform.audit.record(tx, ctx, { category: 'admin', action: 'signing_key.create', entityType: 'signing_key', entityId: kid, treePath: unit.path, detail: { unit: unit.code, algorithm, signerId: row!.signerId } });
    return row;
  }

  /** Retires the unit's active key and makes a new one; certificates signed before still verify. */
  async rotate(ctx: RequestContext, unit: Unit, algorithm: Algorithm, signerId: string | null, reason: string): Promise<SigningKey> {
    if (algorithm === 'SM2' && signerId !== null && (!signerId.trim() || Buffer.byteLength(signerId) > 64 || signerId.includes('|'))) {
      throw new AppError(CertificateErrors.CERT_KIND_INVALID, { field_zh: '签名者标识', field_en: 'signer ID', reason_zh: '应为 1-64 字节且不含“|”', reason_en: 'must be 1-64 bytes without "|"' }, 'signerId');
    }
    return this.platform.db.transaction(async (tx) => {
      const old = await tx.update(signingKeys).set({ status: 'retired', retiredAt: new Date(), retireReason: reason }).where(and(eq(signingKeys.unitNodeId, unit.nodeId), eq(signingKeys.status, 'active'))).returning({ kid: signingKeys.kid });
      const row = (await this.insertKey(tx, unit, algorithm, signerId, ctx))!;
      await this.platform.audit.record(tx, ctx, { category: 'admin', action: 'signing_key.rotate', entityType: 'signing_key', entityId: row.kid, treePath: unit.path, reason, detail: { unit: unit.code, retired: old.map((o) => o.kid), algorithm } });
      for (const o of old) this.verifiers.delete(o.kid);
      return row;
    });
  }

  signer(key: SigningKey): Signer {
    let s = this.signers.get(key.kid);
    if (!s) {
      s = new Signer(key.algorithm as Algorithm, this.platform.cipher.decrypt(key.privateKeyEnc), key.publicKeyHex, key.signerId);
      this.signers.set(key.kid, s);
    }
    return s;
  }

  /** A verifier for a key id, from memory or the database; null for a key we never had. */
  async verifier(kid: string): Promise<{ key: SigningKey; verifier: Verifier } | null> {
    const hit = this.verifiers.get(kid);
    if (hit) return hit;
    const rows = await this.platform.db.select().from(signingKeys).where(eq(signingKeys.kid, kid)).limit(1);
    if (!rows[0]) return null;
    const entry = { key: rows[0], verifier: new Verifier(rows[0].algorithm as Algorithm, rows[0].publicKeyHex, rows[0].publicKeyPem, rows[0].signerId) };
    this.verifiers.set(kid, entry);
    return entry;
  }

  /** What GET /public/certificates/keys answers: the formats verified and every published key. */
  async publishedSet(unitCode?: string): Promise<PublishedKeys> {
    return { format: STATEMENT_FORMAT, formats: ['QC2', 'QC1'], defaultSignerId: DEFAULT_SIGNER_ID, keys: await this.published({ unitCode }) };
  }

  async published(filter: { unitCode?: string } = {}): Promise<PublishedKey[]> {
    const rows = await this.platform.db
      .select()
      .from(signingKeys)
      .where(filter.unitCode ? eq(signingKeys.unitCode, filter.unitCode) : undefined)
      .orderBy(asc(signingKeys.unitCode), asc(signingKeys.createdAt));
    return rows.map((k) => ({
      kid: k.kid, algorithm: k.algorithm as Algorithm, signerId: k.signerId, unitCode: k.unitCode, unitName: k.unitName, publicKeyHex: k.publicKeyHex, publicKeyPem: k.publicKeyPem,
      status: k.status, createdAt: k.createdAt.toISOString(), retiredAt: k.retiredAt?.toISOString() ?? null,
    }));
  }
}
