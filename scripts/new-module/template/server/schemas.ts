// The __title__ module's contract: every shape its routes take and give. The service takes and
// returns these types; the web's client is generated from them (`npm run gen:api`).
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Id, Nullable, Page, Paging, StrictObject } from '../../platform/schemas.js';

export const __Name__Out = Type.Object({
  id: Type.Integer(),
  nodeId: Type.Integer(),
  title: Type.String(),
  note: Nullable(Type.String()),
  createdAt: DateTime,
});
export type __Name__Out = Static<typeof __Name__Out>;

export const New__Name__In = StrictObject({
  nodeId: Id,
  title: Type.String({ minLength: 1, maxLength: 200 }),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type New__Name__In = Static<typeof New__Name__In>;

export const __Name__Query = StrictObject({ ...Paging.properties, q: Type.Optional(Type.String({ maxLength: 100 })) });
export type __Name__Query = Static<typeof __Name__Query>;

export const __Name__Page = Page(__Name__Out);
export type __Name__Page = Static<typeof __Name__Page>;
