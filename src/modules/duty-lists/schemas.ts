// The duty lists' contract (权责清单): every shape its routes take and give. The services take
// and return these types; the web's client is generated from them (`npm run gen:api`).
import { Type, type Static } from '@sinclair/typebox';
import { DateString, DateTime, Id, Nullable, PersonOut, StrictObject, StringEnum } from '../../platform/schemas.js';
import { admissionStatuses, handbackReasons, handbackStatuses, listKinds } from './tables.js';

export const ListKindS = StringEnum(listKinds, { description: 'basic 基本履职事项, cooperative 配合履职事项, taken_back 上级部门收回事项' });

const text = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });
const optText = (max: number, description?: string) => Type.Optional(Nullable(text(max, description)));

/** The fields of an item as a person enters them. */
const itemFieldsIn = {
  name: Type.String({ minLength: 1, maxLength: 200, description: '事项名称' }),
  category: optText(60, '事项类别'),
  basis: optText(4000, '法律政策依据'),
  carrier: optText(200, '责任主体 (the body that carries it)'),
  departmentId: Type.Optional(Nullable(Id)),
  departmentName: optText(100, '对应上级部门, as the list names it; filled from departmentId when that is given'),
  cooperation: optText(4000, '配合内容 (what the township does to cooperate)'),
  communityInvolved: Type.Optional(Type.Boolean({ description: '社区是否参与' })),
};

const Reason = Type.String({ minLength: 2, maxLength: 1000, description: 'Why the lists change (kept with the version)' });

export const DutyItemOut = Type.Object({
  id: Type.Integer(),
  townshipId: Type.Integer(),
  listKind: ListKindS,
  seq: Type.Integer({ description: '序号 within its list' }),
  name: Type.String(),
  category: Nullable(Type.String()),
  basis: Nullable(Type.String()),
  carrier: Nullable(Type.String()),
  departmentId: Nullable(Type.Integer()),
  departmentName: Nullable(Type.String()),
  cooperation: Nullable(Type.String()),
  communityInvolved: Type.Boolean(),
  catalogueItemId: Nullable(Type.Integer()),
  /** Adopted from the catalogue and then adjusted (some field differs from the catalogue item). */
  adjusted: Type.Boolean({ description: 'Adopted from the catalogue and adjusted since' }),
  source: Type.String({ description: 'catalogue, manual, import, admission' }),
  admissionId: Nullable(Type.Integer()),
  addedInVersion: Type.Integer(),
});
export type DutyItemOut = Static<typeof DutyItemOut>;

const Counts = Type.Object({ basic: Type.Integer(), cooperative: Type.Integer(), takenBack: Type.Integer() });

export const TownshipRef = Type.Object({ id: Type.Integer(), name: Type.String(), code: Type.String(), trail: Type.Array(Type.String()) });

export const TownshipLists = Type.Object({
  township: TownshipRef,
  version: Type.Integer({ description: 'Current version number (0: no list yet)' }),
  versionDate: Nullable(DateTime),
  counts: Counts,
  items: Type.Array(DutyItemOut),
  canManage: Type.Boolean(),
});
export type TownshipLists = Static<typeof TownshipLists>;

export const ListQuery = StrictObject({
  listKind: Type.Optional(ListKindS),
  q: Type.Optional(Type.String({ maxLength: 100 })),
});
export type ListQuery = Static<typeof ListQuery>;

export const Overview = Type.Object({
  townships: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), districtName: Nullable(Type.String()), version: Type.Integer(), updatedAt: Nullable(DateTime), ...Counts.properties })),
  average: Type.Object({ basic: Type.Number(), cooperative: Type.Number(), takenBack: Type.Number(), townships: Type.Integer({ description: 'Townships with lists, the averages are over these' }) }),
  withoutLists: Type.Integer({ description: 'Townships in the scope that keep no list yet' }),
});
export type Overview = Static<typeof Overview>;

export const NewItemIn = StrictObject({ listKind: ListKindS, ...itemFieldsIn, reason: Reason, expectedVersion: Type.Optional(Type.Integer({ minimum: 0 })) });
export type NewItemIn = Static<typeof NewItemIn>;

