// 准入: a department that wants to push work down to townships or communities applies; the
// application is checked against the lists (already a basic or cooperative duty there? an item
// this department itself took back? work another department already had admitted?) and the
// findings go to the reviewer, who admits (the item joins each township's lists as a new version,
// all in one transaction) or refuses, with a reason either way. Refused outright, before any
// reviewer sees it: an application by someone who is not department staff, naming units outside
// the department's jurisdiction or that are not streets or communities, or repeating an
// application of the same department still pending or in force for some of the same townships.
import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { AuthedContext, Principal } from '../../platform/context.js';
import { todayCn } from '../../platform/dates.js';
import { AppError } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import type { Department, TreeNode, TreeService } from '../tree/index.js';
import { nameKey, similarity, SIMILAR } from './compare.js';
import { DutyErrors } from './errors.js';
import { listNames, listParams, type ListService } from './lists.js';
import type * as S from './schemas.js';
import { dutyAdmissions, dutyItems, type AdmissionFinding, type ListKind } from './tables.js';

type Row = typeof dutyAdmissions.$inferSelect;

const statusNames = { pending: { zh: '待审核', en: 'pending' }, admitted: { zh: '已准入', en: 'admitted' }, refused: { zh: '未准入', en: 'refused' } } as const;

function findingText(f: AdmissionFinding, lang: 'zh' | 'en'): string {
  const sim = f.similarity < 1 ? (lang === 'zh' ? `（相似度 ${Math.round(f.similarity * 100)}%）` : ` (${Math.round(f.similarity * 100)}% alike)`) : '';
  switch (f.kind) {
    case 'already_basic':
      return lang === 'zh' ? `${f.townshipName}的基本履职事项中已有“${f.itemName}”${sim}` : `${f.townshipName} already lists "${f.itemName}" as a basic duty${sim}`;
    case 'already_cooperative':
      return lang === 'zh' ? `${f.townshipName}的配合履职事项中已有“${f.itemName}”${sim}` : `${f.townshipName} already lists "${f.itemName}" as a cooperative duty${sim}`;
    case 'taken_back_by_applicant':
      return lang === 'zh' ? `“${f.itemName}”是本部门已从${f.townshipName}收回的事项${sim}` : `"${f.itemName}" is an item your department took back from ${f.townshipName}${sim}`;
    case 'taken_back':
      return lang === 'zh' ? `“${f.itemName}”已由${f.departmentName ?? '上级部门'}从${f.townshipName}收回${sim}` : `"${f.itemName}" was taken back from ${f.townshipName} by ${f.departmentName ?? 'an upper department'}${sim}`;
    case 'duplicate_admitted':
      return lang === 'zh' ? `${f.departmentName ?? '其他部门'}的“${f.itemName}”已准入${f.townshipName}（申请 #${f.admissionId}）${sim}` : `"${f.itemName}" of ${f.departmentName ?? 'another department'} is already admitted to ${f.townshipName} (application #${f.admissionId})${sim}`;
  }
}

/** What the findings suggest: the same work already a duty, or taken back by the applicant itself, is a refusal. */
function advice(findings: AdmissionFinding[]): 'admit' | 'review' | 'refuse' {
  if (findings.some((f) => f.kind === 'taken_back_by_applicant' || ((f.kind === 'already_basic' || f.kind === 'already_cooperative' || f.kind === 'duplicate_admitted') && f.similarity >= 1))) return 'refuse';
  return findings.length ? 'review' : 'admit';
}

