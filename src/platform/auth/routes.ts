// Log-in, log-out, "who am I", password change and second-factor enrolment.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errorResponses, StrictObject } from '../http.js';
import { SESSION_COOKIE } from './plugin.js';
import { roleNames, roles, type Permission } from './roles.js';
import type { AuthService } from './service.js';

export interface NodeSummary {
  id: number;
  name: string;
  level: string;
  code: string;
  path: string;
  /** Names from the city down, e.g. ["太原市", "万柏林区", "兴华街道"]. */
  trail: string[];
}

const UserOut = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Union(roles.map((r) => Type.Literal(r))),
  roleName: Type.String(),
  gridWorkerKind: Type.Union([Type.String(), Type.Null()]),
  departmentId: Type.Union([Type.Integer(), Type.Null()]),
  totpEnabled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
});

const MeOut = Type.Object({
  user: UserOut,
  permissions: Type.Array(Type.String()),
  node: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String(), level: Type.String(), code: Type.String(), path: Type.String(), trail: Type.Array(Type.String()) }), Type.Null()]),
  mfaPending: Type.Boolean(),
});

export function authRoutes(deps: { auth: AuthService; describeNode: (id: number) => Promise<NodeSummary | null>; secureCookies: boolean }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { auth } = deps;
    // The same attributes on log-in and log-out (a browser clears only a cookie that matches), and
    // Secure whenever the platform is reached over TLS: configured so, or told by a trusted proxy.
    const cookieOptions = (req: FastifyRequest) => ({ httpOnly: true, sameSite: 'strict' as const, path: '/', secure: deps.secureCookies || req.protocol === 'https' });

    app.post(
      '/auth/login',
      {
        config: { public: true, rateLimits: ['loginAddress', 'loginAccount'] },
        schema: {
          tags: ['auth'],
          summary: 'Log in with user name and password (and the TOTP code when the account has one)',
          description:
            'Sets an httpOnly session cookie and also returns the bearer token for API clients. Repeated failures for one user name stop log-ins to it from that address (423), and many from anywhere stop them from addresses where the account has not logged in lately; real and unknown user names are answered alike. Attempts are also rate-limited per address and per user name (429 with Retry-After).',
          body: StrictObject({
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
            totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
          }),
          response: {
            200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), mfaEnrollmentRequired: Type.Boolean(), mustChangePassword: Type.Boolean() }),
            ...errorResponses,
            423: Type.Ref('ErrorBody'),
            429: Type.Ref('ErrorBody'),
          },
        },
      },
      async (req, reply) => {
        const r = await auth.login(req.body.username, req.body.password, req.body.totp, req.ctx, req.headers['user-agent']);
        reply.setCookie(SESSION_COOKIE, r.token, { ...cookieOptions(req), expires: r.expiresAt });
        return { token: r.token, expiresAt: r.expiresAt.toISOString(), mfaEnrollmentRequired: r.mfaEnrollmentRequired, mustChangePassword: r.user.mustChangePassword };
      },
    );

    app.post(
      '/auth/logout',
      { config: { authenticated: true, allowPendingMfa: true, allowPasswordChange: true }, schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        const digest = req.ctx.principal?.sessionDigest;
        if (digest) await auth.logout(digest, req.ctx);
        reply.clearCookie(SESSION_COOKIE, cookieOptions(req));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      { config: { authenticated: true, allowPendingMfa: true, allowPasswordChange: true }, schema: { tags: ['auth'], summary: 'The caller: account, role, permissions and place in the tree', response: { 200: MeOut, ...errorResponses } } },
      async (req) => {
        const p = req.ctx.principal!;
        if (p.kind === 'machine' || p.userId === null) {
          return {
            user: { id: 0, username: p.username, displayName: p.displayName, role: 'admin' as const, roleName: 'machine', gridWorkerKind: null, departmentId: p.departmentId, totpEnabled: false, mustChangePassword: false },
            permissions: [...p.permissions],
            node: await deps.describeNode(p.nodeId),
            mfaPending: false,
          };
        }
        const u = (await auth.getUser(p.userId))!;
        return {
          user: {
            id: u.id, username: u.username, displayName: u.displayName, role: u.role, roleName: roleNames[u.role][req.ctx.lang], gridWorkerKind: u.gridWorkerKind,
            departmentId: u.departmentId, totpEnabled: u.totpEnabled, mustChangePassword: u.mustChangePassword,
          },
          permissions: [...p.permissions] as Permission[],
          node: await deps.describeNode(u.nodeId),
          mfaPending: Boolean(req.ctx.mfaPending),
        };
      },
    );

    app.post(
      '/auth/password',
      {
        config: { authenticated: true, allowPasswordChange: true },
        schema: {
          tags: ['auth'],
          summary: 'Change the own password (ends every other session)',
          body: StrictObject({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }),
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        await auth.changePassword(req.ctx.principal!.userId!, req.body.currentPassword, req.body.newPassword, req.ctx);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/auth/totp/start',
      {
        config: { authenticated: true, allowPendingMfa: true },
        // A first enrolment may be asked for without a body.
        preValidation: async (req) => {
          req.body ??= {};
        },
        schema: {
          tags: ['auth'],
          summary: 'Begin TOTP enrolment: returns the otpauth URL and a QR code to scan',
          description: 'When the account already has a second factor, replacing it needs the password and a current code (MFA_REAUTH_REQUIRED otherwise); the factor in force stays until the new one is confirmed.',
          body: StrictObject({ password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), code: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })) }),
          response: { 200: Type.Object({ otpauthUrl: Type.String(), qrDataUrl: Type.String(), secret: Type.String() }), ...errorResponses, 423: Type.Ref('ErrorBody') },
        },
      },
      async (req) => auth.startTotp(req.ctx.principal!.userId!, req.ctx, req.body),
    );

    app.post(
      '/auth/totp/confirm',
      {
        config: { authenticated: true, allowPendingMfa: true },
        schema: { tags: ['auth'], summary: 'Finish TOTP enrolment with a current code', body: StrictObject({ code: Type.String({ pattern: '^[0-9]{6}$' }) }), response: { 204: Type.Null(), ...errorResponses } },
      },
      async (req, reply) => {
        await auth.confirmTotp(req.ctx.principal!.userId!, req.body.code, req.ctx);
        return reply.code(204).send(null);
      },
    );
  };
}
