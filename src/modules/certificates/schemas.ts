// The certificates contract (一键证明, 减证便民, 帮办代办): every shape the routes take and give. The
// services take and return these types, the routes validate and serialise with them, and the web's
// client is generated from the OpenAPI document they produce.
import { Type, type Static } from '@sinclair/typebox';
import { DateString, Nullable, StrictObject, StringEnum } from '../../platform/schemas.js';
import { PreconditionSchema } from './preconditions.js';
import { algorithms } from './signing.js';

export const CodeParam = StrictObject({ code: Type.String({ minLength: 1, maxLength: 40 }) });
export const IncludeInactiveQuery = StrictObject({ includeInactive: Type.Optional(Type.Boolean()) });

// ---- catalogue (证明事项清单) ----------------------------------------------------------------

export const PreconditionOut = Type.Object({
  type: Type.String(), text: Type.String({ description: 'The rule in plain words' }), months: Type.Optional(Type.Integer()), years: Type.Optional(Type.Integer()),
  labels: Type.Optional(Type.Array(Type.String())), statuses: Type.Optional(Type.Array(Type.String())), relations: Type.Optional(Type.Array(Type.String())), referTo: Type.Optional(Type.String()),
});

/** English of a shipped kind's texts, field by field (absent for a text an administrator changed). */
export const KindEnglish = Type.Object({ title: Type.Optional(Type.String()), basis: Type.Optional(Type.String()), purpose: Type.Optional(Type.String()), process: Type.Optional(Type.String()), materials: Type.Optional(Type.Array(Type.String())) });
export type KindEnglish = Static<typeof KindEnglish>;

export const KindOut = Type.Object(
  {
    code: Type.String(), version: Type.Integer(), title: Type.String(), basis: Type.String({ description: '设定依据' }), purpose: Type.String({ description: '办理用途' }), process: Type.String({ description: '办理流程' }),
    materials: Type.Array(Type.String()), preconditions: Type.Array(PreconditionOut), needsRelated: Type.Boolean(), needs: Type.Array(Type.String(), { description: 'Base data the template draws on' }),
    issuerRoles: Type.Array(Type.String()), issuers: Type.String(), validityDays: Type.Integer(), template: Type.String(), sample: Type.String({ description: 'The template with placeholders shown by name' }), active: Type.Boolean(), changedAt: Type.String(), changedBy: Type.String(), changeNote: Nullable(Type.String()),
    en: Nullable(Type.Object(KindEnglish.properties, { description: 'English of the texts still as the platform shipped them; null for a kind an administrator added' })),
  },
  { title: 'CertificateKind' },
);
export type KindOut = Static<typeof KindOut>;

export const KindHistory = Type.Object({ current: KindOut, versions: Type.Array(KindOut) });
export type KindHistory = Static<typeof KindHistory>;

const KindBody = {
  title: Type.String({ minLength: 1, maxLength: 60 }),
  basis: Type.String({ minLength: 1, maxLength: 2000 }),
  purpose: Type.String({ minLength: 1, maxLength: 2000 }),
  process: Type.String({ minLength: 1, maxLength: 2000 }),
  materials: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 }),
  preconditions: Type.Array(PreconditionSchema, { maxItems: 10 }),
  needsRelated: Type.Boolean({ default: false }),
  issuerRoles: Type.Array(Type.String({ maxLength: 32 }), { minItems: 1, maxItems: 5 }),
  validityDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  template: Type.String({ minLength: 1, maxLength: 1500, description: 'Body text with {placeholders}; see GET /certificates/meta' }),
  active: Type.Boolean({ default: true }),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  changeNote: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
};
export const NewKindIn = StrictObject({ code: Type.String({ minLength: 2, maxLength: 40 }), ...KindBody });
export type NewKindIn = Static<typeof NewKindIn>;
export const KindEditIn = StrictObject({ version: Type.Integer({ minimum: 1 }), ...KindBody });
export type KindEditIn = Static<typeof KindEditIn>;

// ---- handbook (减证便民服务指南) ----------------------------------------------------------------

