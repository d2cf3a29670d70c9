// Labels (重点人群 and other tags). Label kinds are data an admin adds; each names its owner, and
// only the owner writes it: a community keeps 独居老人, 民政 keeps 低保 through its grant
// ("label:low_income" among the grant's write fields).
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { isSystemPrincipal, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { departmentCodes } from './codes.js';
import { RegistryErrors } from './errors.js';
import type { RegistryStore, Source } from './store.js';
import { labelKinds, residentLabels, residents } from './tables.js';

export type LabelKind = typeof labelKinds.$inferSelect;
export type ResidentLabel = typeof residentLabels.$inferSelect;

export function labelField(code: string): string {
  return `label:${code}`;
}

export class LabelService {
  private cache: { at: number; kinds: LabelKind[] } | null = null;

  constructor(private readonly store: RegistryStore) {}

  async kinds(includeInactive = false, db: DbOrTx = this.store.db): Promise<LabelKind[]> {
    if (!this.cache || Date.now() - this.cache.at > 10_000) {
      this.cache = { at: Date.now(), kinds: await db.select().from(labelKinds).orderBy(asc(labelKinds.sortOrder), asc(labelKinds.code)) };
    }
    return includeInactive ? this.cache.kinds : this.cache.kinds.filter((k) => k.active);
  }

  async kind(code: string, db: DbOrTx = this.store.db): Promise<LabelKind> {
    const k = (await this.kinds(true, db)).find((x) => x.code === code);
    if (!k) throw new AppError(RegistryErrors.LABEL_UNKNOWN, { code }, 'code');
    return k;
  }

  async createKind(ctx: RequestContext, input: { code: string; nameZh: string; nameEn: string; owner: string; reviewDays: number; appliesTo?: string; attributeSchema?: LabelKind['attributeSchema'] }): Promise<LabelKind> {
    return this.store.db.transaction(async (tx) => {
      const [row] = await tx.insert(labelKinds).values({ ...input, appliesTo: input.appliesTo ?? 'resident', attributeSchema: input.attributeSchema ?? {} }).onConflictDoNothing().returning();
      if (!row) throw new AppError(RegistryErrors.RECORD_INVALID, { field_zh: '标签代码', field_en: 'label code', reason_zh: '已存在', reason_en: 'already exists' }, 'code');
      await this.store.platform.audit.record(tx, ctx, { category: 'admin', action: 'label_kind.create', entityType: 'label_kind', entityId: input.code, detail: input });
      this.cache = null;
      return row;
    });
  }

  async updateKind(ctx: RequestContext, code: string, patch: Partial<Pick<LabelKind, 'nameZh' | 'nameEn' | 'owner' | 'reviewDays' | 'active' | 'attributeSchema' | 'sortOrder'>>): Promise<LabelKind> {
    await this.kind(code);
    return this.store.db.transaction(async (tx) => {
      const [row] = await tx.update(labelKinds).set({ ...patch, updatedAt: new Date() }).where(eq(labelKinds.code, code)).returning();
      await this.store.platform.audit.record(tx, ctx, { category: 'admin', action: 'label_kind.update', entityType: 'label_kind', entityId: code, detail: patch });
      this.cache = null;
      return row!;
    });
  }

  /** May this caller write this label? The owner only: the community, or the owning department. */
  private async assertCanWrite(ctx: RequestContext, kind: LabelKind, db: DbOrTx = this.store.db): Promise<Source> {
    const p = ctx.principal!;
    if (isSystemPrincipal(p)) return 'system';
    const ownerName = kind.owner === 'community' ? (ctx.lang === 'zh' ? '社区' : 'the community') : (departmentCodes[kind.owner]?.[ctx.lang] ?? kind.owner);
    if (kind.owner === 'community') {
      if (p.permissions.has('registry:write')) return 'community';
    } else if (p.permissions.has('registry:supplement')) {
      const access = await this.store.access(ctx, 'resident', db);
      if (access.writable !== 'all' && access.writable.has(labelField(kind.code))) return 'department';
    }
    throw new AppError(RegistryErrors.LABEL_NOT_OWNED, { label: ctx.lang === 'zh' ? kind.nameZh : kind.nameEn, owner: ownerName }, 'code');
  }

  async forResidents(ids: number[], activeOnly = true): Promise<Map<number, ResidentLabel[]>> {
    const out = new Map<number, ResidentLabel[]>();
    if (!ids.length) return out;
    const rows = await this.store.db
      .select()
      .from(residentLabels)
      .where(and(sql`${residentLabels.residentId} IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`, activeOnly ? or(isNull(residentLabels.until), sql`${residentLabels.until} >= CURRENT_DATE`) : undefined))
      .orderBy(asc(residentLabels.since));
    for (const r of rows) {
      const list = out.get(r.residentId) ?? [];
      list.push(r);
      out.set(r.residentId, list);
    }
    return out;
  }

  /**
   * Adds a label to a resident (or updates the open one of the same kind). The resident gets a
   * new version so that "as it stood on a date" includes its labels.
   */
  async set(ctx: RequestContext, residentId: number, input: { code: string; since: string; until?: string | null; attributes?: Record<string, unknown> }, opts: { reason?: string | null; tx?: Tx } = {}): Promise<ResidentLabel> {
    const kind = await this.kind(input.code, opts.tx);
    const source = await this.assertCanWrite(ctx, kind, opts.tx);
    this.checkAttributes(kind, input.attributes ?? {});
    const run = async (tx: Tx) => {
      const access = await this.store.access(ctx, 'resident', tx);
      const resident = await this.store.getRow(ctx, 'resident', residentId, access, tx);
      const open = await tx
        .select()
        .from(residentLabels)
        .where(and(eq(residentLabels.residentId, residentId), eq(residentLabels.labelCode, input.code), or(isNull(residentLabels.until), sql`${residentLabels.until} >= CURRENT_DATE`)))
        .limit(1);
      let label: ResidentLabel;
      if (open[0]) {
        [label] = (await tx
          .update(residentLabels)
          .set({ since: input.since, until: input.until ?? null, attributes: input.attributes ?? open[0].attributes, version: open[0].version + 1, updatedAt: new Date(), updatedBy: ctx.principal?.userId ?? null, source })
          .where(eq(residentLabels.id, open[0].id))
          .returning()) as [ResidentLabel];
      } else {
        [label] = (await tx
          .insert(residentLabels)
          .values({ residentId, labelCode: input.code, since: input.since, until: input.until ?? null, attributes: input.attributes ?? {}, source, treePath: resident.treePath, districtCode: resident.districtCode, updatedBy: ctx.principal?.userId ?? null })
          .returning()) as [ResidentLabel];
      }
      await this.bumpResident(tx, ctx, residentId, source, opts.reason ?? null, `label:${input.code}`);
      await this.store.platform.audit.record(tx, ctx, { category: 'write', action: 'resident.label', entityType: 'resident', entityId: residentId, subjectId: residentId, treePath: resident.treePath, districtCode: resident.districtCode, reason: opts.reason ?? null, detail: { label: input.code, since: input.since, until: input.until ?? null } });
      await this.store.platform.events.emit('registry.recordChanged', { recordKind: 'resident', recordId: residentId, operation: 'label', changedFields: [labelField(input.code)], treePath: resident.treePath }, tx, ctx);
      return label;
    };
    return opts.tx ? run(opts.tx) : this.store.db.transaction(run);
  }

  /** Ends a label on a date (the history keeps it). */
  async end(ctx: RequestContext, residentId: number, code: string, until: string, reason: string | null): Promise<void> {
    const kind = await this.kind(code);
    const source = await this.assertCanWrite(ctx, kind);
    await this.store.db.transaction(async (tx) => {
      const access = await this.store.access(ctx, 'resident', tx);
      const resident = await this.store.getRow(ctx, 'resident', residentId, access, tx);
      const res = await tx
        .update(residentLabels)
        .set({ until, version: sql`${residentLabels.version} + 1`, updatedAt: new Date(), updatedBy: ctx.principal?.userId ?? null, source })
        .where(and(eq(residentLabels.residentId, residentId), eq(residentLabels.labelCode, code), or(isNull(residentLabels.until), sql`${residentLabels.until} >= CURRENT_DATE`)))
        .returning({ id: residentLabels.id });
      if (!res.length) throw new AppError(RegistryErrors.RECORD_NOT_FOUND);
      await this.bumpResident(tx, ctx, residentId, source, reason, `label:${code}`);
      await this.store.platform.audit.record(tx, ctx, { category: 'write', action: 'resident.label_end', entityType: 'resident', entityId: residentId, subjectId: residentId, treePath: resident.treePath, districtCode: resident.districtCode, reason, detail: { label: code, until } });
      await this.store.platform.events.emit('registry.recordChanged', { recordKind: 'resident', recordId: residentId, operation: 'label', changedFields: [labelField(code)], treePath: resident.treePath }, tx, ctx);
    });
  }

  /** A label change is a change of the person's record: a new version, which carries the labels. */
  private async bumpResident(tx: Tx, ctx: RequestContext, residentId: number, source: Source, reason: string | null, field: string) {
    await tx.update(residents).set({ version: sql`${residents.version} + 1`, updatedAt: new Date() }).where(eq(residents.id, residentId));
    await this.store.writeVersion(tx, ctx, 'resident', residentId, 'label', [field], source, reason);
  }

  private checkAttributes(kind: LabelKind, attrs: Record<string, unknown>) {
    for (const [k, v] of Object.entries(attrs)) {
      const spec = kind.attributeSchema[k];
      const bad = (zh: string, en: string) => {
        throw new AppError(RegistryErrors.RECORD_INVALID, { field_zh: `${kind.nameZh}.${spec?.zh ?? k}`, field_en: `${kind.nameEn}.${spec?.en ?? k}`, reason_zh: zh, reason_en: en }, `attributes.${k}`);
      };
      if (!spec) bad('没有这个属性', 'no such attribute');
      else if (spec.type === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) bad('应为数字', 'must be a number');
      else if (spec.type === 'date' && (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v))) bad('应为日期 YYYY-MM-DD', 'must be a date YYYY-MM-DD');
      else if (spec.codes && !spec.codes[String(v)]) bad(`取值应为 ${Object.keys(spec.codes).join('/')}`, `must be one of ${Object.keys(spec.codes).join('/')}`);
    }
  }
}
