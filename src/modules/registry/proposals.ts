// 标签提议: a community's knowledge of a label that a department keeps. A register says 低保户,
// 退役军人 or 残疾人, or a worker knows it from a visit; the community may not write those labels
// (民政, 退役军人事务 and 残联 keep them), so it proposes them to the owner. The department works
// through its queue: it confirms (the label is written through the normal label write, as the
// department, with a version, history and audit) or rejects with a reason; the community sees
// each outcome. Nothing is applied without the owner. See docs/decisions/0018.
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { isSystemPrincipal, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { scopeCondition } from '../../platform/scope.js';
import { departmentCodes } from './codes.js';
import { RegistryErrors } from './errors.js';
import { alwaysVisible } from './fields.js';
import { labelField, labelRuleWarnings, type LabelKind, type LabelService } from './labels.js';
import type { RecordAccess, RegistryStore } from './store.js';
import { labelProposals, residentLabels, residents, type ProposalEvidence } from './tables.js';
import type { ConfirmProposalIn, ProposalListQuery, ProposalOut, ProposalStatus, ProposeIn } from './schemas.js';
import type { Reason } from './validation.js';

export type { ProposalOut, ProposalStatus };

export type LabelProposal = typeof labelProposals.$inferSelect;

const statusNames: Record<ProposalStatus, { zh: string; en: string }> = {
  pending: { zh: '待确认', en: 'waiting' },
  confirmed: { zh: '已确认', en: 'confirmed' },
  rejected: { zh: '已驳回', en: 'rejected' },
  withdrawn: { zh: '已撤回', en: 'withdrawn' },
};


/** The outcome of proposing one label from an import row. */
export type ProposeOutcome = { result: 'proposed'; id: number } | { result: 'open' } | { result: 'has' } | { result: 'rejected'; at: Date; reason: string | null };

export function ownerName(owner: string, lang: 'zh' | 'en'): string {
  return departmentCodes[owner]?.[lang] ?? owner;
}

export class ProposalService {
  constructor(
    private readonly store: RegistryStore,
    private readonly labels: LabelService,
  ) {}

  private get db() {
    return this.store.db;
  }

  /**
   * Proposals from an import, in the import's transaction. A label the person already has, one
   * already waiting, or one the department has rejected before is not proposed again (importing
   * the same register twice proposes nothing new; a rejection is an answer, and a new proposal
   * with new evidence goes through the resident card).
   */
  async proposeFromImport(
    tx: Tx,
    ctx: RequestContext,
    items: { residentId: number; code: string; treePath: string; districtCode: string; evidence: ProposalEvidence; since: string }[],
  ): Promise<ProposeOutcome[]> {
    if (!items.length) return [];
    const kinds = new Map((await this.labels.kinds(true, tx)).map((k) => [k.code, k]));
    const ids = [...new Set(items.map((i) => i.residentId))];
    const codes = [...new Set(items.map((i) => i.code))];
    const has = new Set(
      (
        await tx
          .select({ r: residentLabels.residentId, c: residentLabels.labelCode })
          .from(residentLabels)
          .where(and(inArray(residentLabels.residentId, ids), inArray(residentLabels.labelCode, codes), sql`(${residentLabels.until} IS NULL OR ${residentLabels.until} >= CURRENT_DATE)`))
      ).map((x) => `${x.r}|${x.c}`),
    );
    const earlier = new Map<string, LabelProposal>();
    for (const p of await tx.select().from(labelProposals).where(and(inArray(labelProposals.residentId, ids), inArray(labelProposals.labelCode, codes), inArray(labelProposals.status, ['pending', 'rejected']))).orderBy(desc(labelProposals.id))) {
      const k = `${p.residentId}|${p.labelCode}`;
      const seen = earlier.get(k);
      if (!seen || (seen.status !== 'pending' && p.status === 'pending')) earlier.set(k, p);
    }
    const out: ProposeOutcome[] = [];
    const fresh: { i: number; row: typeof labelProposals.$inferInsert }[] = [];
    const taken = new Set<string>();
    items.forEach((it, i) => {
      const k = `${it.residentId}|${it.code}`;
      const before = earlier.get(k);
      if (has.has(k)) out[i] = { result: 'has' };
      else if (before?.status === 'pending' || taken.has(k)) out[i] = { result: 'open' };
      else if (before?.status === 'rejected') out[i] = { result: 'rejected', at: before.decidedAt ?? before.updatedAt, reason: before.decisionReason };
      else {
        taken.add(k);
        fresh.push({
          i,
          row: {
            residentId: it.residentId, labelCode: it.code, owner: kinds.get(it.code)?.owner ?? 'community', treePath: it.treePath, districtCode: it.districtCode, source: 'import', evidence: it.evidence, since: it.since,
            proposedBy: ctx.principal?.userId ?? null, proposedByName: ctx.principal?.displayName ?? 'system',
          },
        });
      }
    });
    if (fresh.length) {
      const rows = await tx.insert(labelProposals).values(fresh.map((f) => f.row)).returning({ id: labelProposals.id });
      fresh.forEach((f, j) => (out[f.i] = { result: 'proposed', id: rows[j]!.id }));
      await this.store.platform.audit.record(
        tx,
        ctx,
        fresh.map((f, j) => ({ category: 'write' as const, action: 'label_proposal.create', entityType: 'label_proposal', entityId: rows[j]!.id, subjectId: f.row.residentId, treePath: f.row.treePath, districtCode: f.row.districtCode, detail: { label: f.row.labelCode, owner: f.row.owner, source: 'import', importId: f.row.evidence?.importId, rowNo: f.row.evidence?.rowNo } })),
      );
    }
    return out;
  }

  /** A proposal made by hand (the resident card): the worker names the label and says why. */
  async propose(ctx: RequestContext, input: ProposeIn): Promise<ProposalOut> {
    const kind = await this.labels.kind(input.code);
    const lang = ctx.lang;
    if (kind.owner === 'community') throw new AppError(RegistryErrors.PROPOSAL_NOT_NEEDED, { label: lang === 'zh' ? kind.nameZh : kind.nameEn }, 'code');
    const id = await this.db.transaction(async (tx) => {
      const access = await this.store.access(ctx, 'resident', tx);
      if (access.mode !== 'full') throw new AppError(RegistryErrors.PROPOSAL_NOT_FOUND);
      const resident = await this.store.getRow(ctx, 'resident', input.residentId, access, tx);
      const open = await tx
        .select({ id: residentLabels.id })
        .from(residentLabels)
        .where(and(eq(residentLabels.residentId, input.residentId), eq(residentLabels.labelCode, input.code), sql`(${residentLabels.until} IS NULL OR ${residentLabels.until} >= CURRENT_DATE)`))
        .limit(1);
      if (open.length) throw new AppError(RegistryErrors.LABEL_ALREADY_SET, { label: lang === 'zh' ? kind.nameZh : kind.nameEn }, 'code');
      const rows = await tx
        .insert(labelProposals)
        .values({
          residentId: input.residentId, labelCode: input.code, owner: kind.owner, treePath: resident.treePath, districtCode: resident.districtCode, source: 'manual', evidence: {}, note: input.note.trim(),
          since: input.since ?? null, proposedBy: ctx.principal?.userId ?? null, proposedByName: ctx.principal?.displayName ?? 'system',
        })
        .onConflictDoNothing()
        .returning({ id: labelProposals.id });
      if (!rows[0]) throw new AppError(RegistryErrors.PROPOSAL_OPEN, { label: lang === 'zh' ? kind.nameZh : kind.nameEn, owner: ownerName(kind.owner, lang) }, 'code');
      await this.store.platform.audit.record(tx, ctx, { category: 'write', action: 'label_proposal.create', entityType: 'label_proposal', entityId: rows[0].id, subjectId: input.residentId, treePath: resident.treePath, districtCode: resident.districtCode, reason: input.note, detail: { label: input.code, owner: kind.owner, source: 'manual' } });
      return rows[0].id;
    });
    return this.get(ctx, id);
  }

  // ---- who sees which proposals -------------------------------------------------------------

  /**
   * The rows a caller may see: a community (or street) its subtree's proposals; a department the
   * proposals of labels it keeps, for residents in the subtree of a grant that writes that label
   * (the label condition of the grant does not apply: the person does not carry the label yet).
   */
  private async visibleCondition(ctx: RequestContext, db: DbOrTx = this.db): Promise<{ cond: SQL; access: RecordAccess }> {
    const access = await this.store.access(ctx, 'resident', db);
    const scope = scopeCondition(ctx.principal!, labelProposals.treePath);
    if (access.mode === 'full') return { cond: scope, access };
    const ors = access.grants.flatMap((g) =>
      g.writeFields.filter((f) => f.startsWith('label:')).map((f) => sql`(${labelProposals.labelCode} = ${f.slice(6)} AND ${labelProposals.treePath} LIKE ${`${g.treePath}%`})`),
    );
    if (!ors.length) return { cond: sql`false`, access };
    return { cond: and(scope, sql`(${sql.join(ors, sql` OR `)})`)!, access };
  }

  /** Fields of the person a department sees on its queue: what its grants writing this label may read. */
  private readableFor(access: RecordAccess, code: string, treePath: string): Set<string> | undefined {
    if (access.mode === 'full') return undefined;
    const set = new Set<string>(alwaysVisible.resident);
    for (const g of access.grants) if (g.writeFields.includes(labelField(code)) && treePath.startsWith(g.treePath)) for (const f of g.readFields) set.add(f);
    return set;
  }

  async list(ctx: RequestContext, f: ProposalListQuery): Promise<{ items: ProposalOut[]; total: number }> {
    const { cond, access } = await this.visibleCondition(ctx);
    const conds: SQL[] = [cond];
    if (f.status) conds.push(eq(labelProposals.status, f.status));
    if (f.residentId) conds.push(eq(labelProposals.residentId, f.residentId));
    if (f.code) conds.push(eq(labelProposals.labelCode, f.code));
    const [rows, count] = await Promise.all([
      this.db.select().from(labelProposals).where(and(...conds)).orderBy(desc(labelProposals.id)).limit(f.limit).offset(f.offset),
      this.db.select({ n: sql<number>`count(*)::int` }).from(labelProposals).where(and(...conds)),
    ]);
    const items = await this.present(ctx, rows, access);
    if (rows.length) {
      // Names and circumstances of people: the read is logged, per person for a department (their access trail shows it).
      const entries = access.mode === 'full'
        ? [{ category: 'read' as const, action: 'label_proposal.list', entityType: 'label_proposal', treePath: ctx.principal!.treePath, detail: { ids: rows.map((r) => r.id), residents: rows.map((r) => r.residentId) } }]
        : rows.map((r) => ({ category: 'read' as const, action: 'label_proposal.read', entityType: 'resident', entityId: r.residentId, subjectId: r.residentId, treePath: r.treePath, districtCode: r.districtCode, reason: '标签提议审核', detail: { proposal: r.id, label: r.labelCode } }));
      await this.store.platform.audit.recordNow(this.db, ctx, entries);
    }
    return { items, total: count[0]?.n ?? 0 };
  }

  async get(ctx: RequestContext, id: number): Promise<ProposalOut> {
    const { cond, access } = await this.visibleCondition(ctx);
    const rows = await this.db.select().from(labelProposals).where(and(eq(labelProposals.id, id), cond)).limit(1);
    if (!rows[0]) throw new AppError(RegistryErrors.PROPOSAL_NOT_FOUND);
    return (await this.present(ctx, rows, access))[0]!;
  }

  private async present(ctx: RequestContext, rows: LabelProposal[], access: RecordAccess): Promise<ProposalOut[]> {
    if (!rows.length) return [];
    const lang = ctx.lang;
    const kinds = new Map((await this.labels.kinds(true)).map((k) => [k.code, k]));
    const people = new Map((await this.db.select().from(residents).where(inArray(residents.id, [...new Set(rows.map((r) => r.residentId))]))).map((r): [number, Record<string, unknown>] => [r.id, r]));
    const trails = new Map<string, string>();
    for (const p of new Set(rows.map((r) => r.treePath))) {
      const trail = await this.store.tree.trailOf(p);
      trails.set(p, trail.filter((n) => n.level === 'community' || n.level === 'grid').map((n) => n.name).join(' / '));
    }
    return rows.map((r) => {
      const kind = kinds.get(r.labelCode);
      const row = people.get(r.residentId);
      const resident = row ? this.store.decode('resident', row, access, this.readableFor(access, r.labelCode, r.treePath)) : { id: r.residentId };
      const status = r.status as ProposalStatus;
      const warnings = kind && row && status === 'pending' ? labelRuleWarnings(kind, { birthDate: row.birthDate, sex: row.sex }).map((w) => w[lang]) : [];
      return {
        id: r.id, status, statusName: statusNames[status]?.[lang] ?? status, label: { code: r.labelCode, name: kind ? (lang === 'zh' ? kind.nameZh : kind.nameEn) : r.labelCode }, owner: r.owner, ownerName: ownerName(r.owner, lang),
        resident: { ...resident, id: r.residentId }, place: trails.get(r.treePath) ?? '', source: r.source as 'import' | 'manual', evidence: r.evidence, note: r.note, since: r.since,
        proposedBy: r.proposedByName, proposedAt: r.proposedAt.toISOString(), decidedBy: r.decidedByName, decidedAt: r.decidedAt?.toISOString() ?? null, decisionReason: r.decisionReason, warnings,
      };
    });
  }

  // ---- deciding -----------------------------------------------------------------------------

  private async loadForDecision(tx: Tx, ctx: RequestContext, id: number, action: { zh: string; en: string }): Promise<{ p: LabelProposal; kind: LabelKind }> {
    const { cond } = await this.visibleCondition(ctx, tx);
    const rows = await tx.select().from(labelProposals).where(and(eq(labelProposals.id, id), cond)).for('update').limit(1);
    const p = rows[0];
    if (!p) throw new AppError(RegistryErrors.PROPOSAL_NOT_FOUND);
    if (p.status !== 'pending') {
      const s = statusNames[p.status as ProposalStatus] ?? { zh: p.status, en: p.status };
      throw new AppError(RegistryErrors.PROPOSAL_STATE, { state_zh: s.zh, state_en: s.en, action_zh: action.zh, action_en: action.en });
    }
    return { p, kind: await this.labels.kind(p.labelCode, tx) };
  }

  /** Only the label's owner decides: a department whose grant writes the label (or the system). */
  private assertDecider(ctx: RequestContext, kind: LabelKind, access: RecordAccess) {
    const p = ctx.principal!;
    if (isSystemPrincipal(p)) return;
    if (access.mode === 'department' && access.writable !== 'all' && access.writable.has(labelField(kind.code))) return;
    throw new AppError(RegistryErrors.LABEL_NOT_OWNED, { label: ctx.lang === 'zh' ? kind.nameZh : kind.nameEn, owner: ownerName(kind.owner, ctx.lang) }, 'code');
  }

  /**
   * Confirms: the label is written through the registry's label write as the department (a new
   * version of the person, the history's source 'department', the audit row), then the proposal
   * is closed with who decided. Returns the proposal and what the label's rules say.
   */
  async confirm(ctx: RequestContext, id: number, input: { reason?: string | null; since?: string | null; attributes?: Record<string, unknown> }): Promise<ProposalOut & { ruleWarnings: Reason[] }> {
    let ruleWarnings: Reason[] = [];
    await this.db.transaction(async (tx) => {
      const { p, kind } = await this.loadForDecision(tx, ctx, id, { zh: '确认', en: 'be confirmed' });
      const access = await this.store.access(ctx, 'resident', tx);
      this.assertDecider(ctx, kind, access);
      const since = input.since ?? p.since ?? new Date().toISOString().slice(0, 10);
      const why = `确认社区提议（标签提议 #${p.id}${p.evidence.fileName ? `，来源：${p.evidence.fileName} 第 ${p.evidence.rowNo} 行` : ''}）${input.reason ? `：${input.reason}` : ''}`;
      const label = await this.labels.set(ctx, p.residentId, { code: p.labelCode, since, attributes: input.attributes }, { reason: why, tx, asOwner: true });
      ruleWarnings = label.warnings;
      await tx
        .update(labelProposals)
        .set({ status: 'confirmed', decidedBy: ctx.principal?.userId ?? null, decidedByName: ctx.principal?.displayName ?? null, departmentId: ctx.principal?.departmentId ?? null, decidedAt: new Date(), decisionReason: input.reason ?? null, since, updatedAt: new Date() })
        .where(eq(labelProposals.id, id));
      await this.store.platform.audit.record(tx, ctx, { category: 'write', action: 'label_proposal.confirm', entityType: 'label_proposal', entityId: id, subjectId: p.residentId, treePath: p.treePath, districtCode: p.districtCode, reason: input.reason ?? null, detail: { label: p.labelCode, since } });
    });
    return { ...(await this.get(ctx, id)), ruleWarnings };
  }

  /** Confirms as the route answers it: the proposal, and the rules' warnings in the caller's language. */
  async confirmFromRequest(ctx: RequestContext, id: number, input: ConfirmProposalIn): Promise<{ proposal: ProposalOut; warnings: string[] }> {
    const { ruleWarnings, ...proposal } = await this.confirm(ctx, id, input);
    return { proposal, warnings: ruleWarnings.map((w) => w[ctx.lang]) };
  }

  /** Rejects with a reason (required: the community learns why). Nothing is written to the person. */
  async reject(ctx: RequestContext, id: number, input: { reason: string }): Promise<ProposalOut> {
    await this.db.transaction(async (tx) => {
      const { p, kind } = await this.loadForDecision(tx, ctx, id, { zh: '驳回', en: 'be rejected' });
      this.assertDecider(ctx, kind, await this.store.access(ctx, 'resident', tx));
      await tx
        .update(labelProposals)
        .set({ status: 'rejected', decidedBy: ctx.principal?.userId ?? null, decidedByName: ctx.principal?.displayName ?? null, departmentId: ctx.principal?.departmentId ?? null, decidedAt: new Date(), decisionReason: input.reason.trim(), updatedAt: new Date() })
        .where(eq(labelProposals.id, id));
      await this.store.platform.audit.record(tx, ctx, { category: 'write', action: 'label_proposal.reject', entityType: 'label_proposal', entityId: id, subjectId: p.residentId, treePath: p.treePath, districtCode: p.districtCode, reason: input.reason, detail: { label: p.labelCode } });
    });
    return this.get(ctx, id);
  }

  /** The community takes back a proposal still waiting (a mistake in the register). */
  async withdraw(ctx: RequestContext, id: number, input: { reason?: string | null }): Promise<ProposalOut> {
    await this.db.transaction(async (tx) => {
      const { p } = await this.loadForDecision(tx, ctx, id, { zh: '撤回', en: 'be withdrawn' });
      const access = await this.store.access(ctx, 'resident', tx);
      if (access.mode !== 'full' || !ctx.principal!.permissions.has('registry:write')) throw new AppError(RegistryErrors.PROPOSAL_NOT_FOUND);
      await tx.update(labelProposals).set({ status: 'withdrawn', decidedBy: ctx.principal?.userId ?? null, decidedByName: ctx.principal?.displayName ?? null, decidedAt: new Date(), decisionReason: input.reason ?? null, updatedAt: new Date() }).where(eq(labelProposals.id, id));
      await this.store.platform.audit.record(tx, ctx, { category: 'write', action: 'label_proposal.withdraw', entityType: 'label_proposal', entityId: id, subjectId: p.residentId, treePath: p.treePath, districtCode: p.districtCode, reason: input.reason ?? null, detail: { label: p.labelCode } });
    });
    return this.get(ctx, id);
  }

  /** Open proposals per status under a subtree (for the community's and the department's badges). */
  async counts(ctx: RequestContext): Promise<Record<string, number>> {
    const { cond } = await this.visibleCondition(ctx);
    const rows = await this.db.select({ s: labelProposals.status, n: sql<number>`count(*)::int` }).from(labelProposals).where(cond).groupBy(labelProposals.status);
    return Object.fromEntries(rows.map((r) => [r.s, r.n]));
  }
}
