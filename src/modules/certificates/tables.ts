// One-click certificates (一键证明): the catalogue of certificates a community may still issue
// (versioned), the 减证便民 handbook of those it no longer issues, each issuing unit's signing
// keys, the certificates issued (signed, numbered, revocable) and assisted service (帮办代办).
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, char, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { pathIndex, pathText, placement, timestamps } from '../../db/columns.js';
import type { Precondition } from './preconditions.js';

/** The head row of a certificate kind; its content lives in versions. */
export const certificateKinds = pgTable('certificate_kind', {
  code: varchar('code', { length: 40 }).primaryKey(),
  currentVersion: integer('current_version').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
  ...timestamps,
});

/** Every state a catalogue entry has had; a certificate names the version it was issued under. */
export const certificateKindVersions = pgTable(
  'certificate_kind_version',
  {
    id: serial('id').primaryKey(),
    kindCode: varchar('kind_code', { length: 40 }).notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    /** 设定依据: the law, regulation or policy that allows the community to issue it. */
    basis: text('basis').notNull(),
    /** 办理用途: what residents use it for. */
    purpose: text('purpose').notNull(),
    /** 办理流程, in plain words. */
    process: text('process').notNull(),
    /** What the resident brings (申请材料). */
    materials: jsonb('materials').$type<string[]>().notNull().default([]),
    preconditions: jsonb('preconditions').$type<Precondition[]>().notNull().default([]),
    /** The certificate is about two people (亲属关系): the worker picks the second one. */
    needsRelated: boolean('needs_related').notNull().default(false),
    /** Roles that may issue it (each must hold certificates:issue). */
    issuerRoles: jsonb('issuer_roles').$type<string[]>().notNull(),
    /** Days the certificate stays valid after issue. */
    validityDays: integer('validity_days').notNull(),
    /** Body text with {placeholders} filled from base data (see template.ts). */
    template: text('template').notNull(),
    /** An inactive version withdraws the kind from issue (停止出具) without deleting its history. */
    active: boolean('active').notNull().default(true),
    changeNote: text('change_note'),
    changedBy: integer('changed_by'),
    changedByName: text('changed_by_name').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('certificate_kind_version_uq').on(t.kindCode, t.version)],
);

/** 减证便民 handbook: certificates communities no longer issue, and where residents get them instead. */
export const handbookEntries = pgTable(
  'handbook_entry',
  {
    id: serial('id').primaryKey(),
    code: varchar('code', { length: 40 }).notNull(),
    title: text('title').notNull(),
    /** Who issues it now (主管部门/出具机构). */
    authority: text('authority').notNull(),
    /** Where to go (办理地点). */
    place: text('place').notNull(),
    /** Whom to contact (咨询电话/窗口). */
    contact: text('contact').notNull(),
    materials: jsonb('materials').$type<string[]>().notNull().default([]),
    online: boolean('online').notNull().default(false),
    /** How to do it online (which platform or app), when it can be. */
    onlineHow: text('online_how'),
    /** Why the community no longer issues it (清单依据). */
    basis: text('basis').notNull(),
    notes: text('notes'),
    /** Other words residents use for it (良民证, 政审证明 …), for search. */
    keywords: jsonb('keywords').$type<string[]>().notNull().default([]),
    sortOrder: integer('sort_order').notNull().default(0),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    updatedBy: text('updated_by'),
    ...timestamps,
  },
  (t) => [uniqueIndex('handbook_entry_code_uq').on(t.code)],
);

/**
 * Signing keys of issuing units (each community has its own). The private key is stored
 * encrypted with the platform's field cipher and never leaves the server; retired keys stay so
 * that certificates they signed still verify.
 */
export const signingKeys = pgTable(
  'signing_key',
  {
    id: serial('id').primaryKey(),
    /** Short key id printed in every certificate's signed statement. */
    kid: varchar('kid', { length: 16 }).notNull(),
    unitNodeId: integer('unit_node_id').notNull(),
    unitCode: varchar('unit_code', { length: 15 }).notNull(),
    unitName: text('unit_name').notNull(),
    treePath: pathText('tree_path').notNull(),
    /** SM2 (GB/T 32918, with SM3) or Ed25519. */
    algorithm: varchar('algorithm', { length: 12 }).notNull(),
    /** SM2 signer ID (distinguishing identifier); null for Ed25519. */
    signerId: varchar('signer_id', { length: 64 }),
    /** SM2: uncompressed point 04||x||y in hex; Ed25519: the 32-byte key in hex. */
    publicKeyHex: text('public_key_hex').notNull(),
    /** SubjectPublicKeyInfo PEM, for openssl and other verifiers. */
    publicKeyPem: text('public_key_pem').notNull(),
    privateKeyEnc: text('private_key_enc').notNull(),
    /** active (signs new certificates) or retired (verifies old ones only). */
    status: varchar('status', { length: 12 }).notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    createdByName: text('created_by_name').notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
    retireReason: text('retire_reason'),
  },
  (t) => [uniqueIndex('signing_key_kid_uq').on(t.kid), uniqueIndex('signing_key_active_uq').on(t.unitNodeId).where(sql`status = 'active'`)],
);

