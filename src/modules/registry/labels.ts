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
import { labelKinds, labelProposals, residentLabels, residents, type LabelRules } from './tables.js';
import type { SetLabelIn } from './schemas.js';
import { ageOn, type Reason } from './validation.js';

export type LabelKind = typeof labelKinds.$inferSelect;
export type ResidentLabel = typeof residentLabels.$inferSelect;

/** Rules that make sense: bounds 0-150, the lower not above the upper, a known sex. */
export function checkRulesInput(rules: LabelRules): Reason | null {
  const { ageMin, ageMax, sex } = rules;
  for (const v of [ageMin, ageMax]) if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0 || v > 150)) return { zh: '年龄须为 0 到 150 的整数', en: 'ages are whole numbers from 0 to 150' };
  if (ageMin !== undefined && ageMin !== null && ageMax !== undefined && ageMax !== null && ageMin > ageMax) return { zh: '最小年龄不能大于最大年龄', en: 'the lowest age cannot be above the highest' };
  if (sex !== undefined && sex !== null && sex !== '1' && sex !== '2') return { zh: '性别应为 1（男）或 2（女）', en: 'sex is 1 (male) or 2 (female)' };
  return null;
}

/** Rules without empty entries (what is stored). */
export function cleanRules(rules: LabelRules): LabelRules {
  const out: LabelRules = {};
  if (rules.ageMin !== undefined && rules.ageMin !== null) out.ageMin = rules.ageMin;
  if (rules.ageMax !== undefined && rules.ageMax !== null) out.ageMax = rules.ageMax;
  if (rules.sex) out.sex = rules.sex;
  return out;
}

/** The age range of rules in words: "60 岁及以上", "不满 16 周岁", "18–35 岁". */
export function describeAges(rules: LabelRules): Reason | null {
  const { ageMin: lo, ageMax: hi } = rules;
  const has = (v: number | null | undefined): v is number => v !== undefined && v !== null;
  if (has(lo) && has(hi)) return { zh: `${lo}–${hi} 岁`, en: `aged ${lo} to ${hi}` };
  if (has(lo)) return { zh: `${lo} 岁及以上`, en: `aged ${lo} and over` };
  if (has(hi)) return { zh: `不满 ${hi + 1} 周岁`, en: `under ${hi + 1}` };
  return null;
}

/**
 * What a label's plausibility rules say of a person (their birth date and sex as recorded). A
 * rule broken is a warning for someone to check, never a refusal: the rules describe who a label
 * usually fits, and the person may be the exception (or the record's birth date the mistake).
 */
