// The registry's contract (基础数据): every shape its routes take and give. The services take and
// return these types, the routes validate and serialise with them, and the web's client is
// generated from the OpenAPI document they produce. Record bodies and answers are built from the
// field catalogue (fields.ts), so a field added there is a field of the API.
import { Type, type Static, type TObject, type TOptional, type TProperties, type TSchema } from '@sinclair/typebox';
import { DateString, Nullable, PersonOut, StrictObject, StringEnum } from '../../platform/schemas.js';
import { codeTables } from './codes.js';
import { fieldsOf, type FieldDef } from './fields.js';
import { recordKinds, type RecordKind } from './tables.js';

export const Reason = Type.String({ minLength: 2, maxLength: 500, description: 'Why (recorded in the history and the audit log)' });
const OptionalReason = Type.Optional(Type.String({ maxLength: 500 }));

// ---- records, built from the field catalogue -------------------------------------------------

function inputType(def: FieldDef): TSchema {
  switch (def.type) {
    case 'integer':
    case 'reference':
      return Nullable(Type.Integer({ minimum: 0, description: def.zh }));
    case 'number':
      return Nullable(Type.Number({ description: def.zh }));
    case 'date':
      return Nullable(Type.String({ maxLength: 20, description: `${def.zh} (YYYY-MM-DD)` }));
    case 'code':
      return Nullable(Type.String({ maxLength: 40, description: `${def.zh}: ${Object.entries(def.codes ?? {}).slice(0, 12).map(([k, v]) => `${k}=${v.zh}`).join(', ')}` }));
    default:
      return Nullable(Type.String({ maxLength: (def.maxLength ?? 200) + 20, description: def.zh }));
  }
}

/** The catalogue's writable fields of a kind, each optional and nullable. */
export type FieldValues = { [field: string]: unknown };

/**
 * Writable fields of a kind as an optional-properties body schema, with the route's own
 * properties (placement, version, reason); unknown fields are refused. The catalogue's fields are
 * typed as a map of values (fields.ts checks each against its definition on write).
 */
function fieldsBody<E extends TProperties>(kind: RecordKind, extra: E) {
  const props: Record<string, TOptional<TSchema>> = {};
  for (const def of fieldsOf(kind)) if (!def.system && !def.derived) props[def.key] = Type.Optional(inputType(def));
  return Type.Unsafe<FieldValues & Static<TObject<E>>>(StrictObject({ ...props, ...extra }));
}

const recordBase = {
  id: Type.Integer(),
  kind: Type.String(),
  version: Type.Integer({ description: 'Send back on update: a stale version is refused (409)' }),
  treePath: Type.String(),
  updatedAt: Type.String(),
  maskedFields: Type.Array(Type.String(), { description: 'Fields shown masked; reveal one with the unmask action' }),
};

function recordOut(kind: RecordKind, extra: TProperties = {}): TObject {
  const props: TProperties = { ...recordBase, ...extra };
  for (const def of fieldsOf(kind)) props[def.key] = Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Null()], { description: def.zh }));
  if (kind === 'resident') props.age = Type.Optional(Type.Integer());
  return Type.Object(props, { additionalProperties: true });
}

/** Any record as the store gives it: the common columns, and the kind's fields the caller may read. */
export const AnyRecordOut = Type.Object(recordBase, { additionalProperties: true, description: 'A record: its common columns and the fields of its kind the caller may read (see the catalogue)' });

export const otherKinds = recordKinds.filter((k): k is Exclude<RecordKind, 'resident'> => k !== 'resident');
export type OtherKind = (typeof otherKinds)[number];

export const KindParam = StrictObject({ kind: StringEnum(otherKinds) });
export const KindIdParam = StrictObject({ kind: StringEnum(otherKinds), id: Type.Integer({ minimum: 1 }) });

export const LabelOut = Type.Object({ code: Type.String(), since: Type.String(), until: Nullable(Type.String()), attributes: Type.Optional(Type.Unknown()) });
export const HouseholdRefOut = Type.Object(
  { id: Type.Integer(), householdNo: Type.String({ description: '户号' }), headName: Type.Union([Type.String(), Type.Null()], { description: 'The head of household’s name (户主)' }) },
  { description: 'The household, named as people know it (for callers granted the link but not the household record)' },
);
export type HouseholdRef = Static<typeof HouseholdRefOut>;
export const HouseRefOut = Type.Object({ id: Type.Integer(), address: Type.String() }, { description: 'The house, by its address (for callers granted the link but not the house record)' });
export type HouseRef = Static<typeof HouseRefOut>;
export const ResidentOut = recordOut('resident', { labels: Type.Optional(Type.Array(LabelOut)), gridName: Type.Optional(Type.String()), householdRef: Type.Optional(HouseholdRefOut), houseRef: Type.Optional(HouseRefOut) });

