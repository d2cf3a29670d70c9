// Who is calling, from where, in which language: built once per request by the auth plugin and
// handed to services, which never look at HTTP themselves.
import { permissions as allPermissions, type GridWorkerKind, type Permission, type Role } from './auth/roles.js';
import { AppError, PlatformErrors, type Lang } from './errors.js';

export interface Principal {
  readonly kind: 'user' | 'machine';
  readonly userId: number | null;
  readonly tokenId: number | null;
  readonly username: string;
  readonly displayName: string;
  /** A staff role, or 'machine' for an API token. */
  readonly role: Role | 'machine';
  readonly permissions: ReadonlySet<Permission>;
  /** The node the caller hangs on; its subtree is the caller's data scope. */
  readonly nodeId: number;
  readonly treePath: string;
  readonly departmentId: number | null;
  readonly gridWorkerKind: GridWorkerKind | null;
  readonly sessionDigest: string | null;
}

export interface RequestContext {
  readonly principal: Principal | null;
  readonly lang: Lang;
  readonly ip: string;
  readonly requestId: string;
  /** The session still owes its second factor (only enrolment routes are open). */
  readonly mfaPending?: boolean;
}

/**
 * The context of a caller known to be logged in: what every permissioned route hands its service
 * (`req.authed`), so that services read `ctx.principal` without asserting it is there.
 */
export interface AuthedContext extends RequestContext {
  readonly principal: Principal;
}

/** Narrows a context to a logged-in caller, or refuses (a route that forgot its permission). */
export function requireAuthed(ctx: RequestContext): AuthedContext {
  if (!ctx.principal) throw new AppError(PlatformErrors.UNAUTHENTICATED);
  return ctx as AuthedContext;
}

/**
 * A context for work started outside HTTP (CLI, jobs, seeding): a trusted system principal with
 * every permission over the whole tree (or the given subtree). Never built from a request.
 */
export function systemContext(name = 'system', treePath = '/'): AuthedContext {
  return {
    principal: {
      kind: 'machine',
      userId: null,
      tokenId: null,
      username: name,
      displayName: name,
      role: 'machine',
      permissions: new Set<Permission>(allPermissions),
      nodeId: 0,
      treePath,
      departmentId: null,
      gridWorkerKind: null,
      sessionDigest: null,
    },
    lang: 'zh',
    ip: 'local',
    requestId: `${name}-${Date.now().toString(36)}`,
  };
}

/** True for the system principal of CLI commands, jobs and seeding (not for machine tokens). */
export function isSystemPrincipal(p: Principal | null): boolean {
  return !!p && p.kind === 'machine' && p.tokenId === null && p.userId === null;
}
