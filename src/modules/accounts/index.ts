// Account administration (账号管理): staff accounts placed on the tree, the second-factor policy
// per role, and machine tokens. The identity mechanics live in platform/auth; this module is the
// administrator's use of them.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../app.js';
import { approvalOut, PendingOut } from '../../platform/approvals.routes.js';
import { generatePassword } from '../../platform/auth/passwords.js';
import { gridWorkerKinds, machinePermissions, oversightRoles, permissions, roleNames, rolePermissions, roles, type Permission, type Role } from '../../platform/auth/roles.js';
import { AuthErrors, publicUser, type AuthService } from '../../platform/auth/service.js';
import { users } from '../../platform/auth/tables.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError, defineErrors } from '../../platform/errors.js';
import { errorResponses, IdParam, Page, StrictObject } from '../../platform/http.js';
import type { AppModule } from '../../platform/module.js';
import { scopeCondition } from '../../platform/scope.js';
import type { TreeService } from '../tree/index.js';

export const AccountErrors = defineErrors({
  ACCOUNT_ROLE_NODE_MISMATCH: { status: 400, zh: '{role} 账号应设在{level}一级', en: 'A {role} account belongs on a {level} node' },
  ACCOUNT_DEPARTMENT_REQUIRED: { status: 400, zh: '部门工作人员必须指定所属部门', en: 'Department staff need a department' },
  ACCOUNT_PASSWORD_BY_APPROVER: { status: 400, zh: '此账号的初始密码由审批人生成并交给本人，管理员不设置', en: 'The approver makes this account’s initial password and hands it to the person; the administrator does not set it' },
  ACCOUNT_PASSWORD_REQUIRED: { status: 400, zh: '请设置初始密码', en: 'Set an initial password' },
});

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

const UserOut = Type.Object({
  id: Type.Integer(), username: Type.String(), displayName: Type.String(), role: Type.String(), gridWorkerKind: Type.Union([Type.String(), Type.Null()]),
  nodeId: Type.Integer(), departmentId: Type.Union([Type.Integer(), Type.Null()]), status: Type.String(), totpEnabled: Type.Boolean(), mustChangePassword: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]), lockedUntil: Type.Union([Type.String(), Type.Null()]), nodeName: Type.Optional(Type.String()),
});

export class AccountsService {
  constructor(private readonly platform: Platform, private readonly tree: TreeService) {}

  async list(ctx: RequestContext, f: { nodeId?: number; role?: Role; q?: string; limit: number; offset: number }) {
    const db = this.platform.db;
    const p = ctx.principal!;
    const conds: SQL[] = [scopeCondition(p, users.treePath)];
    if (f.nodeId) {
      const node = await this.tree.getVisibleNode(p, f.nodeId);
      conds.push(sql`${users.treePath} LIKE ${`${node.path}%`}`);
    }
    if (f.role) conds.push(eq(users.role, f.role));
    if (f.q) conds.push(or(ilike(users.username, `%${f.q}%`), ilike(users.displayName, `%${f.q}%`))!);
    const where = and(...conds);
    const [rows, count] = await Promise.all([
      db.select().from(users).where(where).orderBy(asc(users.treePath), asc(users.id)).limit(f.limit).offset(f.offset),
      db.select({ n: sql<number>`count(*)::int` }).from(users).where(where),
    ]);
    const names = new Map((await this.tree.getNodes(rows.map((r) => r.nodeId))).map((n) => [n.id, n.name]));
    return { items: rows.map((r) => ({ ...publicUser(r), nodeName: names.get(r.nodeId) })), total: count[0]?.n ?? 0 };
  }