export const RecordOuts = Object.fromEntries(otherKinds.map((k) => [k, recordOut(k)])) as Record<OtherKind, TObject>;

export const Written = Type.Object({ version: Type.Integer(), changed: Type.Array(Type.String()) });
export type Written = Static<typeof Written>;
export const VersionOut = Type.Object({ version: Type.Integer() });

export const ResidentCreateIn = fieldsBody('resident', { gridId: Type.Integer({ minimum: 1 }), reason: OptionalReason });
export const ResidentPatchIn = fieldsBody('resident', { version: Type.Integer({ minimum: 1 }), reason: OptionalReason });
type CreateBody = ReturnType<typeof fieldsBody<{ reason: typeof OptionalReason }>>;
/** Create bodies of the other kinds: a facility hangs on a node (the community itself, or a grid), the rest on a grid. */
export const RecordCreateIns = Object.fromEntries(
  otherKinds.map((k): [OtherKind, CreateBody] => [k, fieldsBody(k, { ...(k === 'facility' ? { nodeId: Type.Integer({ minimum: 1 }) } : { gridId: Type.Integer({ minimum: 1 }) }), reason: OptionalReason })]),
) as Record<OtherKind, CreateBody>;
export const RecordPatchIns = Object.fromEntries(otherKinds.map((k): [OtherKind, typeof ResidentPatchIn] => [k, fieldsBody(k, { version: Type.Integer({ minimum: 1 }), reason: OptionalReason })])) as Record<OtherKind, typeof ResidentPatchIn>;

export type RecordCreateIn = Static<typeof ResidentCreateIn> | Static<CreateBody>;
export type RecordPatchIn = Static<typeof ResidentPatchIn>;

export const ResidentStatusIn = StrictObject({ status: StringEnum(['active', 'moved_out', 'deceased', 'deleted'] as const), version: Type.Integer({ minimum: 1 }), reason: Reason });
export const RecordStatusIn = StrictObject({ status: StringEnum(['active', 'closed', 'deleted'] as const), version: Type.Integer({ minimum: 1 }), reason: Reason });
export type StatusIn = { status: string; version: number; reason: string };
export const MoveIn = StrictObject({ gridId: Type.Integer({ minimum: 1 }), version: Type.Integer({ minimum: 1 }), reason: Reason });
export type MoveIn = Static<typeof MoveIn>;

export const HistoryOut = Type.Array(
  Type.Object({
    version: Type.Integer(),
    operation: Type.String(),
    changedFields: Type.Array(Type.String()),
    source: Type.String(),
    reason: Nullable(Type.String()),
    changedBy: Type.Union([Type.String(), Type.Null()], { description: 'The display name at the time of the change' }),
    by: Type.Union([PersonOut, Type.Null()], { description: 'Who changed it, as the account is now (name, role, unit); null for the system and imports without an account' }),
    changedAt: Type.String(),
  }),
);
export type HistoryOut = Static<typeof HistoryOut>;

// ---- the catalogue ----------------------------------------------------------------------------

const CodeName = Type.Object({ zh: Type.String(), en: Type.String() });
export const CatalogueOut = Type.Object({
  kinds: Type.Record(
    Type.String(),
    Type.Array(
      Type.Object({
        key: Type.String(), zh: Type.String(), en: Type.String(), type: Type.String(), personal: Type.Boolean(), secret: Nullable(Type.String()), required: Type.Boolean(), system: Type.Boolean(),
        codes: Type.Optional(Type.Record(Type.String(), CodeName)),
      }),
    ),
  ),
  codeTables: Type.Record(Type.String(), Type.Record(Type.String(), CodeName)),
});
export type CatalogueOut = Static<typeof CatalogueOut>;

// ---- lists ------------------------------------------------------------------------------------

const statusFilter = Type.Optional(Type.Array(StringEnum(['active', 'moved_out', 'deceased', 'closed'] as const), { maxItems: 4 }));
const placeFilters = {
  nodeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Limit to the subtree of this node' })),
  gridId: Type.Optional(Type.Integer({ minimum: 1 })),
  status: statusFilter,
};
const listPaging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
};

