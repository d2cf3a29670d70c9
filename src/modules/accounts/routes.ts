// HTTP for account administration: roles, staff accounts, the second-factor policy per role and
// machine tokens. Thin: each route names its permission and schemas and hands the typed context
// to the service; a write that needs another person's approval answers 202 with the request.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PendingOut } from '../../platform/approvals.routes.js';
import { errorResponses, IdParam } from '../../platform/http.js';
import * as S from './schemas.js';
import type { AccountsService } from './service.js';

export function accountRoutes(svc: AccountsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['accounts'];
    const users = { permission: 'users:manage' } as const;
    const policy = { permission: 'policy:manage' } as const;
    const tokens = { permission: 'tokens:manage' } as const;

    app.get('/roles', {
      config: { authenticated: true },
      schema: { tags, summary: 'Roles with their names and permissions (the web menu is built from these)', response: { 200: Type.Array(S.RoleOut) } },
    }, async () => svc.roles());

    app.get('/admin/users', {
      config: users,
      schema: { tags, summary: 'Staff accounts in the administrator’s subtree', querystring: S.UserQuery, response: { 200: S.UserPage, ...errorResponses } },
    }, async (req) => svc.list(req.authed, req.query));

    app.post('/admin/users', {
      config: users,
      schema: {
        tags, summary: 'Create a staff account on a tree node (the user must change the initial password)',
        description:
          'An auditor or security-officer account, and a department account whose department sees ID numbers or phones in clear, is not made at once: the request (with a reason, without a password) goes to an auditor or a security officer, who approves it and receives the initial password (202 with the request; decision 0015).',
        body: S.NewUserIn, response: { 201: S.UserOut, 202: PendingOut, ...errorResponses },
      },
    }, async (req, reply) => {
      const r = await svc.requestAccount(req.authed, req.body);
      return 'done' in r ? reply.code(201).send(r.done) : reply.code(202).send(r.pending);
    });

    app.patch('/admin/users/:id', {
      config: users,
      schema: {
        tags, summary: 'Rename, disable, unlock an account or reset its password', params: IdParam,
        description: 'For an account that needs approval (see POST /admin/users) the change goes to the approver (202); a password reset is asked with requestPasswordReset, and the approver receives the new password.',
        body: S.UserPatchIn, response: { 200: S.UserOut, 202: PendingOut, ...errorResponses },
      },
    }, async (req, reply) => {
      const r = await svc.changeAccount(req.authed, req.params.id, req.body);
      return 'done' in r ? reply.send(r.done) : reply.code(202).send(r.pending);
    });

    app.get('/admin/role-policies', {
      config: policy,
      schema: { tags, summary: 'Second-factor requirement per role', response: { 200: Type.Array(S.RolePolicyOut), ...errorResponses } },
    }, async () => svc.rolePolicies());

    app.put('/admin/role-policies/:role', {
      config: policy,
      schema: { tags, summary: 'Require (or stop requiring) a TOTP second factor for a role', params: S.RoleParam, body: S.RolePolicyIn, response: { 204: Type.Null(), ...errorResponses } },
    }, async (req, reply) => {
      await svc.setRolePolicy(req.authed, req.params.role, req.body.mfaRequired);
      return reply.code(204).send(null);
    });

    app.get('/admin/api-tokens', {
      config: tokens,
      schema: { tags, summary: 'Machine tokens (devices, other platforms); secrets are never shown again', response: { 200: Type.Array(S.TokenOut), ...errorResponses } },
    }, async () => svc.tokens());

    app.post('/admin/api-tokens', {
      config: tokens,
      schema: {
        tags, summary: 'Issue a machine token; the secret is returned once',
        description: 'A token carrying registry:lookup (personal data) goes to a security officer for approval (202); once approved, the requester collects its secret once from POST /approvals/{id}/collect.',
        body: S.NewTokenIn, response: { 201: S.TokenCreated, 202: PendingOut, ...errorResponses },
      },
    }, async (req, reply) => {
      const r = await svc.requestToken(req.authed, req.body);
      return 'done' in r ? reply.code(201).send(r.done) : reply.code(202).send(r.pending);
    });

    app.delete('/admin/api-tokens/:id', {
      config: tokens,
      schema: { tags, summary: 'Revoke a machine token', params: IdParam, response: { 204: Type.Null(), ...errorResponses } },
    }, async (req, reply) => {
      await svc.revokeToken(req.authed, req.params.id);
      return reply.code(204).send(null);
    });
  };
}