export const HandbookEnglish = Type.Object({
  title: Type.Optional(Type.String()), authority: Type.Optional(Type.String()), place: Type.Optional(Type.String()), contact: Type.Optional(Type.String()), materials: Type.Optional(Type.Array(Type.String())),
  onlineHow: Type.Optional(Type.String()), basis: Type.Optional(Type.String()), notes: Type.Optional(Type.String()),
});
export type HandbookEnglish = Static<typeof HandbookEnglish>;

export const HandbookOut = Type.Object(
  {
    code: Type.String(), title: Type.String(), authority: Type.String({ description: 'Who issues it now' }), place: Type.String({ description: 'Where to go' }), contact: Type.String({ description: 'Whom to ask' }),
    materials: Type.Array(Type.String()), online: Type.Boolean(), onlineHow: Nullable(Type.String()), basis: Type.String(), notes: Nullable(Type.String()), keywords: Type.Array(Type.String()),
    sortOrder: Type.Integer(), active: Type.Boolean(), version: Type.Integer(), updatedAt: Type.String(), updatedBy: Nullable(Type.String()),
    en: Nullable(Type.Object(HandbookEnglish.properties, { description: 'English of the texts still as shipped (the national list); null for an entry an administrator added' })),
  },
  { title: 'HandbookEntry' },
);
export type HandbookOut = Static<typeof HandbookOut>;

const HandbookBody = {
  title: Type.String({ minLength: 1, maxLength: 80 }),
  authority: Type.String({ minLength: 1, maxLength: 300 }),
  place: Type.String({ minLength: 1, maxLength: 300 }),
  contact: Type.String({ minLength: 1, maxLength: 300 }),
  materials: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 }),
  online: Type.Boolean(),
  onlineHow: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  basis: Type.String({ minLength: 1, maxLength: 1000 }),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  keywords: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 30, default: [] }),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  active: Type.Optional(Type.Boolean()),
};
export const NewHandbookIn = StrictObject({ code: Type.String({ minLength: 2, maxLength: 40 }), ...HandbookBody });
export type NewHandbookIn = Static<typeof NewHandbookIn>;
export const HandbookEditIn = StrictObject({ version: Type.Integer({ minimum: 1 }), ...HandbookBody });
export type HandbookEditIn = Static<typeof HandbookEditIn>;

export const HandbookQuery = StrictObject({ q: Type.Optional(Type.String({ maxLength: 40 })), includeInactive: Type.Optional(Type.Boolean()) });
export const PublicHandbookQuery = StrictObject({ q: Type.Optional(Type.String({ maxLength: 40 })), online: Type.Optional(Type.Boolean()) });
export const PublicSearchQuery = StrictObject({ q: Type.String({ minLength: 1, maxLength: 40 }) });
export const PublicSearchOut = Type.Object({ kinds: Type.Array(KindOut), handbook: Type.Array(HandbookOut) });
export type PublicSearchOut = Static<typeof PublicSearchOut>;

// ---- forms' code tables --------------------------------------------------------------------

const Names = Type.Object({ zh: Type.String(), en: Type.String() });
export const MetaOut = Type.Object({
  placeholders: Type.Array(Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String(), source: Type.String(), needs: Type.String() })),
  preconditionTypes: Type.Array(Type.String()), algorithms: Type.Array(Type.String()), defaultSignerId: Type.String(),
  assisted: Type.Object({ categories: Type.Record(Type.String(), Names), channels: Type.Record(Type.String(), Names), statuses: Type.Record(Type.String(), Names) }),
});
export type MetaOut = Static<typeof MetaOut>;

// ---- keys ----------------------------------------------------------------------------------

export const PublishedKey = Type.Object({
  kid: Type.String(), algorithm: StringEnum(algorithms), signerId: Nullable(Type.String()), unitCode: Type.String(), unitName: Type.String(), publicKeyHex: Type.String(), publicKeyPem: Type.String(),
  status: Type.String({ enum: ['active', 'retired'] }), createdAt: Type.String(), retiredAt: Nullable(Type.String()),
});
export type PublishedKey = Static<typeof PublishedKey>;

