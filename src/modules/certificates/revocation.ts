// Why certificates are revoked, as categories. Revoking names a category and a note: the public
// verification page shows the category (信息变更, 误开, 迁出 …) and never the note, which is for
// staff and may tell a resident's circumstances ("离婚后迁往外地"). The categories are data: an
// admin renames, adds or withdraws them; a new city starts with the defaults below.
import { asc, eq } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { CertificateErrors } from './errors.js';
import type { RevokeCategoryIn, RevokeCategoryOut } from './schemas.js';
import { revokeCategories } from './tables.js';

export type RevokeCategory = typeof revokeCategories.$inferSelect;

export const defaultRevokeCategories: { code: string; nameZh: string; nameEn: string }[] = [
  { code: 'info_changed', nameZh: '信息变更', nameEn: 'Information changed' },
  { code: 'issued_in_error', nameZh: '误开', nameEn: 'Issued in error' },
  { code: 'moved_out', nameZh: '迁出', nameEn: 'Moved away' },
  { code: 'reissued', nameZh: '已重新出具', nameEn: 'Replaced by a new certificate' },
  { code: 'withdrawn', nameZh: '申请人撤回', nameEn: 'Withdrawn at the holder’s request' },
  { code: 'other', nameZh: '其他', nameEn: 'Other' },
];

const CODE_RE = /^[a-z][a-z0-9_]{1,31}$/;

function categoryOut(c: RevokeCategory): RevokeCategoryOut {
  return { code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, sortOrder: c.sortOrder, active: c.active };
}

export class RevocationCategories {
  private cache: { at: number; rows: RevokeCategory[] } | null = null;

  constructor(private readonly platform: Platform) {}

  /** Loads the defaults into an empty list (idempotent). */
  async ensureDefaults(): Promise<void> {
    const have = await this.platform.db.select({ code: revokeCategories.code }).from(revokeCategories).limit(1);
    if (have.length) return;
    await this.platform.db.insert(revokeCategories).values(defaultRevokeCategories.map((c, i) => ({ ...c, sortOrder: (i + 1) * 10 }))).onConflictDoNothing();
  }

  async list(includeInactive = false): Promise<RevokeCategory[]> {
    if (!this.cache || Date.now() - this.cache.at > 10_000) this.cache = { at: Date.now(), rows: await this.platform.db.select().from(revokeCategories).orderBy(asc(revokeCategories.sortOrder), asc(revokeCategories.code)) };
    return includeInactive ? this.cache.rows : this.cache.rows.filter((c) => c.active);
  }

  /** The categories as the API gives them. */
  async listOut(includeInactive = false): Promise<RevokeCategoryOut[]> {
    return (await this.list(includeInactive)).map(categoryOut);
  }

  /** Adds or edits a category, answered as the API gives it. */
  async saveOut(ctx: RequestContext, code: string, input: RevokeCategoryIn): Promise<RevokeCategoryOut> {
    return categoryOut(await this.save(ctx, code, input));
  }

  /** The category's name in a language; null for a revocation recorded before categories existed. */
  async nameOf(code: string | null, lang: 'zh' | 'en'): Promise<string | null> {
    if (!code) return null;
    const c = (await this.list(true)).find((x) => x.code === code);
    return c ? (lang === 'zh' ? c.nameZh : c.nameEn) : code;
  }

  /** The category a worker chose, refused when unknown or withdrawn. */
  async assertUsable(code: string): Promise<RevokeCategory> {
    const c = (await this.list(false)).find((x) => x.code === code);
    if (!c) {
      const names = (await this.list(false)).map((x) => x.nameZh).join('、');
      throw new AppError(CertificateErrors.CERT_REVOKE_CATEGORY_INVALID, { code, names }, 'category');
    }
    return c;
  }

  /** Adds or edits a category (an admin's change, audited). */
  async save(ctx: RequestContext, code: string, input: RevokeCategoryIn): Promise<RevokeCategory> {
    if (!CODE_RE.test(code)) throw new AppError(CertificateErrors.CERT_REVOKE_CATEGORY_CODE, {}, 'code');
    const row = await this.platform.db.transaction(async (tx) => {
      const values = { nameZh: input.nameZh.trim(), nameEn: input.nameEn.trim(), ...(input.sortOrder !== undefined ? { sortOrder: input.sortOrder } : {}), ...(input.active !== undefined ? { active: input.active } : {}) };
      const [r] = await tx
        .insert(revokeCategories)
        .values({ code, ...values, sortOrder: input.sortOrder ?? 1000 })
        .onConflictDoUpdate({ target: revokeCategories.code, set: { ...values, updatedAt: new Date() } })
        .returning();
      await this.platform.audit.record(tx, ctx, { category: 'admin', action: 'certificate.revoke_category', entityType: 'certificate_revoke_category', entityId: code, detail: values });
      return r!;
    });
    this.cache = null;
    return row;
  }

  /** For tests and the list of what is in force. */
  async get(code: string): Promise<RevokeCategory | undefined> {
    const [r] = await this.platform.db.select().from(revokeCategories).where(eq(revokeCategories.code, code)).limit(1);
    return r;
  }
}