export const ListOut = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    totalCapped: Type.Boolean({ description: 'The total is a lower bound: rows were counted only as far as twenty pages past this one (at least 1,000); page on and the count goes further' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

const residentFilters = {
  labels: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
  labelMatch: Type.Optional(StringEnum(['any', 'all'] as const)),
  sex: Type.Optional(StringEnum(['0', '1', '2', '9'] as const)),
  ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  residenceStatus: Type.Optional(StringEnum(Object.keys(codeTables.residenceStatus))),
  householdId: Type.Optional(Type.Integer({ minimum: 1 })),
  stale: Type.Optional(Type.Boolean({ description: 'Only records with an overdue review' })),
};

export const ResidentListQuery = StrictObject({
  ...placeFilters,
  ...listPaging,
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Name prefix (no digits: numbers go to POST /api/residents/search)' })),
  ...residentFilters,
});
export type ResidentListQuery = Static<typeof ResidentListQuery>;

/** What a resident list is filtered by: the list query (a name prefix, or in a body a number). */
export type ResidentFilter = Omit<ResidentListQuery, 'sex' | 'residenceStatus' | 'status'> & { sex?: string; residenceStatus?: string; status?: string[] };

export const ResidentSearchIn = StrictObject({
  q: Type.String({ minLength: 1, maxLength: 40, description: 'A whole ID number / document number / phone, its last four characters (身份证或手机后四位), or a name prefix' }),
  ...placeFilters,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  ...residentFilters,
});
export type ResidentSearchIn = Static<typeof ResidentSearchIn>;

export const ResidentListOut = ListOut(ResidentOut);

export const RecordListQuery = StrictObject({ ...placeFilters, ...listPaging, q: Type.Optional(Type.String({ maxLength: 40 })), buildingId: Type.Optional(Type.Integer({ minimum: 1 })) });
export type RecordListQuery = Static<typeof RecordListQuery>;
export const RecordListOut = ListOut(AnyRecordOut);

// ---- the resident card ------------------------------------------------------------------------

export const ReviewOut = Type.Object({
  policyId: Type.Integer(),
  name: Type.Optional(Type.String()),
  owner: Type.String({ description: 'community, or the department code that keeps the group' }),
  reviewedAt: Type.String(),
  dueAt: Type.String(),
  overdue: Type.Boolean(),
});
export const VisitOut = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  visitedAt: Type.String({ format: 'date-time' }),
  notes: Nullable(Type.String()),
  confirmedPolicies: Type.Array(Type.Integer(), { description: 'Review items the visit confirmed (empty: a visit that confirmed nothing)' }),
  visitorId: Type.Integer(),
  visitor: Type.Union([PersonOut, Type.Null()], { description: 'Who visited: name, role and unit' }),
});

export const CardLabelOut = Type.Object({
  code: Type.String(),
  name: Type.Optional(Type.String({ description: 'The label kind’s name in the caller’s language' })),
  since: Type.String(),
  until: Nullable(Type.String()),
  attributes: Type.Unknown(),
  active: Type.Boolean(),
});
export const CardHouseholdOut = Type.Object({
  id: Type.Integer(),
  householdNo: Type.String(),
  members: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), relationToHead: Nullable(Type.String()), age: Nullable(Type.Integer()) })),
});
export const CardHouseOut = Type.Object({ id: Type.Integer(), building: Type.String(), unitNo: Nullable(Type.String()), roomNo: Type.String(), address: Type.String(), fullAddress: Type.String() });
export const AddressStatus = StringEnum(['agrees', 'mismatch', 'house_only', 'text_only', 'none'] as const);
export const ResidentAddressOut = Type.Object(
  {
    status: AddressStatus,
    text: Nullable(Type.String({ description: 'The free text as entered' })),
    house: Nullable(Type.String({ description: 'The linked house’s address, derived from building and room' })),
    address: Nullable(Type.String({ description: 'What may be printed' })),
    reviewedAt: Nullable(Type.String()),
    dueAt: Nullable(Type.String()),
    overdue: Type.Boolean(),
  },
  { description: 'Where the resident lives: the linked house’s address, the free text, whether they agree (agrees, mismatch, house_only, text_only, none), and the review of the address' },
);
export type ResidentAddress = Static<typeof ResidentAddressOut>;