export const KeysQuery = StrictObject({ unitCode: Type.Optional(Type.String({ pattern: '^\\d{6,15}$' })) });
export const PublishedKeys = Type.Object({
  format: Type.String({ description: 'The format of certificates issued now' }), formats: Type.Array(Type.String(), { description: 'Every format that is still verified' }), defaultSignerId: Type.String(), keys: Type.Array(PublishedKey),
});
export type PublishedKeys = Static<typeof PublishedKeys>;

export const RotateKeyIn = StrictObject({
  unitNodeId: Type.Integer({ minimum: 1 }), algorithm: StringEnum(algorithms, { default: 'SM2' }), signerId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))), reason: Type.String({ minLength: 2, maxLength: 500 }),
});
export type RotateKeyIn = Static<typeof RotateKeyIn>;

// ---- issuing -------------------------------------------------------------------------------

export const CertificateState = StringEnum(['valid', 'expired', 'revoked'] as const);
export type CertificateState = Static<typeof CertificateState>;

export const CertificateOut = Type.Object(
  {
    id: Type.Integer(), number: Type.String(), verifyCode: Type.String({ description: 'Short code for the verification page (K7QM9-XRT2B)' }), kind: Type.String(), kindVersion: Type.Integer(), title: Type.String(),
    residentId: Type.Integer(), relatedResidentId: Nullable(Type.Integer()), subjectName: Type.String(), subjectIdMasked: Type.String(), unitNodeId: Type.Integer(), unitName: Type.String(),
    purpose: Type.String(), recipient: Nullable(Type.String()), publicText: Type.String({ description: 'The text with ID numbers masked' }), issuedAt: Type.String(), issuedOn: Type.String(), validUntil: Type.String(),
    issuedByName: Type.String(), status: Type.String({ enum: ['issued', 'revoked'] }), state: CertificateState, revokedAt: Nullable(Type.String()), revokedByName: Nullable(Type.String()),
    revokeReason: Nullable(Type.String({ description: 'The worker’s note (staff only)' })), revokeCategory: Nullable(Type.String({ description: 'Revocation category code; the public page shows its name' })), printCount: Type.Integer(), lastPrintedAt: Nullable(Type.String()), verifyCount: Type.Integer(), lastVerifiedAt: Nullable(Type.String()),
    algorithm: Type.String(), kid: Type.String(), statement: Type.String({ description: 'The signed statement as stored: QC1 text, or "QC2:" followed by the compact statement in base64url' }),
    statementFormat: StringEnum(['QC1', 'QC2'] as const), statementText: Type.String({ description: 'The statement’s fields on one line' }), signature: Type.String({ description: 'base64url' }),
    verifyUrl: Type.String({ description: 'What the QR code holds' }), pdfUrl: Type.String(), assistedRequestId: Nullable(Type.Integer()),
  },
  { title: 'Certificate' },
);
export type CertificateOut = Static<typeof CertificateOut>;

const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });
export const CheckItem = Type.Object({
  type: Type.String(), ok: Type.Boolean(), text: Type.String({ description: 'Rule and finding in plain words' }), rule: Bilingual, found: Bilingual,
  referTo: Type.Optional(Type.String()), handbook: Type.Optional(Type.Object({ code: Type.String(), title: Type.String(), authority: Type.String() })),
});
export type CheckItem = Static<typeof CheckItem>;

export const CheckOut = Type.Object({
  kind: KindOut,
  ok: Type.Boolean(),
  checks: Type.Array(CheckItem),
  missing: Type.Array(Type.Object({ placeholder: Type.String(), needs: Type.String() })),
  preview: Nullable(Type.String()),
});
export type CheckOut = Static<typeof CheckOut>;

export const IssueIn = StrictObject({
  residentId: Type.Integer({ minimum: 1 }),
  kind: Type.String({ minLength: 1, maxLength: 40 }),
  purpose: Type.String({ minLength: 2, maxLength: 200, description: '用途, printed on the certificate' }),
  recipient: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'Addressee (抬头), e.g. the school or bank' }))),
  relatedResidentId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  assistedRequestId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
});
export type IssueIn = Static<typeof IssueIn>;

export const CheckIn = StrictObject({
  residentId: Type.Integer({ minimum: 1 }),
  kind: Type.String({ minLength: 1, maxLength: 40 }),
  purpose: Type.Optional(Type.String({ maxLength: 200 })),
  relatedResidentId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
});
export type CheckIn = Static<typeof CheckIn>;

