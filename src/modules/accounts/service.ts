// Account administration (账号管理): staff accounts placed on the tree, the second-factor policy
// per role, and machine tokens. The identity mechanics live in platform/auth; this is the
// administrator's use of them, with the separation of duties of decision 0015: some accounts and
// tokens are not made by the administrator alone but requested, and made by an approver.
import type { Platform } from '../../platform/platform.js';
import { approvalOut } from '../../platform/approvals.routes.js';
import { generatePassword } from '../../platform/auth/passwords.js';
import { oversightRoles, roleNames, rolePermissions, roles, type Permission, type Role } from '../../platform/auth/roles.js';
import { AuthErrors, publicUser } from '../../platform/auth/service.js';
import { requireAuthed, type AuthedContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { TreeService } from '../tree/index.js';
import { AccountErrors } from './errors.js';
import type { NewAccount, NewTokenIn, NewUserIn, RoleOut, RolePolicyOut, TokenCreated, TokenOut, UserOut, UserPage, UserPatchIn, UserQuery } from './schemas.js';

/** Which tree level each role's account hangs on. */
const roleLevels: Record<Role, string[]> = {
  community_worker: ['community'],
  grid_worker: ['grid'],
  street_staff: ['street'],
  department_staff: ['city', 'district'],
  reviewer: ['city', 'district'],
  assessment_office: ['city', 'district'],
  staffing_office: ['city', 'district'],
  auditor: ['city', 'district'],
  security_officer: ['city', 'district'],
  admin: ['city', 'district'],
};

/** A request handed to an approver instead of being carried out (202). */
export type Pending = { approval: ReturnType<typeof approvalOut> };
/** What a write answers: done at once (201 or 200), or waiting for an approver (202). */
export type Outcome<T> = { done: T } | { pending: Pending };

type AccountChange = { displayName?: string; status?: 'active' | 'disabled'; unlock?: boolean; resetPassword: boolean };
type TokenRequest = Omit<NewTokenIn, 'reason'> & { treePath: string };

function userOut(u: ReturnType<typeof publicUser> & { nodeName?: string }): UserOut {
  return { ...u, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, lockedUntil: u.lockedUntil?.toISOString() ?? null };
}

export class AccountsService {
  constructor(private readonly platform: Platform, private readonly tree: TreeService) {}

  /** Roles with their names and permissions (the web menu is built from these). */
  roles(): RoleOut[] {
    return roles.map((r) => ({ role: r, ...roleNames[r], permissions: [...rolePermissions[r]] }));
  }

  async list(ctx: AuthedContext, f: UserQuery): Promise<UserPage> {
    const under = f.nodeId ? (await this.tree.getVisibleNode(ctx.principal, f.nodeId)).path : undefined;
    const { rows, total } = await this.platform.auth.searchUsers(ctx.principal, { under, role: f.role, q: f.q, limit: f.limit, offset: f.offset });
    const names = new Map((await this.tree.getNodes(rows.map((r) => r.nodeId))).map((n) => [n.id, n.name]));
    return { items: rows.map((r) => userOut({ ...publicUser(r), nodeName: names.get(r.nodeId) })), total, limit: f.limit, offset: f.offset };
  }

  /** The node an account of this role may hang on, under the administrator (refused otherwise). */
  private async placement(ctx: AuthedContext, input: { role: Role; nodeId: number; departmentId?: number }) {
    const node = await this.tree.getVisibleNode(ctx.principal, input.nodeId);
    if (!node.path.startsWith(ctx.principal.treePath)) throw new AppError(AuthErrors.USER_NOT_FOUND);
    if (!roleLevels[input.role].includes(node.level)) {
      throw new AppError(AccountErrors.ACCOUNT_ROLE_NODE_MISMATCH, { role: roleNames[input.role][ctx.lang], level: roleLevels[input.role].join('/') }, 'nodeId');
    }
    const dept = input.role === 'department_staff' && input.departmentId ? await this.tree.getDepartment(input.departmentId) : undefined;
    if (input.role === 'department_staff' && !dept) throw new AppError(AccountErrors.ACCOUNT_DEPARTMENT_REQUIRED, {}, 'departmentId');
    return { node, dept };
  }

  /** Makes an account at once (the caller decided no approval is needed, or is the approver). */
  async create(ctx: AuthedContext, input: NewAccount): Promise<UserOut> {
    const { node, dept } = await this.placement(ctx, input);
    const treePath = dept ? dept.treePath : node.path;
    const user = await this.platform.auth.createUser({ ...input, gridWorkerKind: input.gridWorkerKind ?? null, treePath, departmentId: input.role === 'department_staff' ? input.departmentId : null, mustChangePassword: true }, ctx);
    return userOut(user);
  }

  /**
   * Whose approval an account needs (separation of duties, decision 0015): an auditor for the
   * oversight roles (auditor, security officer); a security officer for a department account
   * whose department sees ID numbers or phones in clear. Null: the administrator acts alone.
   */
  async approverFor(role: Role, departmentId: number | null | undefined): Promise<Permission | null> {
    if (oversightRoles.includes(role)) return 'approvals:accounts';
    if (role === 'department_staff' && departmentId) {
      const grants = await this.platform.grants.activeGrants(this.platform.db, departmentId);
      if (grants.some((g) => g.unmaskedFields.length > 0)) return 'approvals:data';
    }
    return null;
  }

  /** Checks a new account as create() would, without making it; gives the node's path. */
  async check(ctx: AuthedContext, input: { username: string; role: Role; nodeId: number; departmentId?: number }): Promise<string> {
    const { node } = await this.placement(ctx, input);
    if (await this.platform.auth.findUserByName(input.username)) throw new AppError(AuthErrors.USERNAME_TAKEN, { username: input.username }, 'username');
    return node.path;
  }

  async assertManageable(ctx: AuthedContext, id: number) {
    const u = await this.platform.auth.getUser(id);
    if (!u || !u.treePath.startsWith(ctx.principal.treePath)) throw new AppError(AuthErrors.USER_NOT_FOUND);
    return u;
  }

  /** POST /admin/users: made at once with the administrator's password, or requested from the approver. */
  async requestAccount(ctx: AuthedContext, body: NewUserIn): Promise<Outcome<UserOut>> {
    const { reason, password, ...input } = body;
    const approver = await this.approverFor(input.role, input.departmentId);
    if (!approver) {
      if (!password) throw new AppError(AccountErrors.ACCOUNT_PASSWORD_REQUIRED, {}, 'password');
      return { done: await this.create(ctx, { ...input, password }) };
    }
    // The administrator must not know the password of an account that watches them or sees
    // personal data in clear: the approver gets it.
    if (password) throw new AppError(AccountErrors.ACCOUNT_PASSWORD_BY_APPROVER, {}, 'password');
    const treePath = await this.check(ctx, input);
    const approval = await this.platform.approvals.request(ctx, {
      kind: 'account.create', payload: { account: input }, treePath, reason: reason ?? '', decidedWith: approver, dedupeKey: `user:${input.username.toLowerCase()}`,
      summary: `${roleNames[input.role].zh} ${input.username}（${input.displayName}）`,
    });
    return { pending: { approval: approvalOut(approval) } };
  }

  /** PATCH /admin/users/:id: changed at once, or (accounts that need approval) requested from the approver. */
  async changeAccount(ctx: AuthedContext, id: number, body: UserPatchIn): Promise<Outcome<UserOut>> {
    const target = await this.assertManageable(ctx, id);
    const { reason, requestPasswordReset, ...patch } = body;
    const approver = await this.approverFor(target.role, target.departmentId);
    if (!approver) {
      if (requestPasswordReset) throw new AppError(AccountErrors.ACCOUNT_PASSWORD_REQUIRED, {}, 'resetPassword');
      return { done: userOut(await this.platform.auth.updateUser(id, patch, ctx)) };
    }
    if (patch.resetPassword) throw new AppError(AccountErrors.ACCOUNT_PASSWORD_BY_APPROVER, {}, 'resetPassword');
    const change: AccountChange = { displayName: patch.displayName, status: patch.status, unlock: patch.unlock, resetPassword: Boolean(requestPasswordReset) };
    const what = [change.displayName ? `改名为 ${change.displayName}` : '', change.status === 'disabled' ? '停用' : change.status === 'active' ? '启用' : '', change.unlock ? '解锁' : '', change.resetPassword ? '重置密码' : ''].filter(Boolean).join('、');
    const approval = await this.platform.approvals.request(ctx, {
      kind: 'account.update', payload: { userId: target.id, username: target.username, role: target.role, change }, treePath: target.treePath, reason: reason ?? '',
      decidedWith: approver, subjectUserId: target.id, summary: `${roleNames[target.role].zh} ${target.username}：${what || '修改'}`,
    });
    return { pending: { approval: approvalOut(approval) } };
  }

  rolePolicies(): Promise<RolePolicyOut[]> {
    return this.platform.auth.listRolePolicies();
  }

  setRolePolicy(ctx: AuthedContext, role: Role, mfaRequired: boolean): Promise<void> {
    return this.platform.auth.setRolePolicy(role, mfaRequired, ctx);
  }

  /** Machine tokens (devices, other platforms); their secrets are never shown again. */
  async tokens(): Promise<TokenOut[]> {
    return (await this.platform.auth.listApiTokens()).map((t) => ({ ...t, lastUsedAt: t.lastUsedAt?.toISOString() ?? null, expiresAt: t.expiresAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null, createdAt: t.createdAt.toISOString() }));
  }

  /** Issues a token (its secret answered once), or, for one that looks people up, asks a security officer. */
  async requestToken(ctx: AuthedContext, body: NewTokenIn): Promise<Outcome<TokenCreated>> {
    const node = await this.tree.getVisibleNode(ctx.principal, body.nodeId);
    const { reason, ...rest } = body;
    const input: TokenRequest = { ...rest, treePath: node.path };
    // A token that looks people up carries personal data: a security officer approves it.
    if (!input.permissions.includes('registry:lookup')) return { done: await this.createToken(ctx, input) };
    const approval = await this.platform.approvals.request(ctx, {
      kind: 'token.personal_data', payload: { token: input }, treePath: node.path, reason: reason ?? '', decidedWith: 'approvals:data',
      summary: `机器凭证 ${input.name}（${input.permissions.join('、')}）`,
    });
    return { pending: { approval: approvalOut(approval) } };
  }

  private createToken(ctx: AuthedContext, t: TokenRequest): Promise<TokenCreated> {
    return this.platform.auth.createApiToken({ ...t, expiresAt: t.expiresAt ? new Date(t.expiresAt) : null }, ctx);
  }

  revokeToken(ctx: AuthedContext, id: number): Promise<void> {
    return this.platform.auth.revokeApiToken(id, ctx);
  }

  /** What approved requests do, carried out by the approver (checked again as they are made). */
  registerApprovals(): void {
    const { approvals, auth } = this.platform;
    approvals.register({
      kind: 'account.create',
      execute: async (request, ctx) => {
        const { account } = request.payload as { account: Omit<NewAccount, 'password'> };
        const initialPassword = generatePassword(auth.policy);
        const user = await this.create(requireAuthed(ctx), { ...account, password: initialPassword });
        return { resultId: user.id, forApprover: { initialPassword } };
      },
    });
    approvals.register({
      kind: 'account.update',
      execute: async (request, ctx) => {
        const { userId, change } = request.payload as { userId: number; change: AccountChange };
        await this.assertManageable(requireAuthed(ctx), userId);
        const initialPassword = change.resetPassword ? generatePassword(auth.policy) : undefined;
        await auth.updateUser(userId, { displayName: change.displayName, status: change.status, unlock: change.unlock, resetPassword: initialPassword }, ctx);
        return { resultId: userId, forApprover: initialPassword ? { initialPassword } : undefined };
      },
    });
    approvals.register({
      kind: 'token.personal_data',
      execute: async (request, ctx) => {
        const { token } = request.payload as { token: TokenRequest };
        const r = await this.createToken(requireAuthed(ctx), token);
        return { resultId: r.id, forRequester: r.token };
      },
    });
  }
}
