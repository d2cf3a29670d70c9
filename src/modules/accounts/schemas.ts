// The accounts contract (账号管理): every shape its routes take and give. The service takes and
// returns these types, the routes validate and serialise with them, and the web's client is
// generated from the OpenAPI document they produce.
import { Type, type Static } from '@sinclair/typebox';
import { gridWorkerKinds, machinePermissions, roles } from '../../platform/auth/roles.js';
import { Nullable, Page, StrictObject, StringEnum } from '../../platform/schemas.js';

export const RoleOut = Type.Object({ role: StringEnum(roles), zh: Type.String(), en: Type.String(), permissions: Type.Array(Type.String()) });
export type RoleOut = Static<typeof RoleOut>;

export const UserOut = Type.Object({
  id: Type.Integer(), username: Type.String(), displayName: Type.String(), role: StringEnum(roles), gridWorkerKind: Type.Union([Type.String(), Type.Null()]),
  nodeId: Type.Integer(), departmentId: Type.Union([Type.Integer(), Type.Null()]), status: StringEnum(['active', 'disabled'] as const), totpEnabled: Type.Boolean(), mustChangePassword: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]), lockedUntil: Type.Union([Type.String(), Type.Null()]), nodeName: Type.Optional(Type.String()),
});
export type UserOut = Static<typeof UserOut>;

export const UserQuery = StrictObject({
  nodeId: Type.Optional(Type.Integer({ minimum: 1 })), role: Type.Optional(StringEnum(roles)), q: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type UserQuery = Static<typeof UserQuery>;
export const UserPage = Page(UserOut);
export type UserPage = Static<typeof UserPage>;

export const NewUserIn = StrictObject({
  username: Type.String({ pattern: '^[A-Za-z0-9_.-]{3,64}$' }), displayName: Type.String({ minLength: 1, maxLength: 40 }), role: StringEnum(roles),
  gridWorkerKind: Type.Optional(StringEnum(gridWorkerKinds)), nodeId: Type.Integer({ minimum: 1 }), departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why (for accounts that need approval)' })),
});
export type NewUserIn = Static<typeof NewUserIn>;
/** An account as it is made (by the administrator, or by the approver with a generated password). */
export type NewAccount = Omit<NewUserIn, 'password' | 'reason'> & { password: string };

export const UserPatchIn = StrictObject({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), status: Type.Optional(StringEnum(['active', 'disabled'] as const)), unlock: Type.Optional(Type.Boolean()),
  resetPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  requestPasswordReset: Type.Optional(Type.Boolean({ description: 'Ask the approver to reset the password (accounts that need approval)' })),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});
export type UserPatchIn = Static<typeof UserPatchIn>;

export const RolePolicyOut = Type.Object({ role: StringEnum(roles), mfaRequired: Type.Boolean() });
export type RolePolicyOut = Static<typeof RolePolicyOut>;
export const RoleParam = StrictObject({ role: StringEnum(roles) });
export const RolePolicyIn = StrictObject({ mfaRequired: Type.Boolean() });

export const TokenOut = Type.Object({
  id: Type.Integer(), name: Type.String(), kind: Type.String(), nodeId: Type.Integer(), permissions: Type.Array(Type.String()), lastUsedAt: Nullable(Type.String()), expiresAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()), createdAt: Type.String(),
});
export type TokenOut = Static<typeof TokenOut>;

export const NewTokenIn = StrictObject({
  name: Type.String({ minLength: 2, maxLength: 80 }), kind: StringEnum(['device', 'platform'] as const), nodeId: Type.Integer({ minimum: 1 }), departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
  permissions: Type.Array(StringEnum(machinePermissions), { minItems: 1, uniqueItems: true }), expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why (for tokens that need approval)' })),
});
export type NewTokenIn = Static<typeof NewTokenIn>;

export const TokenCreated = Type.Object({ id: Type.Integer(), token: Type.String() });
export type TokenCreated = Static<typeof TokenCreated>;
