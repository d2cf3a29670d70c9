// The 减证便民 handbook: certificates communities no longer issue, with who issues them now, where
// to go, whom to ask, what to bring and whether it can be done online. Public and searchable;
// the counter shows an entry when a resident asks for something not in the catalogue.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { AuthedContext, RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { nationalHandbook, type HandbookInput } from './defaults.js';
import { CertificateErrors } from './errors.js';
import { handbookEnglish } from './english.js';
import { renderHandbook } from './render.js';
import type { HandbookEditIn, HandbookOut, NewHandbookIn } from './schemas.js';
import { handbookEntries } from './tables.js';

export type HandbookEntry = typeof handbookEntries.$inferSelect;

const CODE_RE = /^[a-z][a-z0-9_]{1,39}$/;

/** Escapes LIKE wildcards in user text. */
export function likeEscape(s: string): string {
  return s.replace(/[%_\\]/g, (c) => `\\${c}`);
}

export class HandbookService {
  constructor(private readonly platform: Platform) {}

  /** Loads the national list into an empty handbook (idempotent). */
  async ensureDefaults(): Promise<void> {
    const [{ n }] = (await this.platform.db.select({ n: sql<number>`count(*)::int` }).from(handbookEntries)) as [{ n: number }];
    if (n > 0) return;
    await this.platform.db
      .insert(handbookEntries)
      .values(nationalHandbook.map((e, i) => ({ ...e, sortOrder: e.sortOrder ?? (i + 1) * 10, active: e.active ?? true, updatedBy: 'system' })))
      .onConflictDoNothing();
  }

  /**
   * Entries matching words a resident might use ("良民证", "无犯罪"): title, keywords, authority and
   * notes, each word of the query must match somewhere. Best matches (title) first.
   */
  async search(q: string | undefined, opts: { includeInactive?: boolean; online?: boolean; limit?: number } = {}, db: DbOrTx = this.platform.db): Promise<HandbookEntry[]> {
    const conds: SQL[] = [];
    if (!opts.includeInactive) conds.push(eq(handbookEntries.active, true));
    if (opts.online !== undefined) conds.push(eq(handbookEntries.online, opts.online));
    const words = (q ?? '').trim().split(/[\s,，、]+/).filter(Boolean).slice(0, 5);
    const haystack = sql`(${handbookEntries.title} || ' ' || ${handbookEntries.keywords}::text || ' ' || ${handbookEntries.authority} || ' ' || coalesce(${handbookEntries.notes}, '') || ' ' || ${handbookEntries.code})`;
    for (const w of words) conds.push(sql`${haystack} ILIKE ${`%${likeEscape(w)}%`}`);
    // Entries whose title matches come first, then the handbook's own order.
    const order = words[0] ? [sql`CASE WHEN ${handbookEntries.title} ILIKE ${`%${likeEscape(words[0])}%`} THEN 0 ELSE 1 END`, asc(handbookEntries.sortOrder), asc(handbookEntries.id)] : [asc(handbookEntries.sortOrder), asc(handbookEntries.id)];
    return db
      .select()
      .from(handbookEntries)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(...order)
      .limit(opts.limit ?? 200);
  }

  /** An entry as the API gives it, with the English of the texts still as shipped. */
  out(e: HandbookEntry): HandbookOut {
    return { ...e, updatedAt: e.updatedAt.toISOString(), en: handbookEnglish(e) };
  }

  /** Entries matching the words, as the API gives them. */
  async list(q: string | undefined, opts: { includeInactive?: boolean; online?: boolean; limit?: number } = {}): Promise<HandbookOut[]> {
    return (await this.search(q, opts)).map((e) => this.out(e));
  }

  /** One entry as the public sees it: a withdrawn one is not found. */
  async publicEntry(code: string): Promise<HandbookOut> {
    const e = await this.get(code);
    if (!e.active) throw new AppError(CertificateErrors.HANDBOOK_NOT_FOUND, { code }, 'code');
    return this.out(e);
  }

  /** The active handbook as a printable PDF. */
  async pdf(): Promise<Uint8Array> {
    return renderHandbook(await this.search(undefined), '');
  }

  /** Adds an entry, as an administrator. */
  async add(ctx: AuthedContext, input: NewHandbookIn): Promise<HandbookOut> {
    return this.out(await this.create(ctx, input));
  }