export const ItemPatchIn = StrictObject({
  ...itemFieldsIn,
  name: Type.Optional(itemFieldsIn.name),
  reason: Reason,
  expectedVersion: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type ItemPatchIn = Static<typeof ItemPatchIn>;

export const MoveIn = StrictObject({ listKind: ListKindS, reason: Reason, expectedVersion: Type.Optional(Type.Integer({ minimum: 0 })) });
export type MoveIn = Static<typeof MoveIn>;

export const RemoveIn = StrictObject({ reason: Reason, expectedVersion: Type.Optional(Type.Integer({ minimum: 0 })) });
export type RemoveIn = Static<typeof RemoveIn>;

export const AdoptIn = StrictObject({
  catalogueItemIds: Type.Optional(Type.Array(Id, { maxItems: 2000, uniqueItems: true, description: 'Left out: every active catalogue item not yet on the lists' })),
  reason: Reason,
});
export type AdoptIn = Static<typeof AdoptIn>;

export const ChangeOut = Type.Object({
  version: Type.Integer(),
  item: Nullable(DutyItemOut),
  added: Type.Integer(),
  removed: Type.Integer(),
  changed: Type.Integer(),
});
export type ChangeOut = Static<typeof ChangeOut>;

export const VersionOut = Type.Object({
  versionNo: Type.Integer(),
  kind: Type.String({ description: 'adopt, add, update, remove, move, import, admission, handback' }),
  reason: Type.String(),
  effectiveDate: DateString,
  createdAt: DateTime,
  createdBy: Nullable(PersonOut),
  createdByName: Type.String(),
  summary: Type.Object({ added: Type.Integer(), removed: Type.Integer(), changed: Type.Integer(), basic: Type.Integer(), cooperative: Type.Integer(), takenBack: Type.Integer() }),
});
export type VersionOut = Static<typeof VersionOut>;

export const SnapshotItemOut = Type.Object({
  id: Type.Integer(), listKind: ListKindS, seq: Type.Integer(), name: Type.String(), category: Nullable(Type.String()), basis: Nullable(Type.String()), carrier: Nullable(Type.String()),
  departmentId: Nullable(Type.Integer()), departmentName: Nullable(Type.String()), cooperation: Nullable(Type.String()), communityInvolved: Type.Boolean(), catalogueItemId: Nullable(Type.Integer()),
});

export const VersionView = Type.Object({ township: TownshipRef, version: VersionOut, items: Type.Array(SnapshotItemOut) });
export type VersionView = Static<typeof VersionView>;

export const VersionNoParams = StrictObject({ id: Id, no: Type.Integer({ minimum: 1 }) });

export const CompareQuery = StrictObject({
  from: Type.Integer({ minimum: 1, description: 'The older version' }),
  to: Type.Optional(Type.Integer({ minimum: 1, description: 'Left out: the lists as they are today' })),
});
export type CompareQuery = Static<typeof CompareQuery>;

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
export const ComparisonOut = Type.Object({
  township: TownshipRef,
  from: VersionOut,
  to: Nullable(VersionOut),
  added: Type.Array(SnapshotItemOut),
  removed: Type.Array(SnapshotItemOut),
  changed: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), listKind: ListKindS, fromListKind: ListKindS, changes: Type.Array(Type.Object({ field: Type.String(), from: Scalar, to: Scalar })) })),
  unchanged: Type.Integer(),
});
export type ComparisonOut = Static<typeof ComparisonOut>;

export const ExportQuery = StrictObject({ version: Type.Optional(Type.Integer({ minimum: 1, description: 'A past version; left out: today’s lists' })), lang: Type.Optional(StringEnum(['zh', 'en'] as const)) });

export const ImportQuery = StrictObject({
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Check the workbook and say what would change, without changing anything' })),
  mode: Type.Optional(StringEnum(['replace', 'append'] as const, { description: 'replace (default): the workbook is the whole list, items not in it are removed; append: only adds and updates' })),
  reason: Type.Optional(Type.String({ maxLength: 1000, description: 'Needed unless dryRun' })),
  lang: Type.Optional(StringEnum(['zh', 'en'] as const)),
});
export type ImportQuery = Static<typeof ImportQuery>;

