// Separation of duties (三员分立, MLPS level 3): changes that would let one administrator reach
// the audit log or personal data in clear go pending, and a person of another role approves or
// rejects them with a reason. Modules register what each kind of request does when approved;
// nobody decides a request they made or one about their own account. Every step is audited, and
// the auditor sees every request. See docs/decisions/0015.
import { and, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { approvalRequests, type ApprovalKind, type ApprovalStatus } from './approvals.tables.js';
import type { AuditService } from './audit.js';
import type { Permission } from './auth/roles.js';
import type { RequestContext } from './context.js';
import type { FieldCipher } from './crypto.js';
import { AppError, defineErrors } from './errors.js';
import { subtreeCondition } from './scope.js';

export const ApprovalErrors = defineErrors({
  APPROVAL_NOT_FOUND: { status: 404, zh: '未找到该审批申请，或不在您的范围内', en: 'No such approval request in your area' },
  APPROVAL_NOT_PENDING: { status: 409, zh: '该申请已处理（{status}），不能再审批', en: 'This request was already settled ({status})' },
  APPROVAL_EXPIRED: { status: 409, zh: '该申请已过期（{days} 天未处理），请重新提交', en: 'This request expired after {days} days; submit it again' },
  APPROVAL_OWN_REQUEST: { status: 403, zh: '不能审批自己提出的申请，须由另一人审批', en: 'You cannot decide your own request: another person must' },
  APPROVAL_ABOUT_SELF: { status: 403, zh: '不能审批与本人账号有关的申请', en: 'You cannot decide a request about your own account' },
  APPROVAL_NOT_DECIDER: { status: 403, zh: '此类申请须由{role}审批', en: 'Requests of this kind are decided by {role}' },
  APPROVAL_REASON_REQUIRED: { status: 400, zh: '此操作须经审批，请填写申请理由', en: 'This needs approval: give a reason for the approver' },
  APPROVAL_DUPLICATE: { status: 409, zh: '已有相同内容的申请待审批（#{id}）', en: 'The same request is already pending (#{id})' },
  APPROVAL_NOTHING_TO_COLLECT: { status: 409, zh: '没有可领取的凭证（已领取，或申请未获批准）', en: 'Nothing to collect (already collected, or not approved)' },
});

/** Days a request waits for a decision before it lapses. */
export const APPROVAL_DAYS = 7;

export type ApprovalRow = typeof approvalRequests.$inferSelect;

export interface ApprovalResult {
  /** The user, grant or token the approval made. */
  resultId: number;
  /** Shown once to the approver (an initial password the requester must not know). */
  forApprover?: { initialPassword: string };
  /** Kept encrypted until the requester collects it once (a machine token's secret). */
  forRequester?: string;
}

export interface ApprovalHandler {
  kind: ApprovalKind;
  /** Carries out an approved request as the approver; validates again, since things may have changed. */
  execute(request: ApprovalRow, ctx: RequestContext): Promise<ApprovalResult>;
}

export interface NewApproval {
  kind: ApprovalKind;
  payload: Record<string, unknown>;
  summary: string;
  treePath: string;
  reason: string;
  /** The permission a decider needs. */
  decidedWith: Permission;
  /** The account the request is about, which may not decide it. */
  subjectUserId?: number | null;
  /** Requests with the same key cannot be pending twice (e.g. one user name). */
  dedupeKey?: string;
}

export type ApprovalView = Omit<ApprovalRow, 'secretEnc'> & { decidedWith: Permission; collectable: boolean };

export const deciderNames: Partial<Record<Permission, { zh: string; en: string }>> = {
  'approvals:accounts': { zh: '审计员', en: 'an auditor' },
  'approvals:data': { zh: '安全管理员', en: 'a security officer' },
};

export class ApprovalService {
  private readonly handlers = new Map<ApprovalKind, ApprovalHandler>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly cipher: FieldCipher,
  ) {}

  register(handler: ApprovalHandler): void {
    this.handlers.set(handler.kind, handler);
  }

  private view(r: ApprovalRow): ApprovalView {
    const { secretEnc, ...rest } = r;
    return { ...rest, decidedWith: (r.payload.__decidedWith as Permission) ?? 'approvals:data', collectable: Boolean(secretEnc) && r.status === 'approved' };
  }

  /** Files a request (the administrator's write answers 202 with it). */
  async request(ctx: RequestContext, input: NewApproval): Promise<ApprovalView> {
    if (!input.reason || input.reason.trim().length < 2) throw new AppError(ApprovalErrors.APPROVAL_REASON_REQUIRED, {}, 'reason');
    const p = ctx.principal!;
    return this.db.transaction(async (tx) => {
      await this.expireOld(tx);
      if (input.dedupeKey) {
        const dup = await tx
          .select({ id: approvalRequests.id })
          .from(approvalRequests)
          .where(and(eq(approvalRequests.status, 'pending'), sql`${approvalRequests.payload}->>'__dedupe' = ${input.dedupeKey}`))
          .limit(1);
        if (dup[0]) throw new AppError(ApprovalErrors.APPROVAL_DUPLICATE, { id: dup[0].id });
      }
      const payload = { ...input.payload, __decidedWith: input.decidedWith, __subject: input.subjectUserId ?? null, __dedupe: input.dedupeKey ?? null };
      const [row] = await tx
        .insert(approvalRequests)
        .values({ kind: input.kind, payload, summary: input.summary, treePath: input.treePath, reason: input.reason.trim(), requestedBy: p.userId ?? 0, expiresAt: new Date(Date.now() + APPROVAL_DAYS * 86_400_000) })
        .returning();
      await this.audit.record(tx, ctx, {
        category: 'admin', action: 'approval.request', entityType: 'approval_request', entityId: row!.id, treePath: input.treePath, reason: input.reason,
        detail: { kind: input.kind, summary: input.summary, decidedWith: input.decidedWith, request: input.payload },
      });
      return this.view(row!);
    });
  }

  private async expireOld(tx: Tx | Db): Promise<void> {
    await tx.update(approvalRequests).set({ status: 'expired' }).where(and(eq(approvalRequests.status, 'pending'), sql`${approvalRequests.expiresAt} <= now()`));
  }

  /** Who may see which requests: deciders and the auditor everything in their subtree; others their own. */
  private visibility(ctx: RequestContext): SQL {
    const p = ctx.principal!;
    const mine = eq(approvalRequests.requestedBy, p.userId ?? -1);
    const overseer = p.permissions.has('approvals:read') || p.permissions.has('approvals:accounts') || p.permissions.has('approvals:data');
    return overseer ? or(mine, subtreeCondition(p.treePath, approvalRequests.treePath))! : mine;
  }

  async list(ctx: RequestContext, f: { status?: ApprovalStatus; mine?: boolean; decidable?: boolean; limit: number; offset: number }): Promise<{ items: ApprovalView[]; total: number }> {
    await this.expireOld(this.db);
    const p = ctx.principal!;
    const conds: SQL[] = [this.visibility(ctx)];
    if (f.status) conds.push(eq(approvalRequests.status, f.status));
    if (f.mine) conds.push(eq(approvalRequests.requestedBy, p.userId ?? -1));
    if (f.decidable) {
      const perms = (['approvals:accounts', 'approvals:data'] as const).filter((x) => p.permissions.has(x));
      conds.push(perms.length ? sql`${approvalRequests.payload}->>'__decidedWith' IN (${sql.join(perms.map((x) => sql`${x}`), sql`, `)})` : sql`false`);
      conds.push(sql`${approvalRequests.requestedBy} <> ${p.userId ?? -1}`);
    }
    const where = and(...conds);
    const [rows, count] = await Promise.all([
      this.db.select().from(approvalRequests).where(where).orderBy(desc(approvalRequests.id)).limit(f.limit).offset(f.offset),
      this.db.select({ n: sql<number>`count(*)::int` }).from(approvalRequests).where(where),
    ]);
    return { items: rows.map((r) => this.view(r)), total: count[0]?.n ?? 0 };
  }

  async get(ctx: RequestContext, id: number): Promise<ApprovalView> {
    return this.view(await this.visible(ctx, id));
  }

  private async visible(ctx: RequestContext, id: number): Promise<ApprovalRow> {
    const rows = await this.db.select().from(approvalRequests).where(and(eq(approvalRequests.id, id), this.visibility(ctx))).limit(1);
    if (!rows[0]) throw new AppError(ApprovalErrors.APPROVAL_NOT_FOUND);
    return rows[0];
  }

  /** The rules every decision follows, checked before anything changes. */
  private async decidable(ctx: RequestContext, id: number): Promise<ApprovalRow> {
    const p = ctx.principal!;
    const r = await this.visible(ctx, id);
    const needed = r.payload.__decidedWith as Permission;
    if (!p.permissions.has(needed)) throw new AppError(ApprovalErrors.APPROVAL_NOT_DECIDER, { role_zh: deciderNames[needed]?.zh ?? needed, role_en: deciderNames[needed]?.en ?? needed });
    if (!r.treePath.startsWith(p.treePath)) throw new AppError(ApprovalErrors.APPROVAL_NOT_FOUND);
    if (r.requestedBy === p.userId) throw new AppError(ApprovalErrors.APPROVAL_OWN_REQUEST);
    if (r.payload.__subject !== null && r.payload.__subject !== undefined && r.payload.__subject === p.userId) throw new AppError(ApprovalErrors.APPROVAL_ABOUT_SELF);
    if (r.status === 'pending' && r.expiresAt.getTime() <= Date.now()) {
      await this.expireOld(this.db);
      throw new AppError(ApprovalErrors.APPROVAL_EXPIRED, { days: APPROVAL_DAYS });
    }
    if (r.status !== 'pending') throw new AppError(ApprovalErrors.APPROVAL_NOT_PENDING, { status: r.status });
    return r;
  }

  /**
   * Approves: the request is claimed (so two approvers cannot both carry it out), carried out by
   * its module as the approver, and its outcome recorded. If carrying it out fails (the user name
   * was taken meanwhile), the request is pending again and the error is the answer.
   */
  async approve(ctx: RequestContext, id: number, reason: string): Promise<{ request: ApprovalView; initialPassword?: string }> {
    const r = await this.decidable(ctx, id);
    const handler = this.handlers.get(r.kind);
    if (!handler) throw new Error(`no approval handler for ${r.kind}`);
    const claimed = await this.db
      .update(approvalRequests)
      .set({ status: 'approved', decidedBy: ctx.principal!.userId, decidedAt: new Date(), decisionReason: reason })
      .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, 'pending')))
      .returning();
    if (!claimed[0]) throw new AppError(ApprovalErrors.APPROVAL_NOT_PENDING, { status: 'approved' });
    let result: ApprovalResult;
    try {
      result = await handler.execute(claimed[0], ctx);
    } catch (err) {
      await this.db.update(approvalRequests).set({ status: 'pending', decidedBy: null, decidedAt: null, decisionReason: null }).where(eq(approvalRequests.id, id));
      await this.audit.recordNow(this.db, ctx, { category: 'admin', action: 'approval.approve', result: 'failed', entityType: 'approval_request', entityId: id, treePath: r.treePath, reason, detail: { kind: r.kind, error: (err as { code?: string }).code ?? 'error' } });
      throw err;
    }
    const row = await this.db.transaction(async (tx) => {
      const [done] = await tx
        .update(approvalRequests)
        .set({ resultId: result.resultId, secretEnc: result.forRequester ? this.cipher.encrypt(result.forRequester) : null })
        .where(eq(approvalRequests.id, id))
        .returning();
      await this.audit.record(tx, ctx, {
        category: 'admin', action: 'approval.approve', entityType: 'approval_request', entityId: id, treePath: r.treePath, reason,
        detail: { kind: r.kind, summary: r.summary, requestedBy: r.requestedBy, resultId: result.resultId, initialPasswordToApprover: Boolean(result.forApprover), secretToRequester: Boolean(result.forRequester) },
      });
      return done!;
    });
    return { request: this.view(row), initialPassword: result.forApprover?.initialPassword };
  }

  async reject(ctx: RequestContext, id: number, reason: string): Promise<ApprovalView> {
    const r = await this.decidable(ctx, id);
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(approvalRequests)
        .set({ status: 'rejected', decidedBy: ctx.principal!.userId, decidedAt: new Date(), decisionReason: reason })
        .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, 'pending')))
        .returning();
      if (!row) throw new AppError(ApprovalErrors.APPROVAL_NOT_PENDING, { status: 'decided' });
      await this.audit.record(tx, ctx, { category: 'admin', action: 'approval.reject', entityType: 'approval_request', entityId: id, treePath: r.treePath, reason, detail: { kind: r.kind, summary: r.summary, requestedBy: r.requestedBy } });
      return this.view(row);
    });
  }

  /** The requester withdraws a pending request. */
  async cancel(ctx: RequestContext, id: number): Promise<ApprovalView> {
    const r = await this.visible(ctx, id);
    if (r.requestedBy !== ctx.principal!.userId) throw new AppError(ApprovalErrors.APPROVAL_NOT_FOUND);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.update(approvalRequests).set({ status: 'cancelled', decidedAt: new Date() }).where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, 'pending'))).returning();
      if (!row) throw new AppError(ApprovalErrors.APPROVAL_NOT_PENDING, { status: r.status });
      await this.audit.record(tx, ctx, { category: 'admin', action: 'approval.cancel', entityType: 'approval_request', entityId: id, treePath: r.treePath, detail: { kind: r.kind, summary: r.summary } });
      return this.view(row);
    });
  }

  /** The requester collects an approved machine token's secret, once. */
  async collect(ctx: RequestContext, id: number): Promise<{ token: string; resultId: number }> {
    const r = await this.visible(ctx, id);
    if (r.requestedBy !== ctx.principal!.userId) throw new AppError(ApprovalErrors.APPROVAL_NOT_FOUND);
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(approvalRequests)
        .set({ secretEnc: null, collectedAt: new Date() })
        .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, 'approved'), sql`${approvalRequests.secretEnc} IS NOT NULL`))
        .returning({ resultId: approvalRequests.resultId });
      if (!row || !r.secretEnc) throw new AppError(ApprovalErrors.APPROVAL_NOTHING_TO_COLLECT);
      await this.audit.record(tx, ctx, { category: 'admin', action: 'approval.collect', entityType: 'approval_request', entityId: id, treePath: r.treePath, detail: { kind: r.kind, resultId: row.resultId } });
      return { token: this.cipher.decrypt(r.secretEnc), resultId: row.resultId ?? 0 };
    });
  }
}