export function labelRuleWarnings(kind: Pick<LabelKind, 'nameZh' | 'nameEn'> & { rules?: LabelRules | null }, person: { birthDate?: unknown; sex?: unknown }, on = new Date()): Reason[] {
  const out: Reason[] = [];
  const rules = kind.rules ?? {};
  const birth = typeof person.birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(person.birthDate) ? person.birthDate : null;
  const ages = describeAges(rules);
  if (birth && ages) {
    const age = ageOn(birth, on);
    const lo = rules.ageMin ?? null;
    const hi = rules.ageMax ?? null;
    if ((lo !== null && age < lo) || (hi !== null && age > hi)) {
      out.push({ zh: `标签“${kind.nameZh}”通常适用于${ages.zh}的人，此人 ${age} 岁，请核实`, en: `the label "${kind.nameEn}" usually fits people ${ages.en}; this person is ${age}; please check` });
    }
  }
  const sex = typeof person.sex === 'string' ? person.sex : null;
  if (rules.sex && (sex === '1' || sex === '2') && sex !== rules.sex) {
    const want = rules.sex === '1' ? { zh: '男性', en: 'men' } : { zh: '女性', en: 'women' };
    const is = sex === '1' ? { zh: '男性', en: 'a man' } : { zh: '女性', en: 'a woman' };
    out.push({ zh: `标签“${kind.nameZh}”适用于${want.zh}，此人登记为${is.zh}，请核实`, en: `the label "${kind.nameEn}" fits ${want.en}; this person is recorded as ${is.en}; please check` });
  }
  return out;
}

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

  async createKind(ctx: RequestContext, input: { code: string; nameZh: string; nameEn: string; owner: string; reviewDays: number; appliesTo?: string; attributeSchema?: LabelKind['attributeSchema']; rules?: LabelRules }): Promise<LabelKind> {
    this.assertRules(input.rules);
    return this.store.db.transaction(async (tx) => {
      const [row] = await tx.insert(labelKinds).values({ ...input, appliesTo: input.appliesTo ?? 'resident', attributeSchema: input.attributeSchema ?? {}, rules: cleanRules(input.rules ?? {}) }).onConflictDoNothing().returning();
      if (!row) throw new AppError(RegistryErrors.RECORD_INVALID, { field_zh: '标签代码', field_en: 'label code', reason_zh: '已存在', reason_en: 'already exists' }, 'code');
      await this.store.platform.audit.record(tx, ctx, { category: 'admin', action: 'label_kind.create', entityType: 'label_kind', entityId: input.code, detail: input });
      this.cache = null;
      return row;
    });
  }

  async updateKind(ctx: RequestContext, code: string, patch: Partial<Pick<LabelKind, 'nameZh' | 'nameEn' | 'owner' | 'reviewDays' | 'active' | 'attributeSchema' | 'sortOrder' | 'rules'>>): Promise<LabelKind> {
    await this.kind(code);
    this.assertRules(patch.rules);
    if (patch.rules) patch = { ...patch, rules: cleanRules(patch.rules) };
    return this.store.db.transaction(async (tx) => {
      const [row] = await tx.update(labelKinds).set({ ...patch, updatedAt: new Date() }).where(eq(labelKinds.code, code)).returning();
      await this.store.platform.audit.record(tx, ctx, { category: 'admin', action: 'label_kind.update', entityType: 'label_kind', entityId: code, detail: patch });
      this.cache = null;
      return row!;
    });
  }

  private assertRules(rules: LabelRules | undefined) {
    if (!rules) return;
    const bad = checkRulesInput(rules);
    if (bad) throw new AppError(RegistryErrors.RECORD_INVALID, { field_zh: '合理性规则', field_en: 'plausibility rules', reason_zh: bad.zh, reason_en: bad.en }, 'rules');
  }

  /** What the label's rules say of a stored resident (birth date and sex). */
  async ruleWarnings(code: string, resident: { birthDate?: unknown; sex?: unknown }, db?: DbOrTx): Promise<Reason[]> {
    return labelRuleWarnings(await this.kind(code, db), resident);
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
  async set(
    ctx: RequestContext,
    residentId: number,
    input: { code: string; since: string; until?: string | null; attributes?: Record<string, unknown> },
    opts: { reason?: string | null; tx?: Tx; asOwner?: boolean } = {},
  ): Promise<ResidentLabel & { warnings: Reason[] }> {
    const kind = await this.kind(input.code, opts.tx);
    const source = await this.assertCanWrite(ctx, kind, opts.tx);
    this.checkAttributes(kind, input.attributes ?? {});
    const run = async (tx: Tx) => {
      const access = await this.store.access(ctx, 'resident', tx);
      // A department deciding on a proposal reaches the person through its grant's subtree.
      const resident = opts.asOwner ? await this.store.getRowForLabelOwner(ctx, residentId, input.code, access, tx) : await this.store.getRow(ctx, 'resident', residentId, access, tx);
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
      // A proposal still open for this label is answered by the label itself.
      if (kind.owner !== 'community' && source !== 'community') {
        await tx
          .update(labelProposals)
          .set({ status: 'confirmed', decidedBy: ctx.principal?.userId ?? null, decidedByName: ctx.principal?.displayName ?? null, departmentId: ctx.principal?.departmentId ?? null, decidedAt: new Date(), decisionReason: opts.reason ?? null, updatedAt: new Date() })
          .where(and(eq(labelProposals.residentId, residentId), eq(labelProposals.labelCode, input.code), eq(labelProposals.status, 'pending')));
      }
      return { ...label, warnings: labelRuleWarnings(kind, { birthDate: resident.birthDate, sex: resident.sex }) };
    };
    return opts.tx ? run(opts.tx) : this.store.db.transaction(run);
  }

  /** Sets a label as the route answers it: the label, and its rules' warnings in the caller's language. */
  async setFromRequest(ctx: RequestContext, residentId: number, code: string, body: SetLabelIn) {
    const l = await this.set(ctx, residentId, { code, since: body.since, until: body.until ?? null, attributes: body.attributes }, { reason: body.reason });
    return { code: l.labelCode, since: l.since, until: l.until, attributes: l.attributes, warnings: l.warnings.map((w) => w[ctx.lang]) };
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