export const CardOut = Type.Object({
  resident: ResidentOut,
  labels: Type.Array(CardLabelOut),
  household: Nullable(CardHouseholdOut),
  house: Nullable(CardHouseOut),
  address: Nullable(ResidentAddressOut),
  visits: Type.Array(VisitOut, { description: 'Recent visits (community staff only: no grant covers them)' }),
  reviews: Type.Array(ReviewOut),
  place: Type.Array(Type.String()),
});

export const CardQuery = StrictObject({ reason: Type.Optional(Type.String({ maxLength: 500 })) });
export const AsOfQuery = StrictObject({ date: DateString });

export const UnmaskIn = StrictObject({ field: StringEnum(['idNumber', 'phone'] as const), reason: Reason });
export const UnmaskOut = Type.Object({ field: Type.String(), value: Nullable(Type.String()) });

export const TrailOut = Type.Object({
  items: Type.Array(
    Type.Object({
      at: Type.String(),
      actor: Type.String({ description: 'Who: the account’s display name' }),
      role: Type.String({ description: 'Role code at the time' }),
      unit: Type.Union([Type.String(), Type.Null()], { description: 'Their department, else the division or grid of their account' }),
      department: Nullable(Type.String()),
      action: Type.String(),
      reason: Nullable(Type.String()),
      result: Type.String(),
    }),
  ),
  total: Type.Integer(),
});
export type TrailOut = Static<typeof TrailOut>;

export const NodeFilterQuery = StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1 })) });
export const DuplicatesOut = Type.Array(Type.Object({ keepId: Type.Integer(), dropId: Type.Integer(), name: Type.String(), birthDate: Type.String(), reason: Type.String() }));
export type DuplicatesOut = Static<typeof DuplicatesOut>;
export const MergeIn = StrictObject({ keepId: Type.Integer({ minimum: 1 }), dropId: Type.Integer({ minimum: 1 }), reason: Reason });
export const MergeOut = Type.Object({ keepId: Type.Integer(), dropId: Type.Integer(), filled: Type.Array(Type.String()) });
export type MergeOut = Static<typeof MergeOut>;

export const LookupIn = StrictObject({ idNumber: Type.Optional(Type.String({ maxLength: 32 })), name: Type.Optional(Type.String({ maxLength: 40 })), reason: Reason });
export type LookupIn = Static<typeof LookupIn>;
export const LookupOut = Type.Array(ResidentOut);

// ---- labels on a resident -----------------------------------------------------------------------

export const ResidentLabelParams = StrictObject({ id: Type.Integer({ minimum: 1 }), code: Type.String({ maxLength: 32 }) });
const Attributes = Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), { description: 'Label attributes (numbers stay numbers)' });
export const SetLabelIn = StrictObject({ since: DateString, until: Type.Optional(Type.Union([DateString, Type.Null()])), attributes: Type.Optional(Attributes), reason: OptionalReason });
export type SetLabelIn = Static<typeof SetLabelIn>;
export const SetLabelOut = Type.Object({
  ...LabelOut.properties,
  warnings: Type.Array(Type.String(), { description: 'What the label kind’s plausibility rules say of this person (age, sex): the label is written; someone should check' }),
});
export const EndLabelQuery = StrictObject({ until: Type.Optional(DateString), reason: OptionalReason });

// ---- label kinds and field policies ---------------------------------------------------------------

const ownerCodes = ['community', ...Object.keys(codeTables.department)];
export const Rules = Type.Object(
  {
    ageMin: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 150 }), Type.Null()], { description: 'Youngest age (whole years, inclusive) the label usually fits' })),
    ageMax: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 150 }), Type.Null()], { description: 'Oldest age (inclusive): 15 for "under 16"' })),
    sex: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2'), Type.Null()], { description: '1 male, 2 female' })),
  },
  { additionalProperties: false, description: 'Plausibility rules: a label write that breaks one is kept with a warning (import rows, the label write’s answer)' },
);
export const LabelKindOut = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), appliesTo: Type.String(), owner: Type.String(), reviewDays: Type.Integer(),
  attributeSchema: Type.Unknown(), rules: Rules, sensitive: Type.Boolean(), active: Type.Boolean(), sortOrder: Type.Integer(),
});
export const LabelKindsOut = Type.Array(LabelKindOut);
export const LabelKindIn = StrictObject({
  code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,31}$' }),
  nameZh: Type.String({ minLength: 1, maxLength: 40 }),
  nameEn: Type.String({ minLength: 1, maxLength: 80 }),
  owner: StringEnum(ownerCodes),
  reviewDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  appliesTo: Type.Optional(StringEnum(['resident', 'household'] as const)),
  rules: Type.Optional(Rules),
});
export type LabelKindIn = Static<typeof LabelKindIn>;
export const LabelCodeParam = StrictObject({ code: Type.String({ maxLength: 32 }) });
export const LabelKindPatch = StrictObject({
  nameZh: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  owner: Type.Optional(StringEnum(ownerCodes)),
  reviewDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  active: Type.Optional(Type.Boolean()),
  rules: Type.Optional(Rules),
});
export type LabelKindPatch = Static<typeof LabelKindPatch>;