  async create(ctx: RequestContext, input: { username: string; displayName: string; role: Role; gridWorkerKind?: string; nodeId: number; departmentId?: number; password: string }) {
    const node = await this.tree.getVisibleNode(ctx.principal!, input.nodeId);
    if (!node.path.startsWith(ctx.principal!.treePath)) throw new AppError(AuthErrors.USER_NOT_FOUND);
    if (!roleLevels[input.role].includes(node.level)) {
      throw new AppError(AccountErrors.ACCOUNT_ROLE_NODE_MISMATCH, { role: roleNames[input.role][ctx.lang], level: roleLevels[input.role].join('/') }, 'nodeId');
    }
    let treePath = node.path;
    if (input.role === 'department_staff') {
      const dept = input.departmentId ? await this.tree.getDepartment(input.departmentId) : undefined;
      if (!dept) throw new AppError(AccountErrors.ACCOUNT_DEPARTMENT_REQUIRED, {}, 'departmentId');
      treePath = dept.treePath;
    }
    return this.platform.auth.createUser({ ...input, gridWorkerKind: (input.gridWorkerKind as never) ?? null, treePath, departmentId: input.role === 'department_staff' ? input.departmentId : null, mustChangePassword: true }, ctx);
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

  /** Checks a new account as create() would, without making it. */
  async check(ctx: RequestContext, input: { username: string; role: Role; nodeId: number; departmentId?: number }): Promise<string> {
    const node = await this.tree.getVisibleNode(ctx.principal!, input.nodeId);
    if (!node.path.startsWith(ctx.principal!.treePath)) throw new AppError(AuthErrors.USER_NOT_FOUND);
    if (!roleLevels[input.role].includes(node.level)) {
      throw new AppError(AccountErrors.ACCOUNT_ROLE_NODE_MISMATCH, { role: roleNames[input.role][ctx.lang], level: roleLevels[input.role].join('/') }, 'nodeId');
    }
    if (input.role === 'department_staff') {
      const dept = input.departmentId ? await this.tree.getDepartment(input.departmentId) : undefined;
      if (!dept) throw new AppError(AccountErrors.ACCOUNT_DEPARTMENT_REQUIRED, {}, 'departmentId');
    }
    if (await this.platform.auth.findUserByName(input.username)) throw new AppError(AuthErrors.USERNAME_TAKEN, { username: input.username }, 'username');
    return node.path;
  }

  async assertManageable(ctx: RequestContext, id: number) {
    const u = await this.platform.auth.getUser(id);
    if (!u || !u.treePath.startsWith(ctx.principal!.treePath)) throw new AppError(AuthErrors.USER_NOT_FOUND);
    return u;
  }
}

function userOut(u: ReturnType<typeof publicUser> & { nodeName?: string }) {
  return { ...u, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, lockedUntil: u.lockedUntil?.toISOString() ?? null };
}

function accountRoutes(svc: AccountsService, platform: Platform, tree: TreeService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['accounts'];
    app.get(
      '/roles',
      {
        config: { authenticated: true },
        schema: { tags, summary: 'Roles with their names and permissions (the web menu is built from these)', response: { 200: Type.Array(Type.Object({ role: Type.String(), zh: Type.String(), en: Type.String(), permissions: Type.Array(Type.String()) })) } },
      },
      async () => roles.map((r) => ({ role: r, ...roleNames[r], permissions: [...rolePermissions[r]] })),
    );

    app.get(
      '/admin/users',
      {
        config: { permission: 'users:manage' },
        schema: {
          tags, summary: 'Staff accounts in the administrator’s subtree',
          querystring: StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1 })), role: Type.Optional(Type.String({ enum: [...roles] })), q: Type.Optional(Type.String({ maxLength: 40 })), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) }),
          response: { 200: Page(UserOut), ...errorResponses },
        },
      },
      async (req) => {
        const r = await svc.list(req.ctx, { ...req.query, role: req.query.role as Role | undefined });
        return { items: r.items.map(userOut), total: r.total, limit: req.query.limit, offset: req.query.offset };
      },
    );

    app.post(
      '/admin/users',
      {
        config: { permission: 'users:manage' },
        schema: {
          tags, summary: 'Create a staff account on a tree node (the user must change the initial password)',
          description:
            'An auditor or security-officer account, and a department account whose department sees ID numbers or phones in clear, is not made at once: the request (with a reason, without a password) goes to an auditor or a security officer, who approves it and receives the initial password (202 with the request; decision 0015).',
          body: StrictObject({
            username: Type.String({ pattern: '^[A-Za-z0-9_.-]{3,64}$' }), displayName: Type.String({ minLength: 1, maxLength: 40 }), role: Type.String({ enum: [...roles] }),
            gridWorkerKind: Type.Optional(Type.String({ enum: [...gridWorkerKinds] })), nodeId: Type.Integer({ minimum: 1 }), departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
            password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
            reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why (for accounts that need approval)' })),
          }),
          response: { 201: UserOut, 202: PendingOut, ...errorResponses },
        },
      },
      async (req, reply) => {
        const { reason, password, ...input } = { ...req.body, role: req.body.role as Role };
        const approver = await svc.approverFor(input.role, input.departmentId);
        if (!approver) {
          if (!password) throw new AppError(AccountErrors.ACCOUNT_PASSWORD_REQUIRED, {}, 'password');
          return reply.code(201).send(userOut(await svc.create(req.ctx, { ...input, password })));
        }
        // The administrator must not know the password of an account that watches them or sees
        // personal data in clear: the approver gets it.
        if (password) throw new AppError(AccountErrors.ACCOUNT_PASSWORD_BY_APPROVER, {}, 'password');
        const treePath = await svc.check(req.ctx, input);
        const approval = await platform.approvals.request(req.ctx, {
          kind: 'account.create', payload: { account: input }, treePath, reason: reason ?? '', decidedWith: approver, dedupeKey: `user:${input.username.toLowerCase()}`,
          summary: `${roleNames[input.role].zh} ${input.username}（${input.displayName}）`,
        });
        return reply.code(202).send({ approval: approvalOut(approval) });
      },
    );

    app.patch(
      '/admin/users/:id',
      {
        config: { permission: 'users:manage' },
        schema: {
          tags, summary: 'Rename, disable, unlock an account or reset its password', params: IdParam,
          description: 'For an account that needs approval (see POST /admin/users) the change goes to the approver (202); a password reset is asked with requestPasswordReset, and the approver receives the new password.',
          body: StrictObject({
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), status: Type.Optional(Type.String({ enum: ['active', 'disabled'] })), unlock: Type.Optional(Type.Boolean()),
            resetPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
            requestPasswordReset: Type.Optional(Type.Boolean({ description: 'Ask the approver to reset the password (accounts that need approval)' })),
            reason: Type.Optional(Type.String({ maxLength: 500 })),
          }),
          response: { 200: UserOut, 202: PendingOut, ...errorResponses },
        },
      },
      async (req, reply) => {
        const target = await svc.assertManageable(req.ctx, req.params.id);
        const { reason, requestPasswordReset, ...patch } = { ...req.body, status: req.body.status as 'active' | 'disabled' | undefined };
        const approver = await svc.approverFor(target.role, target.departmentId);
        if (!approver) {
          if (requestPasswordReset) throw new AppError(AccountErrors.ACCOUNT_PASSWORD_REQUIRED, {}, 'resetPassword');
          return reply.send(userOut(await platform.auth.updateUser(req.params.id, patch, req.ctx)));
        }
        if (patch.resetPassword) throw new AppError(AccountErrors.ACCOUNT_PASSWORD_BY_APPROVER, {}, 'resetPassword');
        const change = { displayName: patch.displayName, status: patch.status, unlock: patch.unlock, resetPassword: Boolean(requestPasswordReset) };
        const what = [change.displayName ? `改名为 ${change.displayName}` : '', change.status === 'disabled' ? '停用' : change.status === 'active' ? '启用' : '', change.unlock ? '解锁' : '', change.resetPassword ? '重置密码' : ''].filter(Boolean).join('、');
        const approval = await platform.approvals.request(req.ctx, {
          kind: 'account.update', payload: { userId: target.id, username: target.username, role: target.role, change }, treePath: target.treePath, reason: reason ?? '',
          decidedWith: approver, subjectUserId: target.id, summary: `${roleNames[target.role].zh} ${target.username}：${what || '修改'}`,
        });
        return reply.code(202).send({ approval: approvalOut(approval) });
      },
    );

    app.get(
      '/admin/role-policies',
      { config: { permission: 'policy:manage' }, schema: { tags, summary: 'Second-factor requirement per role', response: { 200: Type.Array(Type.Object({ role: Type.String(), mfaRequired: Type.Boolean() })), ...errorResponses } } },
      async () => platform.auth.listRolePolicies(),
    );

    app.put(
      '/admin/role-policies/:role',
      {
        config: { permission: 'policy:manage' },
        schema: { tags, summary: 'Require (or stop requiring) a TOTP second factor for a role', params: StrictObject({ role: Type.String({ enum: [...roles] }) }), body: StrictObject({ mfaRequired: Type.Boolean() }), response: { 204: Type.Null(), ...errorResponses } },
      },
      async (req, reply) => {
        await platform.auth.setRolePolicy(req.params.role as Role, req.body.mfaRequired, req.ctx);
        return reply.code(204).send(null);
      },
    );

    const TokenOut = Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String(), nodeId: Type.Integer(), permissions: Type.Array(Type.String()), lastUsedAt: Type.Union([Type.String(), Type.Null()]), expiresAt: Type.Union([Type.String(), Type.Null()]), revokedAt: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String() });
    app.get(
      '/admin/api-tokens',
      { config: { permission: 'tokens:manage' }, schema: { tags, summary: 'Machine tokens (devices, other platforms); secrets are never shown again', response: { 200: Type.Array(TokenOut), ...errorResponses } } },
      async () => (await platform.auth.listApiTokens()).map((t) => ({ ...t, lastUsedAt: t.lastUsedAt?.toISOString() ?? null, expiresAt: t.expiresAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null, createdAt: t.createdAt.toISOString() })),
    );

    app.post(
      '/admin/api-tokens',
      {
        config: { permission: 'tokens:manage' },
        schema: {
          tags, summary: 'Issue a machine token; the secret is returned once',
          description: 'A token carrying registry:lookup (personal data) goes to a security officer for approval (202); once approved, the requester collects its secret once from POST /approvals/{id}/collect.',
          body: StrictObject({
            name: Type.String({ minLength: 2, maxLength: 80 }), kind: Type.String({ enum: ['device', 'platform'] }), nodeId: Type.Integer({ minimum: 1 }), departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
            permissions: Type.Array(Type.String({ enum: [...machinePermissions] }), { minItems: 1, uniqueItems: true }), expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
            reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why (for tokens that need approval)' })),
          }),
          response: { 201: Type.Object({ id: Type.Integer(), token: Type.String() }), 202: PendingOut, ...errorResponses },
        },
      },
      async (req, reply) => {
        const node = await tree.getVisibleNode(req.ctx.principal!, req.body.nodeId);
        const { reason, ...body } = req.body;
        const input = { ...body, kind: body.kind as 'device' | 'platform', treePath: node.path, permissions: body.permissions as Permission[] };
        // A token that looks people up carries personal data: a security officer approves it.
        if (!input.permissions.includes('registry:lookup')) {
          return reply.code(201).send(await platform.auth.createApiToken({ ...input, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null }, req.ctx));
        }
        const approval = await platform.approvals.request(req.ctx, {
          kind: 'token.personal_data', payload: { token: input }, treePath: node.path, reason: reason ?? '', decidedWith: 'approvals:data',
          summary: `机器凭证 ${input.name}（${input.permissions.join('、')}）`,
        });
        return reply.code(202).send({ approval: approvalOut(approval) });
      },
    );

    app.delete(
      '/admin/api-tokens/:id',
      { config: { permission: 'tokens:manage' }, schema: { tags, summary: 'Revoke a machine token', params: IdParam, response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        await platform.auth.revokeApiToken(req.params.id, req.ctx);
        return reply.code(204).send(null);
      },
    );
    void permissions;
  };
}

