// The building blocks every module's schemas.ts is made of. A module's TypeBox schemas are its
// one contract: they validate requests, type the service (`Static<typeof X>`), shape responses,
// and become the OpenAPI document the web's typed client is generated from.
import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';

/** An object schema that refuses unknown fields (bodies and query strings are never silently trimmed). */
export function StrictObject<T extends TProperties>(props: T, opts: { description?: string; $id?: string; title?: string } = {}): TObject<T> {
  return Type.Object(props, { additionalProperties: false, ...opts });
}

/** `T | null`: a value the record may lack, sent as null rather than left out. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A string from a fixed list, typed as the union of its values (OpenAPI shows an enum). */
export const StringEnum = <const T extends readonly string[]>(values: T, opts: { description?: string; default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });

/** A calendar date, YYYY-MM-DD (China time where it matters, see platform/dates.ts). */
export const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

/** A moment, ISO 8601 with offset. */
export const DateTime = Type.String({ format: 'date-time' });

/** Database ids: positive integers within JavaScript's safe range. */
export const Id = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });

export const IdParam = StrictObject({ id: Id });

export const Paging = StrictObject({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
});

/** One page of a list, with the total the filter matches. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
}

/**
 * A staff member as answers name them (who viewed, visited, changed): display name, role and
 * unit, never the log-in name (which is half of a credential).
 */
export const PersonOut = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String({ description: 'Display name of the account' }),
    role: Type.String({ description: 'Role code (community_worker, grid_worker, department_staff …)' }),
    unit: Type.Union([Type.String(), Type.Null()], { description: 'The department for department staff, else the division or grid the account belongs to' }),
  },
  { description: 'A staff member: name, role and unit' },
);
export type Person = Static<typeof PersonOut>;