  /** Edits an entry; the version sent must be the current one. */
  async edit(ctx: AuthedContext, code: string, input: HandbookEditIn): Promise<HandbookOut> {
    const { version, ...rest } = input;
    return this.out(await this.update(ctx, code, { ...rest, code }, version));
  }

  async get(code: string, db: DbOrTx = this.platform.db): Promise<HandbookEntry> {
    const rows = await db.select().from(handbookEntries).where(eq(handbookEntries.code, code)).limit(1);
    if (!rows[0]) throw new AppError(CertificateErrors.HANDBOOK_NOT_FOUND, { code }, 'code');
    return rows[0];
  }

  async find(code: string, db: DbOrTx = this.platform.db): Promise<HandbookEntry | undefined> {
    const rows = await db.select().from(handbookEntries).where(eq(handbookEntries.code, code)).limit(1);
    return rows[0];
  }

  async codes(): Promise<Set<string>> {
    return new Set((await this.platform.db.select({ code: handbookEntries.code }).from(handbookEntries)).map((r) => r.code));
  }

  private validate(input: HandbookInput) {
    const bad = (field: string, fieldZh: string, fieldEn: string, zh: string, en: string) => {
      throw new AppError(CertificateErrors.HANDBOOK_INVALID, { field_zh: fieldZh, field_en: fieldEn, reason_zh: zh, reason_en: en }, field);
    };
    if (!CODE_RE.test(input.code)) bad('code', '代码', 'code', '应为小写字母开头的字母、数字或下划线（2-40 位）', 'lower-case letters, digits and underscores, starting with a letter (2-40)');
    for (const [k, zh, en] of [['title', '证明名称', 'title'], ['authority', '出具机构', 'authority'], ['place', '办理地点', 'place'], ['contact', '咨询方式', 'contact'], ['basis', '依据', 'basis']] as const) {
      if (!String(input[k] ?? '').trim()) bad(k, zh, en, '不能为空', 'must not be empty');
    }
    if (input.online && !input.onlineHow?.trim()) bad('onlineHow', '网上办理方式', 'how to do it online', '可网上办理的，请写明在哪个平台或应用办理', 'say which platform or app handles it online');
  }

  private values(input: HandbookInput) {
    return {
      title: input.title.trim(), authority: input.authority.trim(), place: input.place.trim(), contact: input.contact.trim(),
      materials: input.materials.map((m) => m.trim()).filter(Boolean), online: input.online, onlineHow: input.online ? (input.onlineHow?.trim() ?? null) : null,
      basis: input.basis.trim(), notes: input.notes?.trim() || null, keywords: input.keywords.map((k) => k.trim()).filter(Boolean), sortOrder: input.sortOrder ?? 0, active: input.active ?? true,
    };
  }

  async create(ctx: RequestContext, input: HandbookInput): Promise<HandbookEntry> {
    this.validate(input);
    return this.platform.db.transaction(async (tx: Tx) => {
      const [row] = await tx.insert(handbookEntries).values({ code: input.code, ...this.values(input), updatedBy: ctx.principal?.displayName ?? 'system' }).onConflictDoNothing().returning();
      if (!row) throw new AppError(CertificateErrors.HANDBOOK_EXISTS, { code: input.code }, 'code');
      await this.platform.audit.record(tx, ctx, { category: 'admin', action: 'handbook.create', entityType: 'handbook_entry', entityId: input.code, detail: { title: input.title } });
      return row;
    });
  }

  async update(ctx: RequestContext, code: string, input: HandbookInput, expectedVersion: number): Promise<HandbookEntry> {
    this.validate({ ...input, code });
    return this.platform.db.transaction(async (tx) => {
      const current = await tx.select().from(handbookEntries).where(eq(handbookEntries.code, code)).for('update');
      if (!current[0]) throw new AppError(CertificateErrors.HANDBOOK_NOT_FOUND, { code }, 'code');
      if (current[0].version !== expectedVersion) throw new AppError(CertificateErrors.HANDBOOK_VERSION_CONFLICT, { current: current[0].version, expected: expectedVersion }, 'version');
      const [row] = await tx
        .update(handbookEntries)
        .set({ ...this.values(input), version: current[0].version + 1, updatedAt: new Date(), updatedBy: ctx.principal?.displayName ?? 'system' })
        .where(eq(handbookEntries.code, code))
        .returning();
      await this.platform.audit.record(tx, ctx, { category: 'admin', action: 'handbook.update', entityType: 'handbook_entry', entityId: code, detail: { version: row!.version, title: input.title, active: input.active ?? true } });
      return row!;
    });
  }
}