export const CertificateQuery = StrictObject({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), kind: Type.Optional(Type.String({ maxLength: 40 })), state: Type.Optional(CertificateState),
  from: Type.Optional(DateString), to: Type.Optional(DateString), residentId: Type.Optional(Type.Integer({ minimum: 1 })), nodeId: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export type CertificateQuery = Static<typeof CertificateQuery>;
export const CertificatePage = Type.Object({ items: Type.Array(CertificateOut), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
export type CertificatePage = Static<typeof CertificatePage>;

export const StatsQuery = StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1 })), from: Type.Optional(DateString), to: Type.Optional(DateString) });
export type StatsQuery = Static<typeof StatsQuery>;

export const CertificateStats = Type.Array(Type.Object({ unitNodeId: Type.Integer(), unitName: Type.String(), kind: Type.String(), title: Type.String(), issued: Type.Integer(), revoked: Type.Integer(), assisted: Type.Integer() }));
export type CertificateStats = Static<typeof CertificateStats>;

export const RevokeIn = StrictObject({
  category: Type.String({ minLength: 1, maxLength: 32, description: 'A code from GET /certificates/revoke-categories' }),
  reason: Type.String({ minLength: 2, maxLength: 500, description: 'The worker’s note (never public)' }),
});
export type RevokeIn = Static<typeof RevokeIn>;

export const RevokeCategoryOut = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), sortOrder: Type.Integer(), active: Type.Boolean() }, { title: 'RevokeCategory' });
export type RevokeCategoryOut = Static<typeof RevokeCategoryOut>;
export const RevokeCategoryParam = StrictObject({ code: Type.String({ minLength: 2, maxLength: 32 }) });
export const RevokeCategoryIn = StrictObject({ nameZh: Type.String({ minLength: 1, maxLength: 20 }), nameEn: Type.String({ minLength: 1, maxLength: 60 }), sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })), active: Type.Optional(Type.Boolean()) });
export type RevokeCategoryIn = Static<typeof RevokeCategoryIn>;

// ---- verification --------------------------------------------------------------------------

export const verdictStatuses = ['valid', 'revoked', 'expired', 'forged', 'not_found'] as const;
export type VerdictStatus = (typeof verdictStatuses)[number];
export const verdictReasons = ['ok', 'revoked', 'expired', 'signature_invalid', 'unknown_key', 'key_mismatch', 'record_mismatch', 'record_tampered', 'not_issued', 'no_record'] as const;
export type VerdictReason = (typeof verdictReasons)[number];

export const SignatureOut = Nullable(Type.Object({ valid: Type.Boolean(), algorithm: Type.String(), kid: Type.String(), signerId: Nullable(Type.String()), unitCode: Nullable(Type.String()), unitName: Nullable(Type.String()), keyStatus: Nullable(Type.String()), cached: Type.Boolean() }));

export const Verdict = Type.Object(
  {
    status: StringEnum(verdictStatuses), reason: StringEnum(verdictReasons), message: Type.String(), checkedAt: Type.String(), signature: SignatureOut,
    certificate: Nullable(Type.Object({
      number: Type.String(), verifyCode: Type.String(), title: Type.String(), kind: Type.String(), unitName: Type.String(), subjectName: Type.String(), subjectIdMasked: Type.String(), issuedOn: Type.String(),
      validUntil: Type.String(), text: Type.String(), recipient: Nullable(Type.String()), revokedAt: Nullable(Type.String()),
      revokeCategory: Nullable(Type.String({ description: 'Why it was revoked, as a category (信息变更, 误开, 迁出 …); the worker’s note is not public' })),
    })),
    claimed: Nullable(Type.Object({ number: Type.String(), title: Nullable(Type.String()), kind: Type.String(), unitCode: Type.String(), subjectName: Type.String(), subjectIdMasked: Type.String(), issuedOn: Type.String(), validUntil: Type.String() })),
  },
  { title: 'CertificateVerdict' },
);
export type Verdict = Static<typeof Verdict>;

