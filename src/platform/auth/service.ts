// Log-in, sessions, second factor and machine tokens. Passwords are scrypt-hashed; session and
// machine tokens are random bearer secrets stored only as SM3 digests; failures count towards a
// lockout; sessions expire when idle and at a fixed maximum age.
import { and, asc, eq, gt, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import type { AuditService } from '../audit.js';
import type { Principal, RequestContext } from '../context.js';
import { FieldCipher, hashPassword, newOpaqueToken, sm3Hex, verifyPassword } from '../crypto.js';
import { AppError, defineErrors, PlatformErrors } from '../errors.js';
import { addressKey } from '../ratelimit.js';
import { scopeCondition } from '../scope.js';
import { accountKey, LoginThrottle } from './lockout.js';
import { checkPasswordPolicy } from './passwords.js';
import { machinePermissions, rolePermissions, roles, type GridWorkerKind, type Permission, type Role } from './roles.js';
import { apiTokens, rolePolicies, sessions, users } from './tables.js';

export const AuthErrors = defineErrors({
  LOGIN_FAILED: { status: 401, zh: '用户名或密码错误', en: 'Wrong user name or password' },
  ACCOUNT_LOCKED: { status: 423, zh: '登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员', en: 'Too many failed log-ins: the account is locked; try again in {minutes} minutes or ask an administrator' },
  ACCOUNT_DISABLED: { status: 401, zh: '用户名或密码错误', en: 'Wrong user name or password' },
  MFA_CODE_REQUIRED: { status: 401, zh: '请输入动态验证码', en: 'Enter the code from your authenticator app' },
  MFA_CODE_INVALID: { status: 401, zh: '动态验证码不正确或已使用', en: 'The authenticator code is wrong or was already used' },
  MFA_ENROLLMENT_REQUIRED: { status: 403, zh: '您的角色要求绑定动态验证码，请先完成绑定', en: 'Your role requires a second factor: set up your authenticator first' },
  MFA_NOT_STARTED: { status: 400, zh: '请先生成动态验证码密钥', en: 'Start the authenticator set-up first' },
  MFA_REAUTH_REQUIRED: { status: 401, zh: '更换动态验证码须输入登录密码和当前动态码', en: 'Enter your password and a current authenticator code to replace the authenticator' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, zh: '请先修改初始密码', en: 'Change your initial password first' },
  CURRENT_PASSWORD_WRONG: { status: 400, zh: '当前密码不正确', en: 'The current password is wrong' },
  PASSWORD_REUSED: { status: 400, zh: '新密码不能与当前密码相同', en: 'The new password must differ from the current one' },
  USERNAME_TAKEN: { status: 409, zh: '用户名 {username} 已被使用', en: 'User name {username} is taken' },
  USER_NOT_FOUND: { status: 404, zh: '用户不存在', en: 'No such user' },
  TOKEN_PERMISSION_NOT_ALLOWED: { status: 400, zh: '机器凭证不能拥有权限 {permission}', en: 'A machine token cannot carry permission {permission}' },
});

export type UserRow = typeof users.$inferSelect;
export type PublicUser = Pick<UserRow, 'id' | 'username' | 'displayName' | 'role' | 'gridWorkerKind' | 'nodeId' | 'treePath' | 'departmentId' | 'status' | 'totpEnabled' | 'mustChangePassword' | 'lastLoginAt' | 'lockedUntil' | 'createdAt'>;

export function publicUser(u: UserRow): PublicUser {
  const { id, username, displayName, role, gridWorkerKind, nodeId, treePath, departmentId, status, totpEnabled, mustChangePassword, lastLoginAt, lockedUntil, createdAt } = u;
  return { id, username, displayName, role, gridWorkerKind, nodeId, treePath, departmentId, status, totpEnabled, mustChangePassword, lastLoginAt, lockedUntil, createdAt };
}

export interface AuthenticatedCaller {
  principal: Principal;
  /** For sessions: the second factor is still owed (only enrolment routes may be used). */
  mfaPending: boolean;
  mustChangePassword: boolean;
}

export interface LoginResult {
  token: string;
  user: PublicUser;
  expiresAt: Date;
  mfaEnrollmentRequired: boolean;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  gridWorkerKind?: GridWorkerKind | null;
  nodeId: number;
  treePath: string;
  departmentId?: number | null;
  password: string;
  mustChangePassword?: boolean;
}

const TOTP_PERIOD = 30;

function lockedError(until: Date): AppError {
  return new AppError(AuthErrors.ACCOUNT_LOCKED, { minutes: Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000)) });
}