/** Issued certificates. Placed on the issuing unit (community), so its workers and street see them. */
export const certificates = pgTable(
  'certificate',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Unit code, year and sequence: 140109004001-2026-00012. */
    number: varchar('number', { length: 40 }).notNull(),
    /** Short code typed on the verification page (Crockford base32, 10 characters). */
    verifyCode: char('verify_code', { length: 10 }).notNull(),
    kindCode: varchar('kind_code', { length: 40 }).notNull(),
    kindVersion: integer('kind_version').notNull(),
    title: text('title').notNull(),
    residentId: bigint('resident_id', { mode: 'number' }).notNull(),
    relatedResidentId: bigint('related_resident_id', { mode: 'number' }),
    subjectName: text('subject_name').notNull(),
    subjectIdMasked: text('subject_id_masked').notNull(),
    unitNodeId: integer('unit_node_id').notNull(),
    unitName: text('unit_name').notNull(),
    ...placement,
    purpose: text('purpose').notNull(),
    recipient: text('recipient'),
    /** The full text as printed (with the ID number in clear), encrypted. */
    bodyEnc: text('body_enc').notNull(),
    /** The text with the ID number masked: what the public verification page shows. */
    publicText: text('public_text').notNull(),
    /** The signed statement (see statement.ts) and its signature (base64url). */
    statement: text('statement').notNull(),
    signature: text('signature').notNull(),
    kid: varchar('kid', { length: 16 }).notNull(),
    algorithm: varchar('algorithm', { length: 12 }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    validUntil: date('valid_until', { mode: 'string' }).notNull(),
    issuedBy: integer('issued_by'),
    issuedByName: text('issued_by_name').notNull(),
    /** issued or revoked */
    status: varchar('status', { length: 12 }).notNull().default('issued'),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revokedByName: text('revoked_by_name'),
    /** Why, in the staff's words: never shown publicly. */
    revokeReason: text('revoke_reason'),
    /** Why, as a category (certificate_revoke_category): what the public verification page shows. */
    revokeCategory: varchar('revoke_category', { length: 32 }),
    printCount: integer('print_count').notNull().default(0),
    lastPrintedAt: timestamp('last_printed_at', { withTimezone: true, mode: 'date' }),
    verifyCount: integer('verify_count').notNull().default(0),
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true, mode: 'date' }),
    assistedRequestId: bigint('assisted_request_id', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('certificate_number_uq').on(t.number),
    uniqueIndex('certificate_verify_code_uq').on(t.verifyCode),
    pathIndex('certificate_path_idx', t.treePath, t.issuedAt),
    index('certificate_resident_idx').on(t.residentId),
  ],
);

/**
 * Why a certificate was revoked, as categories (信息变更, 误开, 迁出 …): the public verification page
 * shows the category only, never the worker's note, which may tell a resident's circumstances.
 * Data that an admin edits; a new city starts with the defaults.
 */
export const revokeCategories = pgTable('certificate_revoke_category', {
  code: varchar('code', { length: 32 }).primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
  /** A withdrawn category is no longer offered; certificates revoked under it keep it. */
  active: boolean('active').notNull().default(true),
  ...timestamps,
});

/** Per unit and year, the last certificate number used. */
export const certificateCounters = pgTable(
  'certificate_counter',
  {
    unitNodeId: integer('unit_node_id').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitNodeId, t.year] })],
);

/**
 * 帮办代办: a request an elderly or vulnerable resident could not easily make alone, taken by a
 * worker on their behalf and tracked to done. Placed on the resident's grid.
 */
export const assistedRequests = pgTable(
  'assisted_request',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    residentId: bigint('resident_id', { mode: 'number' }).notNull(),
    subjectName: text('subject_name').notNull(),
    ...placement,
    /** The community the resident belongs to, for counting per community. */
    communityNodeId: integer('community_node_id').notNull(),
    category: varchar('category', { length: 24 }).notNull(),
    /** How the request came in: visit, phone, walk_in, grid, family */
    channel: varchar('channel', { length: 16 }).notNull(),
    description: text('description').notNull(),
    /** Why the resident needs help, when no label or age says so. */
    helpReason: text('help_reason'),
    /** What made the resident eligible: label codes, and "age_60" for the elderly. */
    vulnerability: jsonb('vulnerability').$type<string[]>().notNull().default([]),
    /** open, in_progress, done, cancelled */
    status: varchar('status', { length: 12 }).notNull().default('open'),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    takenBy: integer('taken_by'),
    takenByName: text('taken_by_name').notNull(),
    result: text('result'),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
    certificateId: bigint('certificate_id', { mode: 'number' }),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [pathIndex('assisted_request_path_idx', t.treePath, t.createdAt), index('assisted_request_resident_idx').on(t.residentId), index('assisted_request_community_idx').on(t.communityNodeId, t.status)],
);

/** The trail of an assisted request: who did what, when. */
export const assistedSteps = pgTable(
  'assisted_step',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: bigint('request_id', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    byId: integer('by_id'),
    byName: text('by_name').notNull(),
    /** created, note, status, certificate */
    action: varchar('action', { length: 16 }).notNull(),
    status: varchar('status', { length: 12 }),
    note: text('note'),
  },
  (t) => [index('assisted_step_request_idx').on(t.requestId, t.at)],
);
