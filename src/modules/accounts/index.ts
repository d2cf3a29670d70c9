// Account administration (账号管理): staff accounts placed on the tree, the second-factor policy
// per role, and machine tokens. The identity mechanics live in platform/auth; this module is the
// administrator's use of them.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../app.js';
import { gridWorkerKinds, machinePermissions, permissions, roleNames, rolePermissions, roles, type Role } from '../../platform/auth/roles.js';
import { AuthErrors, publicUser } from '../../platform/auth/service.js';
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
          body: StrictObject({
            username: Type.String({ pattern: '^[A-Za-z0-9_.-]{3,64}$' }), displayName: Type.String({ minLength: 1, maxLength: 40 }), role: Type.String({ enum: [...roles] }),
            gridWorkerKind: Type.Optional(Type.String({ enum: [...gridWorkerKinds] })), nodeId: Type.Integer({ minimum: 1 }), departmentId: Type.Optional(Type.Integer({ minimum: 1 })), password: Type.String({ minLength: 1, maxLength: 256 }),
          }),
          response: { 201: UserOut, ...errorResponses },
        },
      },
      async (req, reply) => reply.code(201).send(userOut(await svc.create(req.ctx, { ...req.body, role: req.body.role as Role }))),
    );

    app.patch(
      '/admin/users/:id',
      {
        config: { permission: 'users:manage' },
        schema: {
          tags, summary: 'Rename, disable, unlock an account or reset its password', params: IdParam,
          body: StrictObject({ displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), status: Type.Optional(Type.String({ enum: ['active', 'disabled'] })), unlock: Type.Optional(Type.Boolean()), resetPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }),
          response: { 200: UserOut, ...errorResponses },
        },
      },
      async (req) => {
        await svc.assertManageable(req.ctx, req.params.id);
        return userOut(await platform.auth.updateUser(req.params.id, { ...req.body, status: req.body.status as never }, req.ctx));
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
          body: StrictObject({ name: Type.String({ minLength: 2, maxLength: 80 }), kind: Type.String({ enum: ['device', 'platform'] }), nodeId: Type.Integer({ minimum: 1 }), departmentId: Type.Optional(Type.Integer({ minimum: 1 })), permissions: Type.Array(Type.String({ enum: [...machinePermissions] }), { minItems: 1, uniqueItems: true }), expiresAt: Type.Optional(Type.String({ format: 'date-time' })) }),
          response: { 201: Type.Object({ id: Type.Integer(), token: Type.String() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const node = await tree.getVisibleNode(req.ctx.principal!, req.body.nodeId);
        const r = await platform.auth.createApiToken({ ...req.body, kind: req.body.kind as 'device' | 'platform', treePath: node.path, permissions: req.body.permissions as never, expiresAt: req.body.expiresAt ? new Date(req.body.expiresAt) : null }, req.ctx);
        return reply.code(201).send(r);
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
  return { name: 'accounts', service, routes: accountRoutes(service, platform, deps.tree) };
}