function principalOf(u: UserRow, sessionDigest: string | null): Principal {
  return {
    kind: 'user',
    userId: u.id,
    tokenId: null,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    permissions: new Set(rolePermissions[u.role] ?? []),
    nodeId: u.nodeId,
    treePath: u.treePath,
    departmentId: u.departmentId,
    gridWorkerKind: u.gridWorkerKind,
    sessionDigest,
  };
}

export class AuthService {
  // A fixed hash to verify against when the user does not exist, so timing does not reveal it.
  private dummyHash: Promise<string> | null = null;
  readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly audit: AuditService,
    private readonly cipher: FieldCipher,
  ) {
    this.throttle = new LoginThrottle(db, config);
  }

  /** Accounts by id (for naming people in answers: display name, role, node, department). */
  async accountsByIds(ids: readonly number[], db: DbOrTx = this.db): Promise<{ id: number; displayName: string; role: string; nodeId: number; departmentId: number | null }[]> {
    if (!ids.length) return [];
    return db.select({ id: users.id, displayName: users.displayName, role: users.role, nodeId: users.nodeId, departmentId: users.departmentId }).from(users).where(inArray(users.id, [...ids]));
  }

  /**
   * Accounts in the caller's subtree (optionally under a node of it), by role and name, for the
   * administrators' user list. The users table is the platform's: modules ask here.
   */
  async searchUsers(caller: Principal, f: { under?: string; role?: Role; q?: string; limit: number; offset: number }) {
    const conds: SQL[] = [scopeCondition(caller, users.treePath)];
    if (f.under) conds.push(sql`${users.treePath} LIKE ${`${f.under}%`}`);
    if (f.role) conds.push(eq(users.role, f.role));
    if (f.q) conds.push(or(ilike(users.username, `%${f.q}%`), ilike(users.displayName, `%${f.q}%`))!);
    const where = and(...conds);
    const [rows, count] = await Promise.all([
      this.db.select().from(users).where(where).orderBy(asc(users.treePath), asc(users.id)).limit(f.limit).offset(f.offset),
      this.db.select({ n: sql<number>`count(*)::int` }).from(users).where(where),
    ]);
    return { rows, total: count[0]?.n ?? 0 };
  }

  get policy() {
    return { minLength: this.config.passwordMinLength, minClasses: this.config.passwordMinClasses };
  }

  async findUserByName(username: string): Promise<UserRow | undefined> {
    const rows = await this.db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).limit(1);
    return rows[0];
  }

  async getUser(id: number): Promise<UserRow | undefined> {
    const rows = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return rows[0];
  }

  /** The role's policy, or the default (QC_MFA_REQUIRED_ROLES: administrators, auditors and security officers). */
  async mfaRequiredFor(role: Role): Promise<boolean> {
    const rows = await this.db.select().from(rolePolicies).where(eq(rolePolicies.role, role)).limit(1);
    return rows[0]?.mfaRequired ?? this.config.mfaRequiredRoles.includes(role);
  }

  async login(username: string, password: string, totpCode: string | undefined, ctx: RequestContext, userAgent?: string): Promise<LoginResult> {
    // Counted by the name as typed and the client's address, whether or not the account exists:
    // a real and an unknown user name get the same answers, from the same work (decision 0014).
    const account = accountKey(username);
    const address = addressKey(ctx.ip);
    const user = await this.findUserByName(username);
    const fail = async (action: string, detail: Record<string, unknown>, error: AppError, u?: UserRow) => {
      await this.audit.recordNow(this.db, { ...ctx, principal: u ? principalOf(u, null) : null }, {
        category: 'auth', action, result: 'denied', entityType: 'user', entityId: u?.id, detail: { username, ...detail },
      });
      throw error;
    };
    const now = new Date();
    const lock = await this.throttle.lockedUntil(this.db, account, address);
    if (lock) return fail('auth.login', { reason: 'locked' }, lockedError(lock), user);
    // An unknown user name costs the same scrypt as a wrong password.
    this.dummyHash ??= hashPassword('not-a-real-password-Qc1!');
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !passwordOk || user.status !== 'active') {
      const locked = await this.throttle.fail(account, address, user?.id);
      const reason = !user ? 'unknown_user' : !passwordOk ? 'bad_password' : 'disabled';
      return fail('auth.login', { reason, locked: Boolean(locked) }, locked ? lockedError(locked) : new AppError(AuthErrors.LOGIN_FAILED), user);
    }
    const roleRequiresMfa = await this.mfaRequiredFor(user.role);
    let mfaSatisfied = !roleRequiresMfa && !user.totpEnabled;
    if (user.totpEnabled) {
      if (!totpCode) return fail('auth.login', { reason: 'mfa_code_missing' }, new AppError(AuthErrors.MFA_CODE_REQUIRED), user);
      if (!(await this.checkTotp(user, totpCode))) {
        const locked = await this.throttle.fail(account, address, user.id);
        return fail('auth.login', { reason: 'mfa_code_invalid', locked: Boolean(locked) }, locked ? lockedError(locked) : new AppError(AuthErrors.MFA_CODE_INVALID), user);
      }
      mfaSatisfied = true;
    }
    const { token, digest } = newOpaqueToken('qcs');
    const expiresAt = new Date(now.getTime() + this.config.sessionMaxHours * 3_600_000);
    const lockedMeanwhile = await this.db.transaction(async (tx) => {
      // A lock set by failures that ran alongside this attempt still holds.
      const late = await this.throttle.lockedUntil(tx, account, address, true);
      if (late) return late;
      await this.throttle.succeed(tx, account, address);
      await tx.update(users).set({ failedLogins: 0, lastLoginAt: now }).where(eq(users.id, user.id));
      await tx.insert(sessions).values({ digest, userId: user.id, expiresAt, mfaSatisfied, ip: ctx.ip, userAgent: userAgent?.slice(0, 300) });
      await this.audit.record(tx, { ...ctx, principal: principalOf(user, digest) }, {
        category: 'auth', action: 'auth.login', entityType: 'user', entityId: user.id, detail: { mfa: user.totpEnabled ? 'totp' : roleRequiresMfa ? 'enrolment_pending' : 'none' },
      });
      return null;
    });
    if (lockedMeanwhile) return fail('auth.login', { reason: 'locked' }, lockedError(lockedMeanwhile), user);
    return { token, user: publicUser({ ...user, lastLoginAt: now }), expiresAt, mfaEnrollmentRequired: roleRequiresMfa && !user.totpEnabled };
  }

  private totpFor(user: UserRow, secretBase32: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({ issuer: 'Qingche', label: user.username, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret: OTPAuth.Secret.fromBase32(secretBase32) });
  }

  /**
   * Accepts a code within ±1 step, once: a replayed code is refused. A secret being enrolled
   * (`pendingSecretEnc`) starts its own sequence of steps.
   */
  private async checkTotp(user: UserRow, code: string, pendingSecretEnc?: string): Promise<boolean> {
    const secretEnc = pendingSecretEnc ?? user.totpSecretEnc;
    if (!secretEnc || !/^\d{6}$/.test(code)) return false;
    const totp = this.totpFor(user, this.cipher.decrypt(secretEnc));
    const delta = totp.validate({ token: code, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(Date.now() / 1000 / TOTP_PERIOD) + delta;
    if (pendingSecretEnc) {
      await this.db.update(users).set({ totpLastStep: step }).where(eq(users.id, user.id));
      return true;
    }
    if (user.totpLastStep !== null && step <= user.totpLastStep) return false;
    const res = await this.db
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, user.id), sql`(${users.totpLastStep} IS NULL OR ${users.totpLastStep} < ${step})`))
      .returning({ id: users.id });
    return res.length === 1;
  }

  /** Resolves a bearer token (session or machine) to a caller, or throws 401. */
  async authenticate(token: string): Promise<AuthenticatedCaller> {
    const digest = sm3Hex(token);
    if (token.startsWith('qct_')) return this.authenticateMachine(digest);
    if (!token.startsWith('qcs_')) throw new AppError(PlatformErrors.INVALID_TOKEN);
    const rows = await this.db
      .select({ s: sessions, u: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.digest, digest))
      .limit(1);
    const row = rows[0];
    if (!row) throw new AppError(PlatformErrors.INVALID_TOKEN);
    const now = Date.now();
    const idleLimit = row.s.lastSeenAt.getTime() + this.config.sessionIdleMinutes * 60_000;
    if (row.s.revokedAt || row.s.expiresAt.getTime() <= now || idleLimit <= now || row.u.status !== 'active') {
      throw new AppError(PlatformErrors.SESSION_EXPIRED);
    }
    // Touch at most once a minute: idle expiry needs no finer grain, and reads stay reads.
    if (now - row.s.lastSeenAt.getTime() > 60_000) {
      await this.db.update(sessions).set({ lastSeenAt: new Date(now) }).where(eq(sessions.digest, digest));
    }
    return { principal: principalOf(row.u, digest), mfaPending: !row.s.mfaSatisfied, mustChangePassword: row.u.mustChangePassword };
  }

  private async authenticateMachine(digest: string): Promise<AuthenticatedCaller> {
    const rows = await this.db.select().from(apiTokens).where(eq(apiTokens.digest, digest)).limit(1);
    const t = rows[0];
    if (!t || t.revokedAt || (t.expiresAt && t.expiresAt.getTime() <= Date.now())) throw new AppError(PlatformErrors.INVALID_TOKEN);
    if (!t.lastUsedAt || Date.now() - t.lastUsedAt.getTime() > 60_000) {
      await this.db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, t.id));
    }
    return {
      principal: {
        kind: 'machine', userId: null, tokenId: t.id, username: `token:${t.name}`, displayName: t.name, role: 'machine',
        permissions: new Set(t.permissions as Permission[]), nodeId: t.nodeId, treePath: t.treePath, departmentId: t.departmentId, gridWorkerKind: null, sessionDigest: null,
      },
      mfaPending: false,
      mustChangePassword: false,
    };
  }

  /** MQTT log-in for devices: the password is a machine token carrying devices:ingest. */
  async authenticateDevice(password: string): Promise<Principal | null> {
    if (!password.startsWith('qct_')) return null;
    try {
      const caller = await this.authenticateMachine(sm3Hex(password));
      return caller.principal.permissions.has('devices:ingest') ? caller.principal : null;
    } catch {
      return null;
    }
  }

  async logout(digest: string, ctx: RequestContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.digest, digest));
      await this.audit.record(tx, ctx, { category: 'auth', action: 'auth.logout', entityType: 'user', entityId: ctx.principal?.userId ?? undefined });
    });
  }

  async changePassword(userId: number, current: string, next: string, ctx: RequestContext): Promise<void> {
    const user = await this.getUser(userId);
    if (!user) throw new AppError(AuthErrors.USER_NOT_FOUND);
    if (!(await verifyPassword(current, user.passwordHash))) throw new AppError(AuthErrors.CURRENT_PASSWORD_WRONG, {}, 'currentPassword');
    if (current === next) throw new AppError(AuthErrors.PASSWORD_REUSED, {}, 'newPassword');
    checkPasswordPolicy(next, this.policy, user.username, 'newPassword');
    const hash = await hashPassword(next);
    await this.db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash: hash, passwordChangedAt: new Date(), mustChangePassword: false, updatedAt: new Date() }).where(eq(users.id, userId));
      // Other sessions end: a changed password should lock out whoever else had it.
      await tx.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ctx.principal?.sessionDigest ? sql`${sessions.digest} <> ${ctx.principal.sessionDigest}` : sql`true`));
      await this.audit.record(tx, ctx, { category: 'auth', action: 'auth.password_change', entityType: 'user', entityId: userId });
    });
  }

  /**
   * Step 1 of enrolment: a fresh secret (stored encrypted, not yet in force) and its QR code. When
   * a factor is already on, replacing it needs the password and a current code: a session alone
   * (a borrowed or stolen one) must not be able to switch the second factor off or move it. The
   * factor in force stays in force until the new one is confirmed.
   */
  async startTotp(userId: number, ctx: RequestContext, proof: { password?: string; code?: string } = {}): Promise<{ otpauthUrl: string; qrDataUrl: string; secret: string }> {
    const user = await this.getUser(userId);
    if (!user) throw new AppError(AuthErrors.USER_NOT_FOUND);
    if (user.totpEnabled) await this.assertProof(user, proof, ctx, 'auth.totp_start');
    const secret = new OTPAuth.Secret({ size: 20 });
    const totp = this.totpFor(user, secret.base32);
    await this.db.transaction(async (tx) => {
      await tx.update(users).set({ totpPendingSecretEnc: this.cipher.encrypt(secret.base32) }).where(eq(users.id, userId));
      await this.audit.record(tx, ctx, { category: 'auth', action: 'auth.totp_start', entityType: 'user', entityId: userId, detail: { replacing: user.totpEnabled } });
    });
    const otpauthUrl = totp.toString();
    return { otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl), secret: secret.base32 };
  }

  /** The password and a current code of the factor in force; failures count towards the lockout. */
  private async assertProof(user: UserRow, proof: { password?: string; code?: string }, ctx: RequestContext, action: string): Promise<void> {
    const account = accountKey(user.username);
    const address = addressKey(ctx.ip);
    const deny = async (reason: string, error: AppError) => {
      await this.audit.recordNow(this.db, ctx, { category: 'auth', action, result: 'denied', entityType: 'user', entityId: user.id, detail: { reason } });
      throw error;
    };
    const lock = await this.throttle.lockedUntil(this.db, account, address);
    if (lock) return deny('locked', lockedError(lock));
    if (!proof.password || !proof.code) return deny('proof_missing', new AppError(AuthErrors.MFA_REAUTH_REQUIRED, {}, proof.password ? 'code' : 'password'));
    if (!(await verifyPassword(proof.password, user.passwordHash))) {
      await this.throttle.fail(account, address, user.id);
      return deny('bad_password', new AppError(AuthErrors.CURRENT_PASSWORD_WRONG, {}, 'password'));
    }
    if (!(await this.checkTotp(user, proof.code))) {
      await this.throttle.fail(account, address, user.id);
      return deny('mfa_code_invalid', new AppError(AuthErrors.MFA_CODE_INVALID, {}, 'code'));
    }
  }

  /** Step 2: a correct code from the new secret puts it in force and satisfies the current session. */
  async confirmTotp(userId: number, code: string, ctx: RequestContext): Promise<void> {
    const user = await this.getUser(userId);
    if (!user) throw new AppError(AuthErrors.USER_NOT_FOUND);
    if (!user.totpPendingSecretEnc) throw new AppError(AuthErrors.MFA_NOT_STARTED);
    if (!(await this.checkTotp(user, code, user.totpPendingSecretEnc))) throw new AppError(AuthErrors.MFA_CODE_INVALID, {}, 'code');
    await this.db.transaction(async (tx) => {
      await tx.update(users).set({ totpSecretEnc: user.totpPendingSecretEnc, totpPendingSecretEnc: null, totpEnabled: true }).where(eq(users.id, userId));
      if (ctx.principal?.sessionDigest) await tx.update(sessions).set({ mfaSatisfied: true }).where(eq(sessions.digest, ctx.principal.sessionDigest));
      await this.audit.record(tx, ctx, { category: 'auth', action: 'auth.totp_enabled', entityType: 'user', entityId: userId, detail: { replaced: user.totpEnabled } });
    });
  }

  // ---- administration -------------------------------------------------------------------

  async createUser(input: NewUser, ctx: RequestContext, tx?: Tx): Promise<PublicUser> {
    checkPasswordPolicy(input.password, this.policy, input.username);
    if (!roles.includes(input.role)) throw new AppError(PlatformErrors.VALIDATION_FAILED, { reason: `unknown role ${input.role}` }, 'role');
    const hash = await hashPassword(input.password);
    const run = async (t: Tx) => {
      const taken = await t.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${input.username})`).limit(1);
      if (taken.length) throw new AppError(AuthErrors.USERNAME_TAKEN, { username: input.username }, 'username');
      const [row] = await t
        .insert(users)
        .values({
          username: input.username, displayName: input.displayName, role: input.role, gridWorkerKind: input.role === 'grid_worker' ? (input.gridWorkerKind ?? 'full_time') : null,
          nodeId: input.nodeId, treePath: input.treePath, departmentId: input.departmentId ?? null, passwordHash: hash, mustChangePassword: input.mustChangePassword ?? true,
        })
        .returning();
      await this.audit.record(t, ctx, { category: 'admin', action: 'user.create', entityType: 'user', entityId: row!.id, treePath: input.treePath, detail: { username: input.username, role: input.role } });
      return publicUser(row!);
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  /** Inserts many accounts whose password hash was computed once (demo seeding). */
  async insertHashedUsers(tx: Tx, rows: (Omit<NewUser, 'password'> & { passwordHash: string })[]): Promise<UserRow[]> {
    if (!rows.length) return [];
    return tx
      .insert(users)
      .values(rows.map((r) => ({ ...r, gridWorkerKind: r.role === 'grid_worker' ? (r.gridWorkerKind ?? 'full_time') : null, departmentId: r.departmentId ?? null, mustChangePassword: r.mustChangePassword ?? false })))
      .returning();
  }

  async updateUser(id: number, patch: { displayName?: string; status?: 'active' | 'disabled'; unlock?: boolean; resetPassword?: string }, ctx: RequestContext): Promise<PublicUser> {
    const user = await this.getUser(id);
    if (!user) throw new AppError(AuthErrors.USER_NOT_FOUND);
    const set: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
    if (patch.displayName) set.displayName = patch.displayName;
    if (patch.status) set.status = patch.status;
    if (patch.unlock) Object.assign(set, { lockedUntil: null, failedLogins: 0 });
    if (patch.resetPassword) {
      checkPasswordPolicy(patch.resetPassword, this.policy, user.username, 'resetPassword');
      Object.assign(set, { passwordHash: await hashPassword(patch.resetPassword), mustChangePassword: true, passwordChangedAt: new Date() });
    }
    return this.db.transaction(async (tx) => {
      const [row] = await tx.update(users).set(set).where(eq(users.id, id)).returning();
      if (patch.unlock) await this.throttle.clear(tx, accountKey(user.username));
      if (patch.status === 'disabled' || patch.resetPassword) await tx.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)));
      await this.audit.record(tx, ctx, {
        category: 'admin', action: 'user.update', entityType: 'user', entityId: id, treePath: user.treePath,
        detail: { displayName: patch.displayName, status: patch.status, unlock: patch.unlock, passwordReset: Boolean(patch.resetPassword) },
      });
      return publicUser(row!);
    });
  }

  async setRolePolicy(role: Role, mfaRequired: boolean, ctx: RequestContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .insert(rolePolicies)
        .values({ role, mfaRequired, updatedBy: ctx.principal?.userId ?? null })
        .onConflictDoUpdate({ target: rolePolicies.role, set: { mfaRequired, updatedBy: ctx.principal?.userId ?? null, updatedAt: new Date() } });
      await this.audit.record(tx, ctx, { category: 'admin', action: 'policy.mfa', entityType: 'role', entityId: role, detail: { mfaRequired } });
    });
  }

  async listRolePolicies(): Promise<{ role: Role; mfaRequired: boolean }[]> {
    const rows = await this.db.select().from(rolePolicies);
    return roles.map((role) => ({ role, mfaRequired: rows.find((r) => r.role === role)?.mfaRequired ?? this.config.mfaRequiredRoles.includes(role) }));
  }

  async createApiToken(
    input: { name: string; kind: 'device' | 'platform'; nodeId: number; treePath: string; departmentId?: number | null; permissions: Permission[]; expiresAt?: Date | null },
    ctx: RequestContext,
  ): Promise<{ id: number; token: string }> {
    for (const p of input.permissions) if (!machinePermissions.includes(p)) throw new AppError(AuthErrors.TOKEN_PERMISSION_NOT_ALLOWED, { permission: p }, 'permissions');
    const { token, digest } = newOpaqueToken('qct');
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(apiTokens)
        .values({ name: input.name, kind: input.kind, digest, nodeId: input.nodeId, treePath: input.treePath, departmentId: input.departmentId ?? null, permissions: input.permissions, createdBy: ctx.principal?.userId ?? 0, expiresAt: input.expiresAt ?? null })
        .returning({ id: apiTokens.id });
      await this.audit.record(tx, ctx, { category: 'admin', action: 'token.create', entityType: 'api_token', entityId: row!.id, treePath: input.treePath, detail: { name: input.name, permissions: input.permissions } });
      return { id: row!.id, token };
    });
  }

  async listApiTokens() {
    return this.db
      .select({ id: apiTokens.id, name: apiTokens.name, kind: apiTokens.kind, nodeId: apiTokens.nodeId, permissions: apiTokens.permissions, lastUsedAt: apiTokens.lastUsedAt, expiresAt: apiTokens.expiresAt, revokedAt: apiTokens.revokedAt, createdAt: apiTokens.createdAt })
      .from(apiTokens)
      .orderBy(apiTokens.id);
  }

  async revokeApiToken(id: number, ctx: RequestContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
      await this.audit.record(tx, ctx, { category: 'admin', action: 'token.revoke', entityType: 'api_token', entityId: id });
    });
  }

  /** Active staff accounts under a subtree by role and grid-worker kind (dashboard counts; no personal data). */
  async countUsersUnder(rootPath: string): Promise<{ role: Role; gridWorkerKind: GridWorkerKind | null; n: number }[]> {
    return this.db
      .select({ role: users.role, gridWorkerKind: users.gridWorkerKind, n: sql<number>`count(*)::int` })
      .from(users)
      .where(and(sql`${users.treePath} LIKE ${`${rootPath}%`}`, eq(users.status, 'active')))
      .groupBy(users.role, users.gridWorkerKind);
  }

  /** Sessions of a user that are still alive (for "log out everywhere"). */
  async activeSessions(userId: number) {
    return this.db.select({ createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, ip: sessions.ip, userAgent: sessions.userAgent }).from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())));
  }
}