export const ImportProblem = Type.Object({ sheet: Type.String(), row: Type.Integer(), column: Nullable(Type.String()), message: Type.String() });
export const ImportOut = Type.Object({
  applied: Type.Boolean(),
  version: Nullable(Type.Integer()),
  lists: Type.Array(Type.Object({ sheet: Type.String(), listKind: ListKindS, rows: Type.Integer() })),
  added: Type.Integer(),
  removed: Type.Integer(),
  changed: Type.Integer(),
  unchanged: Type.Integer(),
  warnings: Type.Array(ImportProblem),
});
export type ImportOut = Static<typeof ImportOut>;

export const SearchQuery = StrictObject({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  nodeId: Type.Optional(Id),
  listKind: Type.Optional(ListKindS),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
});
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Type.Object({ id: Type.Integer(), name: Type.String(), listKind: ListKindS, category: Nullable(Type.String()), townshipNodeId: Type.Integer(), townshipName: Type.String(), departmentId: Nullable(Type.Integer()), departmentName: Nullable(Type.String()) });
export type SearchHit = Static<typeof SearchHit>;

// ---- catalogue ---------------------------------------------------------------------------

export const CatalogueItemOut = Type.Object({
  id: Type.Integer(), listKind: ListKindS, seq: Type.Integer(), name: Type.String(), category: Nullable(Type.String()), basis: Nullable(Type.String()), carrier: Nullable(Type.String()),
  departmentId: Nullable(Type.Integer()), departmentName: Nullable(Type.String()), cooperation: Nullable(Type.String()), communityInvolved: Type.Boolean(), active: Type.Boolean(),
  adoptedBy: Type.Integer({ description: 'Townships whose lists hold it' }),
});
export type CatalogueItemOut = Static<typeof CatalogueItemOut>;

export const CatalogueIn = StrictObject({ listKind: ListKindS, ...itemFieldsIn, seq: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) });
export type CatalogueIn = Static<typeof CatalogueIn>;
export const CataloguePatchIn = StrictObject({ ...itemFieldsIn, name: Type.Optional(itemFieldsIn.name), listKind: Type.Optional(ListKindS), seq: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })), active: Type.Optional(Type.Boolean()) });
export type CataloguePatchIn = Static<typeof CataloguePatchIn>;
export const CatalogueQuery = StrictObject({ listKind: Type.Optional(ListKindS), q: Type.Optional(Type.String({ maxLength: 100 })), includeRetired: Type.Optional(Type.Boolean()) });
export type CatalogueQuery = Static<typeof CatalogueQuery>;

// ---- admission ---------------------------------------------------------------------------

export const AdmissionIn = StrictObject({
  title: Type.String({ minLength: 2, maxLength: 200, description: 'What work (事项名称)' }),
  listKind: Type.Optional(StringEnum(['basic', 'cooperative'] as const, { description: 'Which list it would join (default cooperative)' })),
  category: optText(60),
  purpose: Type.String({ minLength: 2, maxLength: 4000, description: 'Why it must be done at township or community level' }),
  basis: Type.String({ minLength: 2, maxLength: 4000, description: '法律政策依据' }),
  cooperation: optText(4000, 'What the townships would do'),
  targetNodeIds: Type.Array(Id, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'Streets/townships or communities that would take it' }),
  startDate: DateString,
  endDate: Type.Optional(Nullable(DateString)),
  resources: Type.String({ minLength: 2, maxLength: 4000, description: 'Funds, staff, equipment and training that come with it (费随事转)' }),
});
export type AdmissionIn = Static<typeof AdmissionIn>;

export const FindingOut = Type.Object({
  kind: Type.String({ description: 'already_basic, already_cooperative, taken_back_by_applicant, taken_back, duplicate_admitted' }),
  townshipId: Type.Integer(), townshipName: Type.String(), itemId: Nullable(Type.Integer()), itemName: Type.String(), admissionId: Nullable(Type.Integer()), departmentName: Nullable(Type.String()),
  similarity: Type.Number(),
  message: Type.String({ description: "In the caller's language" }),
});

export const CheckOut = Type.Object({ findings: Type.Array(FindingOut), advice: StringEnum(['admit', 'review', 'refuse'] as const, { description: 'What the findings suggest; the reviewer decides' }) });
export type CheckOut = Static<typeof CheckOut>;