export class AdmissionService {
  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    private readonly lists: ListService,
  ) {}

  private async department(p: Principal): Promise<Department> {
    if (!p.departmentId) throw new AppError(DutyErrors.DUTY_NOT_DEPARTMENT);
    const d = await this.tree.getDepartment(p.departmentId);
    if (!d) throw new AppError(DutyErrors.DUTY_NOT_DEPARTMENT);
    return d;
  }

  /** The units named, each inside the department's jurisdiction and a street or a community, with its township. */
  private async targets(dept: Department, ids: number[]): Promise<{ targets: { node: TreeNode; township: TreeNode }[]; townships: TreeNode[] }> {
    const nodes = await this.tree.getNodes(ids);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const out: { node: TreeNode; township: TreeNode }[] = [];
    for (const [i, id] of ids.entries()) {
      const n = byId.get(id);
      if (!n || n.validTo) throw new AppError(DutyErrors.DUTY_TOWNSHIP_NOT_FOUND, {}, `targetNodeIds/${i}`);
      if (!n.path.startsWith(dept.treePath)) throw new AppError(DutyErrors.DUTY_OUTSIDE_REMIT, { reason_zh: `“${n.name}”不在${dept.name}的管辖范围内`, reason_en: `"${n.name}" lies outside the jurisdiction of ${dept.name}` }, `targetNodeIds/${i}`);
      if (n.level !== 'street' && n.level !== 'community') throw new AppError(DutyErrors.DUTY_TARGET_INVALID, { name: n.name }, `targetNodeIds/${i}`);
      const township = n.level === 'street' ? n : await this.lists.townshipOf(n);
      if (!township) throw new AppError(DutyErrors.DUTY_TARGET_INVALID, { name: n.name }, `targetNodeIds/${i}`);
      out.push({ node: n, township });
    }
    const townships = [...new Map(out.map((t) => [t.township.id, t.township])).values()];
    return { targets: out, townships };
  }

  /** The findings of the check, against the lists as they are now. */
  async findings(departmentId: number, title: string, townships: TreeNode[], exceptAdmissionId?: number): Promise<AdmissionFinding[]> {
    const ids = townships.map((t) => t.id);
    const nameOf = new Map(townships.map((t) => [t.id, t.name]));
    const items = ids.length ? await this.platform.db.select().from(dutyItems).where(and(inArray(dutyItems.townshipNodeId, ids), isNull(dutyItems.removedAt))) : [];
    const out: AdmissionFinding[] = [];
    for (const i of items) {
      const s = similarity(title, i.name);
      if (s < SIMILAR) continue;
      const kind: AdmissionFinding['kind'] = i.listKind === 'basic' ? 'already_basic' : i.listKind === 'cooperative' ? 'already_cooperative' : i.departmentId === departmentId ? 'taken_back_by_applicant' : 'taken_back';
      out.push({ kind, townshipId: i.townshipNodeId, townshipName: nameOf.get(i.townshipNodeId) ?? '', itemId: i.id, itemName: i.name, admissionId: null, departmentName: i.departmentName, similarity: s });
    }
    const admitted = await this.platform.db
      .select()
      .from(dutyAdmissions)
      .where(and(eq(dutyAdmissions.status, 'admitted'), sql`(${dutyAdmissions.endDate} IS NULL OR ${dutyAdmissions.endDate} >= ${todayCn()}::date)`));
    const deptNames = new Map((await this.tree.listDepartments()).map((d) => [d.id, d.name]));
    for (const a of admitted) {
      if (a.id === exceptAdmissionId) continue;
      const s = similarity(title, a.title);
      if (s < SIMILAR) continue;
      for (const t of a.townshipIds) {
        if (!nameOf.has(t)) continue;
        // The item it added is on the list already and found above; the application is named when it is not.
        if (out.some((f) => f.townshipId === t && f.itemId !== null && a.admittedItemIds?.includes(f.itemId))) continue;
        out.push({ kind: 'duplicate_admitted', townshipId: t, townshipName: nameOf.get(t)!, itemId: null, itemName: a.title, admissionId: a.id, departmentName: deptNames.get(a.departmentId) ?? null, similarity: s });
      }
    }
    const rank = { taken_back_by_applicant: 0, already_basic: 1, already_cooperative: 2, duplicate_admitted: 3, taken_back: 4 } as const;
    return out.sort((a, b) => rank[a.kind] - rank[b.kind] || b.similarity - a.similarity).slice(0, 200);
  }

  private async validate(ctx: AuthedContext, input: S.AdmissionIn) {
    const dept = await this.department(ctx.principal);
    if (input.endDate && input.endDate < input.startDate) throw new AppError(DutyErrors.DUTY_DATES_INVALID, {}, 'endDate');
    const t = await this.targets(dept, input.targetNodeIds);
    const key = nameKey(input.title);
    const same = await this.platform.db
      .select()
      .from(dutyAdmissions)
      .where(and(eq(dutyAdmissions.departmentId, dept.id), eq(dutyAdmissions.titleKey, key), sql`(${dutyAdmissions.status} = 'pending' OR (${dutyAdmissions.status} = 'admitted' AND (${dutyAdmissions.endDate} IS NULL OR ${dutyAdmissions.endDate} >= ${todayCn()}::date)))`));
    const ids = new Set(t.townships.map((x) => x.id));
    const dup = same.find((a) => a.townshipIds.some((id) => ids.has(id)));
    if (dup) throw new AppError(DutyErrors.DUTY_ADMISSION_DUPLICATE, { id: dup.id, status_zh: statusNames[dup.status].zh, status_en: statusNames[dup.status].en }, 'title', { admissionId: dup.id });
    return { dept, ...t, key };
  }

  private say(ctx: AuthedContext, findings: AdmissionFinding[]) {
    return findings.map((f) => ({ ...f, message: findingText(f, ctx.lang) }));
  }

  /** The check alone, for the form: what the reviewer would see. Nothing is stored. */
  async check(ctx: AuthedContext, input: S.AdmissionIn): Promise<S.CheckOut> {
    const v = await this.validate(ctx, input);
    const f = await this.findings(v.dept.id, input.title, v.townships);
    return { findings: this.say(ctx, f), advice: advice(f) };
  }

  async apply(ctx: AuthedContext, input: S.AdmissionIn): Promise<S.AdmissionOut> {
    const v = await this.validate(ctx, input);
    const findings = await this.findings(v.dept.id, input.title, v.townships);
    const row = await this.platform.db.transaction(async (tx) => {
      const [r] = await tx
        .insert(dutyAdmissions)
        .values({
          departmentId: v.dept.id, treePath: v.dept.treePath, title: input.title.trim(), titleKey: v.key, listKind: input.listKind ?? 'cooperative', category: input.category?.trim() || null, purpose: input.purpose.trim(),
          basis: input.basis.trim(), cooperation: input.cooperation?.trim() || null, targets: v.targets.map((t) => ({ nodeId: t.node.id, townshipId: t.township.id })), townshipIds: v.townships.map((t) => t.id), townshipPaths: v.townships.map((t) => t.path),
          communityInvolved: v.targets.some((t) => t.node.level === 'community'), startDate: input.startDate, endDate: input.endDate ?? null, resources: input.resources.trim(), findings, applicantId: ctx.principal.userId,
        })
        .returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'duty.admission_apply', entityType: 'duty_admission', entityId: r!.id, treePath: v.dept.treePath, detail: { title: r!.title, townships: r!.townshipIds, findings: findings.length } });
      return r!;
    });
    return (await this.out(ctx, [row]))[0]!;
  }

  /** Who sees an application: its department; a reviewer over its jurisdiction; anyone else whose area one of its townships lies in. */
  private visibleWhere(p: Principal): SQL {
    if (p.departmentId) return eq(dutyAdmissions.departmentId, p.departmentId);
    const like = `${p.treePath}%`;
    return sql`(${dutyAdmissions.treePath} LIKE ${like} OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(${dutyAdmissions.townshipPaths}) AS t(path) WHERE t.path LIKE ${like}))`;
  }

  private async row(p: Principal, id: number): Promise<Row> {
    const [r] = await this.platform.db.select().from(dutyAdmissions).where(and(eq(dutyAdmissions.id, id), this.visibleWhere(p)));
    if (!r) throw new AppError(DutyErrors.DUTY_ADMISSION_NOT_FOUND);
    return r;
  }

  async list(ctx: AuthedContext, q: S.AdmissionQuery): Promise<{ items: S.AdmissionOut[]; total: number }> {
    const where = and(this.visibleWhere(ctx.principal), q.status ? eq(dutyAdmissions.status, q.status) : undefined);
    const rows = await this.platform.db.select().from(dutyAdmissions).where(where).orderBy(desc(dutyAdmissions.id)).limit(q.limit ?? 50).offset(q.offset ?? 0);
    const [n] = await this.platform.db.select({ n: sql<number>`count(*)::int` }).from(dutyAdmissions).where(where);
    return { items: await this.out(ctx, rows), total: n?.n ?? 0 };
  }

  /** One application; a pending one is checked again against the lists as they are now. */
  async get(ctx: AuthedContext, id: number): Promise<S.AdmissionOut> {
    const r = await this.row(ctx.principal, id);
    if (r.status === 'pending') r.findings = await this.findings(r.departmentId, r.title, await this.tree.getNodes(r.townshipIds), r.id);
    return (await this.out(ctx, [r]))[0]!;
  }

  async decide(ctx: AuthedContext, id: number, input: S.DecideAdmissionIn): Promise<S.AdmissionOut> {
    const p = ctx.principal;
    const r = await this.row(p, id);
    if (r.status !== 'pending') throw new AppError(DutyErrors.DUTY_ADMISSION_DECIDED, { status_zh: statusNames[r.status].zh, status_en: statusNames[r.status].en });
    const townships = await this.tree.getNodes(r.townshipIds);
    // A reviewer decides only for townships in its own area.
    const outside = townships.find((t) => !t.path.startsWith(p.treePath));
    if (outside) throw new AppError(DutyErrors.DUTY_OUTSIDE_REMIT, { reason_zh: `“${outside.name}”不在您的审核范围内`, reason_en: `"${outside.name}" is outside the area you review` });
    const findings = await this.findings(r.departmentId, r.title, townships, r.id);
    const dept = await this.tree.getDepartment(r.departmentId);
    const updated = await this.platform.db.transaction(async (tx) => {
      const itemIds: number[] = [];
      if (input.decision === 'admit') {
        const kind: ListKind = r.listKind;
        for (const t of townships) {
          const [same] = await tx.select().from(dutyItems).where(and(eq(dutyItems.townshipNodeId, t.id), eq(dutyItems.nameKey, r.titleKey), isNull(dutyItems.removedAt)));
          if (same) throw new AppError(DutyErrors.DUTY_ADMISSION_CONFLICTS_LIST, { township: t.name, name: same.name, ...listParams(same.listKind) });
          const communities = r.targets.some((x) => x.townshipId === t.id && x.nodeId !== t.id);
          const res = await this.lists.change(
            ctx, t, { kind: 'admission', reason: `准入：${r.title}（申请 #${r.id}，${dept?.name ?? ''}）：${input.reason.trim()}`, detail: { admissionId: r.id } },
            async (inner, version, township) =>
              this.lists.insertItem(inner, township, version, kind, {
                name: r.title, category: r.category, basis: r.basis, carrier: kind === 'cooperative' ? (dept?.name ?? null) : township.name, departmentId: r.departmentId, departmentName: dept?.name ?? null,
                cooperation: r.cooperation, communityInvolved: communities || r.communityInvolved,
              }, { source: 'admission', admissionId: r.id }),
            tx,
          );
          if (res.item) itemIds.push(res.item.id);
        }
      }
      const [u] = await tx
        .update(dutyAdmissions)
        .set({ status: input.decision === 'admit' ? 'admitted' : 'refused', decidedBy: p.userId, decidedAt: new Date(), decisionReason: input.reason.trim(), findings, admittedItemIds: itemIds })
        .where(and(eq(dutyAdmissions.id, r.id), eq(dutyAdmissions.status, 'pending')))
        .returning();
      if (!u) throw new AppError(DutyErrors.DUTY_ADMISSION_DECIDED, { status_zh: '处理', status_en: 'decided' });
      await this.platform.audit.record(tx, ctx, { category: 'write', action: `duty.admission_${input.decision}`, entityType: 'duty_admission', entityId: r.id, treePath: r.treePath, detail: { title: r.title, reason: input.reason, items: itemIds, findings: findings.length } });
      return u;
    });
    return (await this.out(ctx, [updated]))[0]!;
  }

  private async out(ctx: AuthedContext, rows: Row[]): Promise<S.AdmissionOut[]> {
    const nodeIds = rows.flatMap((r) => r.targets.flatMap((t) => [t.nodeId, t.townshipId]));
    const names = await this.tree.names(nodeIds);
    const depts = new Map((await this.tree.listDepartments()).map((d) => [d.id, d.name]));
    const people = await this.tree.people(rows.flatMap((r) => [r.applicantId, r.decidedBy]));
    return rows.map((r) => ({
      id: r.id, department: { id: r.departmentId, name: depts.get(r.departmentId) ?? '' }, title: r.title, listKind: r.listKind, category: r.category, purpose: r.purpose, basis: r.basis, cooperation: r.cooperation,
      targets: r.targets.map((t) => ({ nodeId: t.nodeId, name: names.get(t.nodeId) ?? '', townshipId: t.townshipId, townshipName: names.get(t.townshipId) ?? '' })),
      communityInvolved: r.communityInvolved, startDate: r.startDate, endDate: r.endDate, resources: r.resources, status: r.status, findings: this.say(ctx, r.findings), advice: advice(r.findings),
      applicant: (r.applicantId && people.get(r.applicantId)) || null, createdAt: r.createdAt.toISOString(), decidedBy: (r.decidedBy && people.get(r.decidedBy)) || null, decidedAt: r.decidedAt?.toISOString() ?? null,
      decisionReason: r.decisionReason, admittedItemIds: r.admittedItemIds ?? [],
    }));
  }
}

export { listNames };