export const PolicyOut = Type.Object({
  id: Type.Integer(), recordKind: Type.String(), fieldGroup: Type.String(), fields: Type.Array(Type.String()), labelCode: Nullable(Type.String()),
  owner: Type.String(), reviewDays: Type.Integer(), nameZh: Type.String(), nameEn: Type.String(),
});
export const PoliciesOut = Type.Array(PolicyOut);
export const PolicyPatch = StrictObject({ reviewDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })), owner: Type.Optional(StringEnum(ownerCodes)) });
export type PolicyPatch = Static<typeof PolicyPatch>;

// ---- visits and the to-do list --------------------------------------------------------------------

export const VisitIn = StrictObject({
  residentId: Type.Optional(Type.Integer({ minimum: 1 })),
  householdId: Type.Optional(Type.Integer({ minimum: 1 })),
  kind: StringEnum(Object.keys(codeTables.visitKind)),
  notes: Type.Optional(Type.String({ maxLength: 2000 })),
  visitedAt: Type.Optional(Type.String({ format: 'date-time' })),
  confirm: Type.Boolean({ default: false, description: 'The visitor checked the record in person: its community-kept review items (and its household’s) restart their clocks. Never implied: omitted means false' }),
});
export type VisitIn = Static<typeof VisitIn>;
export const VisitWritten = Type.Object({ id: Type.Integer(), visitedAt: Type.String(), confirmedPolicies: Type.Array(Type.Integer()) });
export type VisitWritten = Static<typeof VisitWritten>;

export const StaleQuery = StrictObject({
  nodeId: Type.Optional(Type.Integer({ minimum: 1 })),
  gridId: Type.Optional(Type.Integer({ minimum: 1 })),
  kind: Type.Optional(StringEnum(recordKinds)),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type StaleQuery = Static<typeof StaleQuery>;
export const StaleOut = Type.Object({
  items: Type.Array(
    Type.Object({
      recordKind: Type.String(), recordId: Type.Integer(), label: Type.String(), policyId: Type.Integer(), policyName: Type.String(), fields: Type.Array(Type.String()),
      gridId: Type.Integer(), gridName: Type.String(), reviewedAt: Type.String(), dueAt: Type.String(), daysOverdue: Type.Integer(),
      problem: Type.Optional(StringEnum(['address_mismatch'] as const, { description: 'Not a review: the free-text address contradicts the linked house' })),
    }),
  ),
  total: Type.Integer(),
  addressMismatches: Type.Integer({ description: 'How many of the items are address mismatches (listed first)' }),
});
export type StaleOut = Static<typeof StaleOut>;
export const StaleCountsOut = Type.Object({ overdue: Type.Integer(), dueIn7Days: Type.Integer(), records: Type.Integer() });
export type StaleCounts = Static<typeof StaleCountsOut>;
export const ConfirmedOut = Type.Object({ confirmedPolicies: Type.Array(Type.Integer()) });

// ---- department grants ------------------------------------------------------------------------------

export const GrantOut = Type.Object({
  id: Type.Integer(), departmentId: Type.Integer(), recordKind: Type.String(), readFields: Type.Array(Type.String()), writeFields: Type.Array(Type.String()),
  unmaskedFields: Type.Array(Type.String()), labels: Type.Array(Type.String()), nodeId: Type.Integer(), purpose: Type.String(), validFrom: Type.String(),
  validTo: Nullable(Type.String()), revokedAt: Nullable(Type.String()),
});
export type GrantOut = Static<typeof GrantOut>;
export const GrantsOut = Type.Array(GrantOut);
export const GrantListQuery = StrictObject({ departmentId: Type.Optional(Type.Integer({ minimum: 1 })), includeRevoked: Type.Optional(Type.Boolean()) });
export type GrantListQuery = Static<typeof GrantListQuery>;
export const GrantIn = StrictObject({
  departmentId: Type.Integer({ minimum: 1 }),
  recordKind: StringEnum(recordKinds),
  readFields: Type.Array(Type.String({ maxLength: 48 }), { minItems: 1, maxItems: 60, uniqueItems: true }),
  writeFields: Type.Optional(Type.Array(Type.String({ maxLength: 48 }), { maxItems: 60, uniqueItems: true })),
  unmaskedFields: Type.Optional(Type.Array(StringEnum(['idNumber', 'phone'] as const), { uniqueItems: true })),
  labels: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20, uniqueItems: true })),
  nodeId: Type.Integer({ minimum: 1 }),
  purpose: Type.String({ minLength: 4, maxLength: 500 }),
  validFrom: Type.Optional(DateString),
  validTo: Type.Optional(DateString),
});
export type GrantIn = Static<typeof GrantIn>;