export const VerifyIn = StrictObject({
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'The short verification code printed on the certificate' })),
  payload: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'What the QR code holds (the address or just its p= part)' })),
});
export type VerifyIn = Static<typeof VerifyIn>;
export const VerifyBatchIn = StrictObject({ items: Type.Array(VerifyIn, { minItems: 1, maxItems: 100 }) });
export type VerifyBatchIn = Static<typeof VerifyBatchIn>;
export const VerifyBatchOut = Type.Object({ results: Type.Array(Type.Object({ verdict: Type.Optional(Verdict), error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), field: Type.String() })) })) });
export type VerifyBatchOut = Static<typeof VerifyBatchOut>;

// ---- assisted service (帮办代办) -------------------------------------------------------------

export const assistedCategoryCodes = ['certificate', 'medical_insurance', 'pension', 'social_assistance', 'disability', 'utilities', 'medical', 'documents', 'other'] as const;
export const assistedChannelCodes = ['visit', 'phone', 'walk_in', 'grid', 'family', 'hotline'] as const;
export const assistedStatusCodes = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type AssistedCategory = (typeof assistedCategoryCodes)[number];
export type AssistedChannel = (typeof assistedChannelCodes)[number];
export type AssistedStatus = (typeof assistedStatusCodes)[number];

export const AssistedOut = Type.Object({
  id: Type.Integer(), residentId: Type.Integer(), subjectName: Type.String(), communityNodeId: Type.Integer(), category: Type.String(), categoryName: Type.String(), channel: Type.String(), description: Type.String(),
  helpReason: Nullable(Type.String()), vulnerability: Type.Array(Type.String()), status: Type.String(), statusName: Type.String(), dueOn: Type.String(), overdue: Type.Boolean(), takenByName: Type.String(),
  result: Nullable(Type.String()), doneAt: Nullable(Type.String()), certificateId: Nullable(Type.Integer()), version: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String(),
});
export type AssistedOut = Static<typeof AssistedOut>;

export const AssistedStep = Type.Object({ id: Type.Integer(), at: Type.String(), byName: Type.String(), action: Type.String(), status: Nullable(Type.String()), statusName: Nullable(Type.String()), note: Nullable(Type.String()) });
export const AssistedDetail = Type.Intersect([AssistedOut, Type.Object({ steps: Type.Array(AssistedStep) })]);
export type AssistedDetail = Static<typeof AssistedDetail>;

export const NewAssistedIn = StrictObject({
  residentId: Type.Integer({ minimum: 1 }), category: StringEnum(assistedCategoryCodes), channel: StringEnum(assistedChannelCodes),
  description: Type.String({ minLength: 2, maxLength: 1000 }), helpReason: Type.Optional(Nullable(Type.String({ maxLength: 300 }))), dueOn: Type.Optional(Nullable(DateString)),
});
export type NewAssistedIn = Static<typeof NewAssistedIn>;

export const AssistedQuery = StrictObject({
  status: Type.Optional(Type.Array(StringEnum(assistedStatusCodes), { maxItems: 4 })), category: Type.Optional(StringEnum(assistedCategoryCodes)),
  nodeId: Type.Optional(Type.Integer({ minimum: 1 })), residentId: Type.Optional(Type.Integer({ minimum: 1 })), q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), overdue: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export type AssistedQuery = Static<typeof AssistedQuery>;
export const AssistedPage = Type.Object({ items: Type.Array(AssistedOut), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
export type AssistedPage = Static<typeof AssistedPage>;

const AssistedCounts = { total: Type.Integer(), open: Type.Integer(), inProgress: Type.Integer(), done: Type.Integer(), cancelled: Type.Integer(), overdue: Type.Integer(), doneOnTime: Type.Integer() };
export const AssistedStats = Type.Object({
  items: Type.Array(Type.Object({ communityNodeId: Type.Integer(), communityName: Type.String(), ...AssistedCounts, avgDays: Nullable(Type.Number()) })),
  totals: Type.Object(AssistedCounts),
});
export type AssistedStats = Static<typeof AssistedStats>;

export const AssistedStepIn = StrictObject({
  version: Type.Integer({ minimum: 1 }), note: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))), status: Type.Optional(StringEnum(['in_progress', 'done', 'cancelled'] as const)), result: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
});
export type AssistedStepIn = Static<typeof AssistedStepIn>;