export const AdmissionOut = Type.Object({
  id: Type.Integer(),
  department: Type.Object({ id: Type.Integer(), name: Type.String() }),
  title: Type.String(), listKind: ListKindS, category: Nullable(Type.String()), purpose: Type.String(), basis: Type.String(), cooperation: Nullable(Type.String()),
  targets: Type.Array(Type.Object({ nodeId: Type.Integer(), name: Type.String(), townshipId: Type.Integer(), townshipName: Type.String() })),
  communityInvolved: Type.Boolean(), startDate: DateString, endDate: Nullable(DateString), resources: Type.String(),
  status: StringEnum(admissionStatuses),
  findings: Type.Array(FindingOut),
  advice: StringEnum(['admit', 'review', 'refuse'] as const),
  applicant: Nullable(PersonOut), createdAt: DateTime,
  decidedBy: Nullable(PersonOut), decidedAt: Nullable(DateTime), decisionReason: Nullable(Type.String()), admittedItemIds: Type.Array(Type.Integer()),
});
export type AdmissionOut = Static<typeof AdmissionOut>;

export const AdmissionQuery = StrictObject({ status: Type.Optional(StringEnum(admissionStatuses)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) });
export type AdmissionQuery = Static<typeof AdmissionQuery>;
export const AdmissionPage = Type.Object({ items: Type.Array(AdmissionOut), total: Type.Integer() });

export const DecideAdmissionIn = StrictObject({ decision: StringEnum(['admit', 'refuse'] as const), reason: Type.String({ minLength: 2, maxLength: 2000 }) });
export type DecideAdmissionIn = Static<typeof DecideAdmissionIn>;

// ---- hand-backs --------------------------------------------------------------------------

export const HandbackIn = StrictObject({
  itemId: Id,
  townshipId: Id,
  reasonKind: StringEnum(handbackReasons, { description: 'cannot_carry 无力承接, not_performed 长期未实际履行, other' }),
  reasonText: Type.String({ minLength: 2, maxLength: 4000 }),
  evidence: Type.String({ minLength: 2, maxLength: 8000, description: 'What shows it: cases, figures, staff and means lacking' }),
  departmentId: Type.Optional(Id),
});
export type HandbackIn = Static<typeof HandbackIn>;

export const HandbackOut = Type.Object({
  id: Type.Integer(),
  township: Type.Object({ id: Type.Integer(), name: Type.String() }),
  item: Type.Object({ id: Type.Integer(), name: Type.String(), listKind: ListKindS, onList: Type.Boolean() }),
  fromList: ListKindS,
  department: Type.Object({ id: Type.Integer(), name: Type.String() }),
  reasonKind: StringEnum(handbackReasons), reasonText: Type.String(), evidence: Type.String(),
  attachments: Type.Array(Type.Object({ id: Type.String(), fileName: Type.String(), size: Type.Integer(), contentType: Type.String() })),
  status: StringEnum(handbackStatuses),
  requestedBy: Nullable(PersonOut), createdAt: DateTime,
  departmentAgrees: Nullable(Type.Boolean()), departmentComment: Nullable(Type.String()), departmentBy: Nullable(PersonOut), departmentAt: Nullable(DateTime),
  decisionReason: Nullable(Type.String()), decidedBy: Nullable(PersonOut), decidedAt: Nullable(DateTime), versionNo: Nullable(Type.Integer()),
});
export type HandbackOut = Static<typeof HandbackOut>;

export const HandbackQuery = StrictObject({ status: Type.Optional(StringEnum(handbackStatuses)), townshipId: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) });
export type HandbackQuery = Static<typeof HandbackQuery>;
export const HandbackPage = Type.Object({ items: Type.Array(HandbackOut), total: Type.Integer() });

export const DepartmentAnswerIn = StrictObject({ agrees: Type.Boolean(), comment: Type.String({ minLength: 2, maxLength: 4000 }) });
export type DepartmentAnswerIn = Static<typeof DepartmentAnswerIn>;
export const DecideHandbackIn = StrictObject({ decision: StringEnum(['return', 'keep'] as const, { description: 'return: the item moves to the taken-back list; keep: it stays' }), reason: Type.String({ minLength: 2, maxLength: 2000 }) });
export type DecideHandbackIn = Static<typeof DecideHandbackIn>;
export const FileParams = StrictObject({ id: Id, fileId: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