// ---- label proposals (标签提议) -------------------------------------------------------------------

export const proposalStatuses = ['pending', 'confirmed', 'rejected', 'withdrawn'] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];

export const ProposalEvidence = Type.Object(
  { importId: Type.Optional(Type.Integer()), fileName: Type.Optional(Type.String()), rowNo: Type.Optional(Type.Integer()), column: Type.Optional(Type.String()), text: Type.Optional(Type.String()) },
  { description: 'Where the community’s knowledge comes from' },
);

export const ProposalOut = Type.Object(
  {
    id: Type.Integer(),
    status: Type.String({ description: 'pending, confirmed, rejected, withdrawn' }),
    statusName: Type.String(),
    label: Type.Object({ code: Type.String(), name: Type.String() }),
    owner: Type.String({ description: 'The department code that keeps the label' }),
    ownerName: Type.String(),
    resident: Type.Object({ id: Type.Integer() }, { additionalProperties: true, description: 'The person as the caller may see them: a department sees what its grant writing this label may read, masked as the grant says' }),
    place: Type.String({ description: 'Community / grid' }),
    source: Type.String({ description: 'import (a register row) or manual (the resident card)' }),
    evidence: ProposalEvidence,
    note: Nullable(Type.String()),
    since: Nullable(Type.String()),
    proposedBy: Type.String(),
    proposedAt: Type.String(),
    decidedBy: Nullable(Type.String()),
    decidedAt: Nullable(Type.String()),
    decisionReason: Nullable(Type.String()),
    warnings: Type.Array(Type.String(), { description: 'What the label’s plausibility rules say of the person' }),
  },
  { $id: 'LabelProposal' },
);
export type ProposalOut = Static<typeof ProposalOut>;
export const ProposalRef = Type.Ref(ProposalOut);

export const ProposalListQuery = StrictObject({
  status: Type.Optional(StringEnum(proposalStatuses)),
  residentId: Type.Optional(Type.Integer({ minimum: 1 })),
  code: Type.Optional(Type.String({ maxLength: 32 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type ProposalListQuery = Static<typeof ProposalListQuery>;
export const ProposalListOut = Type.Object({ items: Type.Array(ProposalRef), total: Type.Integer() });
export const ProposalCountsOut = Type.Record(Type.String(), Type.Integer());
export const ProposeIn = StrictObject({
  residentId: Type.Integer({ minimum: 1 }),
  code: Type.String({ maxLength: 32 }),
  note: Type.String({ minLength: 2, maxLength: 500, description: 'What the community knows and how' }),
  since: Type.Optional(DateString),
});
export type ProposeIn = Static<typeof ProposeIn>;
export const ConfirmProposalIn = StrictObject({ reason: OptionalReason, since: Type.Optional(DateString), attributes: Type.Optional(Attributes) });
export type ConfirmProposalIn = Static<typeof ConfirmProposalIn>;
export const ConfirmProposalOut = Type.Object({ proposal: ProposalRef, warnings: Type.Array(Type.String()) });
export const RejectProposalIn = StrictObject({ reason: Type.String({ minLength: 2, maxLength: 500 }) });
export const WithdrawProposalIn = StrictObject({ reason: OptionalReason });