export function createAccountsModule(platform: Platform, deps: { tree: TreeService }): AppModule<AccountsService> {
  const service = new AccountsService(platform, deps.tree);
  // What approved requests do, carried out by the approver (checked again as they are made).
  platform.approvals.register({
    kind: 'account.create',
    execute: async (request, ctx) => {
      const input = (request.payload as { account: Parameters<AccountsService['create']>[1] }).account;
      const initialPassword = generatePassword(platform.auth.policy);
      const user = await service.create(ctx, { ...input, password: initialPassword });
      return { resultId: user.id, forApprover: { initialPassword } };
    },
  });
  platform.approvals.register({
    kind: 'account.update',
    execute: async (request, ctx) => {
      const { userId, change } = request.payload as { userId: number; change: { displayName?: string; status?: 'active' | 'disabled'; unlock?: boolean; resetPassword: boolean } };
      await service.assertManageable(ctx, userId);
      const initialPassword = change.resetPassword ? generatePassword(platform.auth.policy) : undefined;
      await platform.auth.updateUser(userId, { displayName: change.displayName, status: change.status, unlock: change.unlock, resetPassword: initialPassword }, ctx);
      return { resultId: userId, forApprover: initialPassword ? { initialPassword } : undefined };
    },
  });
  platform.approvals.register({
    kind: 'token.personal_data',
    execute: async (request, ctx) => {
      const t = (request.payload as { token: Parameters<AuthService['createApiToken']>[0] & { expiresAt?: string | null } }).token;
      const r = await platform.auth.createApiToken({ ...t, expiresAt: t.expiresAt ? new Date(t.expiresAt) : null }, ctx);
      return { resultId: r.id, forRequester: r.token };
    },
  });
  return { name: 'accounts', service, routes: accountRoutes(service, platform, deps.tree) };
}
