// Department grants (数据授权) over base data: an admin names the department, the record kind,
// the fields it may read, the fields it owns and writes, which of them it sees unmasked, the
// labels the grant is limited to, the subtree, and the purpose.
import type { ApprovalView } from '../../platform/approvals.js';
import type { AuthedContext, RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { DataGrant } from '../../platform/scope.js';
import { RegistryErrors } from './errors.js';
import { fieldDef, fieldsOf } from './fields.js';
import { labelField, type LabelService } from './labels.js';
import type { RegistryStore } from './store.js';
import type { GrantIn, GrantListQuery, GrantOut } from './schemas.js';
import { recordKinds, type RecordKind } from './tables.js';

/** A grant as an admin asks for it (the route's body; also what an approved request carries). */
export type GrantInput = Omit<GrantIn, 'unmaskedFields' | 'validTo'> & { unmaskedFields?: string[]; validTo?: string | null };

/** A grant as answers show it. */
export function grantOut(g: DataGrant): GrantOut {
  return { ...g, revokedAt: g.revokedAt?.toISOString() ?? null };
}

export class GrantAdmin {
  constructor(
    private readonly store: RegistryStore,
    private readonly labels: LabelService,
  ) {}

  /** Field names a grant may carry: catalogue fields, and "label:<code>" for label kinds. */
  async grantableFields(kind: RecordKind): Promise<string[]> {
    const fields = fieldsOf(kind).map((f) => f.key);
    if (kind === 'resident') for (const k of await this.labels.kinds(true)) fields.push(labelField(k.code));
    return fields;
  }

  /** Checks a grant as create() would, without making it (a grant that unmasks waits for approval). */
  async check(ctx: RequestContext, input: GrantInput): Promise<{ treePath: string; departmentName: string }> {
    const { node, dept } = await this.validate(ctx, input);
    return { treePath: node.path.startsWith(dept.treePath) ? node.path : dept.treePath, departmentName: dept.name };
  }

  async create(ctx: RequestContext, input: GrantInput): Promise<DataGrant> {
    const { node, dept } = await this.validate(ctx, input);
    return this.store.db.transaction(async (tx) => {
      const g = await this.store.platform.grants.insert(tx, {
          departmentId: input.departmentId, recordKind: input.recordKind, readFields: input.readFields, writeFields: input.writeFields ?? [], unmaskedFields: input.unmaskedFields ?? [],
          labels: input.labels ?? [], nodeId: node.id, treePath: node.path.startsWith(dept.treePath) ? node.path : dept.treePath, purpose: input.purpose,
          validFrom: input.validFrom ?? new Date().toISOString().slice(0, 10), validTo: input.validTo ?? null, grantedBy: ctx.principal?.userId ?? 0,
        });
      await this.store.platform.audit.record(tx, ctx, { category: 'admin', action: 'grant.create', entityType: 'data_grant', entityId: g.id, treePath: g.treePath, detail: input });
      return g;
    });
  }

  private async validate(ctx: RequestContext, input: GrantInput) {
    const bad = (zh: string, en: string, field: string) => new AppError(RegistryErrors.GRANT_INVALID, { reason_zh: zh, reason_en: en }, field);
    if (!recordKinds.includes(input.recordKind)) throw bad(`没有记录类型 ${input.recordKind}`, `no record kind ${input.recordKind}`, 'recordKind');
    const allowed = new Set(await this.grantableFields(input.recordKind));
    for (const [list, name] of [[input.readFields, 'readFields'], [input.writeFields ?? [], 'writeFields'], [input.unmaskedFields ?? [], 'unmaskedFields']] as const) {
      const unknown = list.filter((f) => !allowed.has(f));
      if (unknown.length) throw bad(`未知字段：${unknown.join('、')}`, `unknown fields: ${unknown.join(', ')}`, name);
    }
    const dept = await this.store.tree.getDepartment(input.departmentId);
    if (!dept) throw bad('部门不存在', 'no such department', 'departmentId');
    for (const f of input.unmaskedFields ?? []) {
      if (!fieldDef(input.recordKind, f)?.secret) throw bad(`字段 ${f} 不是需遮蔽的字段`, `field ${f} is not a masked field`, 'unmaskedFields');
      if (!input.readFields.includes(f)) throw bad(`不遮蔽的字段 ${f} 也须可读`, `unmasked field ${f} must also be readable`, 'unmaskedFields');
    }
    for (const f of input.writeFields ?? []) {
      const def = fieldDef(input.recordKind, f);
      if (def && (def.system || def.derived || def.secret === 'idNumber' || f === 'name')) throw bad(`部门不能维护字段 ${f}`, `a department cannot own field ${f}`, 'writeFields');
      if (f.startsWith('label:')) {
        const code = f.slice(6);
        const kind = (await this.labels.kinds(true)).find((k) => k.code === code);
        if (kind && kind.owner !== dept.code) throw bad(`标签 ${kind.nameZh} 由 ${kind.owner} 维护，不能授权给 ${dept.shortName} 修改`, `label ${kind.nameEn} is owned by ${kind.owner}, not ${dept.code}`, 'writeFields');
      }
    }
    const known = new Set((await this.labels.kinds(true)).map((k) => k.code));
    const unknownLabels = (input.labels ?? []).filter((l) => !known.has(l));
    if (unknownLabels.length) throw bad(`未知标签：${unknownLabels.join('、')}`, `unknown labels: ${unknownLabels.join(', ')}`, 'labels');
    const node = await this.store.tree.getVisibleNode(ctx.principal!, input.nodeId);
    if (!node.path.startsWith(dept.treePath) && !dept.treePath.startsWith(node.path)) throw bad('授权范围须在部门辖区内', "the grant's subtree must lie in the department's jurisdiction", 'nodeId');
    return { node, dept };
  }

  /**
   * Makes a grant, or, when it would show ID numbers or phones unmasked, asks a security officer
   * to approve it (separation of duties, decision 0015): the approver makes it, checked again.
   */
  async grantOrRequest(ctx: AuthedContext, input: GrantIn): Promise<{ grant: GrantOut } | { approval: ApprovalView }> {
    if (!input.unmaskedFields?.length) return { grant: grantOut(await this.create(ctx, input)) };
    const { treePath, departmentName } = await this.check(ctx, input);
    const approval = await this.store.platform.approvals.request(ctx, {
      kind: 'grant.unmask', payload: { grant: input }, treePath, reason: input.purpose, decidedWith: 'approvals:data',
      summary: `${departmentName}：${input.recordKind} ${input.readFields.join('、')}（不遮蔽 ${input.unmaskedFields.join('、')}）`,
    });
    return { approval };
  }

  /** Grants on base data, for the admin's list. */
  async list(q: GrantListQuery): Promise<GrantOut[]> {
    return (await this.store.platform.grants.list(this.store.db, q)).map(grantOut);
  }

  /** The caller's department's grants in force (none for a caller outside a department). */
  async mine(ctx: AuthedContext): Promise<GrantOut[]> {
    const p = ctx.principal;
    if (!p.departmentId) return [];
    return (await this.store.platform.grants.activeGrants(this.store.db, p.departmentId)).map(grantOut);
  }

  async revoke(ctx: RequestContext, id: number): Promise<void> {
    await this.store.db.transaction(async (tx) => {
      if (!(await this.store.platform.grants.revoke(tx, id, ctx.principal?.userId ?? null))) throw new AppError(RegistryErrors.RECORD_NOT_FOUND);
      await this.store.platform.audit.record(tx, ctx, { category: 'admin', action: 'grant.revoke', entityType: 'data_grant', entityId: id });
    });
  }
}
