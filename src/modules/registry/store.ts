// The record store: one code path for every record kind. It turns API input into stored columns
// (validated, secrets encrypted with a blind index, birth date and sex derived from the ID
// number), writes each change as a new version with its audit row in one transaction, refuses a
// stale version, and turns stored rows back into what a caller may see: out-of-grant fields
// left out, ID numbers and phones masked.
import { and, asc, desc, eq, getTableColumns, inArray, lte, ne, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { queryRows } from '../../db/client.js';
import type { AuditEntry } from '../../platform/audit.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError, PlatformErrors } from '../../platform/errors.js';
import { scopeCondition, subtreeCondition, type DataGrant } from '../../platform/scope.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import type { Static } from '@sinclair/typebox';
import { RegistryErrors } from './errors.js';
import type { AnyRecordOut } from './schemas.js';
import { alwaysVisible, fieldDef, fieldsOf, type FieldDef } from './fields.js';
import { buildings, facilities, households, houses, organisations, recordVersions, residentLabels, residents, type RecordKind } from './tables.js';
import { ageOn, checkCreditCode, checkIdNumber, checkPersonName, checkPhone, maskIdNumber, maskPhone, normaliseInput, type Reason } from './validation.js';


/**
 * Values for a table picked by record kind at run time. fields.ts has checked them against that
 * kind's field definitions; Drizzle cannot type a table chosen from a union of tables, so this
 * one function is where that check is trusted (the only cast of its kind in the registry).
 */
export function checkedValues(values: Record<string, unknown>): never {
  // eslint-disable-next-line no-restricted-syntax -- see above
  return values as never;
}

export const kindTables = { resident: residents, household: households, building: buildings, house: houses, organisation: organisations, facility: facilities } as const;
type AnyRecordTable = typeof residents;
export function tableOf(kind: RecordKind): AnyRecordTable {
  return kindTables[kind] as unknown as AnyRecordTable;
}

export type Source = 'community' | 'import' | 'department' | 'device' | 'system';

const PROBE = Symbol('residency-probe');

/** Where the person behind a refused ID number is registered (server-side only, never sent). */
export interface ResidencyProbe {
  residentId: number;
  treePath: string;
  districtCode: string;
}

export function residencyProbe(err: unknown): ResidencyProbe | null {
  if (!err || typeof err !== 'object') return null;
  return (err as { [PROBE]?: ResidencyProbe })[PROBE] ?? null;
}

/**
 * The audit row of an attempt to register (or import) a person registered outside the caller's
 * area: a refused read of that person's residency, on that person's trail; the ID number itself
 * is not recorded (the subject id says who).
 */
export function residencyProbeEntry(ctx: RequestContext, probe: ResidencyProbe, detail: Record<string, unknown>): AuditEntry {
  return {
    category: 'read', action: 'resident.register_elsewhere', entityType: 'resident', entityId: probe.residentId, subjectId: probe.residentId,
    treePath: probe.treePath, districtCode: probe.districtCode, result: 'denied', detail: { ...detail, callerArea: ctx.principal?.treePath ?? null },
  };
}

/** What the caller may see and change of one record kind. */
export interface RecordAccess {
  mode: 'full' | 'department';
  /** Field keys readable ('all' for full access). */
  readable: 'all' | Set<string>;
  writable: 'all' | Set<string>;
  /** Secret fields shown in clear without an explicit unmask. */
  unmasked: Set<string>;
  grants: DataGrant[];
}

export interface FieldProblem {
  field: string;
  reason: Reason;
}

/** A record as a caller may see it: the common columns (AnyRecordOut) and the readable fields of its kind. */
export type RecordOut = Record<string, unknown> & Omit<Static<typeof AnyRecordOut>, 'kind'> & { kind: RecordKind };

const STATUS_HIDDEN = ['deleted', 'merged'];

function labelTitle(def: FieldDef, lang: 'zh' | 'en') {
  return lang === 'zh' ? def.zh : def.en;
}

export class RegistryStore {
  constructor(
    readonly platform: Platform,
    readonly tree: TreeService,
  ) {}

  get db() {
    return this.platform.db;
  }

  // ---- access ----------------------------------------------------------------------------

  async access(ctx: RequestContext, kind: RecordKind, db: DbOrTx = this.db): Promise<RecordAccess> {
    const p = ctx.principal;
    if (!p) throw new AppError(PlatformErrors.UNAUTHENTICATED);
    if (p.permissions.has('registry:read')) {
      return { mode: 'full', readable: 'all', writable: p.permissions.has('registry:write') ? 'all' : new Set(), unmasked: new Set(), grants: [] };
    }
    if (p.permissions.has('registry:lookup') || p.permissions.has('registry:supplement')) {
      const fa = await this.platform.grants.fieldAccess(db, p, kind);
      return {
        mode: 'department',
        readable: new Set([...fa.readable, ...alwaysVisible[kind]]),
        writable: p.permissions.has('registry:supplement') ? fa.writable : new Set(),
        unmasked: fa.unmasked,
        grants: fa.grants,
      };
    }
    throw new AppError(PlatformErrors.FORBIDDEN, { permission: 'registry:read' });
  }

  /**
   * The WHERE condition for rows the caller may see: its subtree, and for a department, the union
   * of its grants (each a subtree, optionally limited to residents carrying given labels).
   */
  visibility(ctx: RequestContext, kind: RecordKind, access: RecordAccess): SQL {
    const t = tableOf(kind);
    const base = scopeCondition(ctx.principal!, t.treePath);
    if (access.mode === 'full') return base;
    if (!access.grants.length) return sql`false`;
    const ors = access.grants.map((g) => this.grantCondition(kind, g));
    return and(base, sql`(${sql.join(ors, sql` OR `)})`)!;
  }

  grantCondition(kind: RecordKind, g: DataGrant): SQL {
    const t = tableOf(kind);
    const inTree = subtreeCondition(g.treePath, t.treePath);
    if (!g.labels.length || kind !== 'resident') return inTree;
    return sql`(${inTree} AND EXISTS (SELECT 1 FROM resident_label rl WHERE rl.resident_id = ${t.id} AND rl.label_code IN (${sql.join(g.labels.map((l) => sql`${l}`), sql`, `)}) AND (rl.until IS NULL OR rl.until >= CURRENT_DATE)))`;
  }

  /** For a department, the fields readable on one row = union over the grants that match it. */
  private async rowReadable(kind: RecordKind, access: RecordAccess, rows: { id: number; treePath: string }[], db: DbOrTx): Promise<Map<number, Set<string>>> {
    const out = new Map<number, Set<string>>();
    if (access.mode === 'full' || !rows.length) return out;
    const labelsByResident = new Map<number, Set<string>>();
    if (kind === 'resident' && access.grants.some((g) => g.labels.length)) {
      const ls = await db
        .select({ residentId: residentLabels.residentId, code: residentLabels.labelCode })
        .from(residentLabels)
        .where(and(inArray(residentLabels.residentId, rows.map((r) => r.id)), sql`(${residentLabels.until} IS NULL OR ${residentLabels.until} >= CURRENT_DATE)`));
      for (const l of ls) {
        const set = labelsByResident.get(l.residentId) ?? new Set<string>();
        set.add(l.code);
        labelsByResident.set(l.residentId, set);
      }
    }
    for (const r of rows) {
      const set = new Set<string>(alwaysVisible[kind]);
      for (const g of access.grants) {
        if (!r.treePath.startsWith(g.treePath)) continue;
        if (kind === 'resident' && g.labels.length && !g.labels.some((l) => labelsByResident.get(r.id)?.has(l))) continue;
        for (const f of g.readFields) set.add(f);
        // A grant limited to labels shows them: the person is visible because they carry one.
        if (kind === 'resident') for (const l of g.labels) set.add(`label:${l}`);
      }
      out.set(r.id, set);
    }
    return out;
  }

  /**
   * Which labels the caller may see on each of these residents: every label with full access;
   * for a department only those a grant covering that resident names, in its labels or as a
   * "label:<code>" read field. Every place that shows labels (list, card, look-up, export,
   * report drill-down) filters through this one rule.
   */
  async labelVisibility(access: RecordAccess, rows: { id: number; treePath: string }[], db: DbOrTx = this.db): Promise<(residentId: number, code: string) => boolean> {
    if (access.mode === 'full') return () => true;
    const readable = await this.rowReadable('resident', access, rows, db);
    return (residentId, code) => readable.get(residentId)?.has(`label:${code}`) ?? false;
  }

  // ---- encoding input --------------------------------------------------------------------

  /**
   * Validates API input for a record kind and returns column values (by Drizzle property name).
   * Problems are collected, not thrown, so an import can report every bad cell of a row at once.
   */
  encode(kind: RecordKind, input: Record<string, unknown>, opts: { partial: boolean }): { values: Record<string, unknown>; problems: FieldProblem[] } {
    const values: Record<string, unknown> = {};
    const problems: FieldProblem[] = [];
    const cipher = this.platform.cipher;
    const bad = (field: string, zh: string, en: string) => problems.push({ field, reason: { zh, en } });
    for (const [key, raw] of Object.entries(input)) {
      const def = fieldDef(kind, key);
      if (!def) {
        bad(key, '没有这个字段', 'no such field');
        continue;
      }
      if (def.derived || def.system) {
        bad(key, '该字段由系统维护，不能直接填写', 'this field is kept by the system');
        continue;
      }
      const empty = raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');
      if (empty) {
        if (def.required) bad(key, '不能为空', 'is required');
        else if (def.secret) Object.assign(values, { [`${key}Enc`]: null, [`${key}Hash`]: null }, kind === 'resident' ? { [`${key}TailHash`]: null } : {});
        else values[key] = null;
        continue;
      }
      if (def.secret === 'phone') {
        const r = checkPhone(String(raw));
        if (!r.ok) problems.push({ field: key, reason: r.reason });
        else {
          Object.assign(values, { [`${key}Enc`]: cipher.encrypt(r.value.number), [`${key}Hash`]: cipher.blindIndex('phone', r.value.number) });
          if (kind === 'resident') values[`${key}TailHash`] = cipher.tailIndex('phone4', r.value.number);
        }
        continue;
      }
      if (def.secret === 'idNumber') {
        values.__idNumberRaw = String(raw);
        continue;
      }
      switch (def.type) {
        case 'string':
        case 'text': {
          let s = String(raw).replace(/\r\n/g, '\n').trim();
          if (key === 'name' && kind === 'resident') {
            const r = checkPersonName(s);
            if (!r.ok) {
              problems.push({ field: key, reason: r.reason });
              break;
            }
            s = r.value;
          }
          if (key === 'creditCode') {
            const r = checkCreditCode(s);
            if (!r.ok) {
              problems.push({ field: key, reason: r.reason });
              break;
            }
            s = r.value;
          }
          if (def.maxLength && s.length > def.maxLength) bad(key, `最多 ${def.maxLength} 个字符`, `at most ${def.maxLength} characters`);
          else values[key] = s;
          break;
        }
        case 'date': {
          const s = normaliseInput(String(raw)).replace(/[./年月]/g, '-').replace(/日$/, '');
          const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
          const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
          if (!m || !d || d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) bad(key, `日期 ${String(raw)} 不正确（应为 YYYY-MM-DD）`, `${String(raw)} is not a date (YYYY-MM-DD)`);
          else if (d.getTime() > Date.now() + 86_400_000) bad(key, '日期不能晚于今天', 'the date is in the future');
          else values[key] = d.toISOString().slice(0, 10);
          break;
        }
        case 'integer':
        case 'reference': {
          const n = typeof raw === 'number' ? raw : Number(normaliseInput(String(raw)));
          if (!Number.isInteger(n) || n < 0 || n > 9_007_199_254_740_991) bad(key, '应为非负整数', 'must be a whole number');
          else values[key] = n;
          break;
        }
        case 'number': {
          const n = typeof raw === 'number' ? raw : Number(normaliseInput(String(raw)));
          if (!Number.isFinite(n)) bad(key, '应为数字', 'must be a number');
          else if ((key === 'lat' && (n < -90 || n > 90)) || (key === 'lng' && (n < -180 || n > 180))) bad(key, '坐标超出范围', 'coordinate out of range');
          else values[key] = n;
          break;
        }
        case 'code': {
          const s = normaliseInput(String(raw));
          const codes = def.codes ?? {};
          // Accept the code itself or its Chinese / English name (spreadsheets hold names).
          const hit = codes[s] ? s : Object.entries(codes).find(([, v]) => v.zh === s || v.en.toLowerCase() === s.toLowerCase())?.[0];
          if (!hit) bad(key, `“${s}”不是有效的${def.zh}`, `"${s}" is not a valid ${def.en}`);
          else values[key] = hit;
        }
      }
    }
    if (kind === 'resident') this.deriveFromIdNumber(values, problems, input, opts.partial);
    if (!opts.partial) {
      for (const def of fieldsOf(kind)) {
        if (def.required && !(def.key in input)) bad(def.key, '不能为空', 'is required');
      }
    }
    return { values, problems };
  }

  /** ID number: validated per document type; for 居民身份证, birth date, sex and address code derive from it. */
  private deriveFromIdNumber(values: Record<string, unknown>, problems: FieldProblem[], input: Record<string, unknown>, partial: boolean) {
    const raw = values.__idNumberRaw as string | undefined;
    delete values.__idNumberRaw;
    const idType = (values.idType as string | undefined) ?? (input.idType === undefined && !partial ? '01' : undefined);
    if (raw === undefined) return;
    const cipher = this.platform.cipher;
    if ((idType ?? '01') === '01') {
      const r = checkIdNumber(raw);
      if (!r.ok) {
        problems.push({ field: 'idNumber', reason: r.reason });
        return;
      }
      const givenBirth = values.birthDate;
      Object.assign(values, {
        idNumberEnc: cipher.encrypt(r.value.number), idNumberHash: cipher.blindIndex('id', r.value.number), idNumberTailHash: cipher.tailIndex('id4', r.value.number),
        birthDate: r.value.birthDate, sex: r.value.sex, idAddressCode: r.value.addressCode,
      });
      if (givenBirth !== undefined && givenBirth !== null && givenBirth !== r.value.birthDate) {
        problems.push({ field: 'birthDate', reason: { zh: '出生日期与身份证号不一致', en: 'the birth date does not match the ID number' } });
      }
      const givenSex = input.sex === undefined || input.sex === null ? '' : normaliseInput(String(input.sex));
      if (givenSex && !['0', '9'].includes(givenSex) && givenSex !== r.value.sex && givenSex !== (r.value.sex === '1' ? '男' : '女')) {
        problems.push({ field: 'sex', reason: { zh: '性别与身份证号不一致', en: 'the sex does not match the ID number' } });
      }
    } else {
      const s = normaliseInput(raw).toUpperCase();
      if (!/^[A-Z0-9]{5,20}$/.test(s)) problems.push({ field: 'idNumber', reason: { zh: '证件号码应为 5-20 位字母或数字', en: 'a document number has 5-20 letters or digits' } });
      else Object.assign(values, { idNumberEnc: cipher.encrypt(s), idNumberHash: cipher.blindIndex('id', s), idNumberTailHash: cipher.tailIndex('id4', s), idAddressCode: null });
    }
  }

  problemsError(kind: RecordKind, problems: FieldProblem[], lang: 'zh' | 'en'): AppError {
    const first = problems[0]!;
    const def = fieldDef(kind, first.field);
    return new AppError(
      RegistryErrors.RECORD_INVALID,
      { field_zh: def?.zh ?? first.field, field_en: def?.en ?? first.field, reason_zh: first.reason.zh, reason_en: first.reason.en },
      first.field,
      { problems: problems.map((p) => ({ field: p.field, message: lang === 'zh' ? p.reason.zh : p.reason.en })) },
    );
  }

  // ---- placement and references ----------------------------------------------------------

  /** Resolves the grid (or, for facilities, community/grid) a record hangs on, within the caller's scope. */
  async place(ctx: RequestContext, kind: RecordKind, nodeId: number | undefined, db: DbOrTx): Promise<TreeNode> {
    if (!nodeId) throw new AppError(RegistryErrors.GRID_REQUIRED, {}, kind === 'facility' ? 'nodeId' : 'gridId');
    const node = await this.tree.getNode(nodeId, db);
    const okLevel = kind === 'facility' ? node?.level === 'grid' || node?.level === 'community' : node?.level === 'grid';
    if (!node || !okLevel || node.validTo || !node.path.startsWith(ctx.principal!.treePath)) {
      throw new AppError(RegistryErrors.GRID_OUT_OF_SCOPE, {}, kind === 'facility' ? 'nodeId' : 'gridId');
    }
    return node;
  }

  /** References (household, house, building, head) must exist, be live and sit in the same community. */
  private async checkReferences(kind: RecordKind, values: Record<string, unknown>, node: TreeNode, db: DbOrTx): Promise<void> {
    const refs: [string, RecordKind][] = [];
    if (kind === 'resident') refs.push(['householdId', 'household'], ['houseId', 'house']);
    if (kind === 'household') refs.push(['houseId', 'house'], ['headResidentId', 'resident']);
    if (kind === 'house' || kind === 'organisation') refs.push(['buildingId', 'building']);
    const communityPath = node.level === 'grid' ? node.path.replace(/\d+\/$/, '') : node.path;
    for (const [field, refKind] of refs) {
      const id = values[field];
      if (id === undefined || id === null) continue;
      const t = tableOf(refKind);
      const rows = await db.select({ treePath: t.treePath, status: t.status }).from(t).where(eq(t.id, Number(id))).limit(1);
      const r = rows[0];
      if (!r || STATUS_HIDDEN.includes(r.status) || !r.treePath.startsWith(communityPath)) {
        const def = fieldDef(kind, field)!;
        throw new AppError(RegistryErrors.REFERENCE_OUT_OF_SCOPE, { field_zh: def.zh, field_en: def.en }, field);
      }
    }
  }

  private async assertUnique(ctx: RequestContext, kind: RecordKind, values: Record<string, unknown>, db: DbOrTx, exceptId?: number): Promise<void> {
    if (kind === 'resident' && values.idNumberHash) {
      const rows = await db
        .select({ id: residents.id, treePath: residents.treePath, districtCode: residents.districtCode })
        .from(residents)
        .where(and(eq(residents.idNumberHash, values.idNumberHash as string), notInArray(residents.status, STATUS_HIDDEN), exceptId ? ne(residents.id, exceptId) : undefined))
        .limit(1);
      if (rows[0] && ctx.principal && rows[0].treePath.startsWith(ctx.principal.treePath)) {
        throw new AppError(RegistryErrors.RESIDENT_DUPLICATE_ID, { where_zh: `本辖区，记录编号 ${rows[0].id}`, where_en: `in your area, record ${rows[0].id}` }, 'idNumber', { existingId: rows[0].id });
      }
      if (rows[0]) {
        // Registered outside the caller's area: say so without saying where (or which record),
        // and let the caller of the transaction audit the attempt (see residencyProbe).
        const err = new AppError(RegistryErrors.RESIDENT_REGISTERED_ELSEWHERE, {}, 'idNumber');
        Object.defineProperty(err, PROBE, { value: { residentId: rows[0].id, treePath: rows[0].treePath, districtCode: rows[0].districtCode }, enumerable: false });
        throw err;
      }
    }
    if (kind === 'organisation' && values.creditCode) {
      const rows = await db
        .select({ id: organisations.id, treePath: organisations.treePath })
        .from(organisations)
        .where(and(eq(organisations.creditCode, values.creditCode as string), ne(organisations.status, 'deleted'), exceptId ? ne(organisations.id, exceptId) : undefined))
        .limit(1);
      if (rows[0]) {
        const where = await this.whereLabel(ctx, rows[0].treePath, rows[0].id, db);
        throw new AppError(RegistryErrors.ORGANISATION_DUPLICATE_CREDIT_CODE, { where_zh: where.zh, where_en: where.en }, 'creditCode');
      }
    }
  }

  /**
   * After a write refused because the ID number is registered outside the caller's area: the
   * audit row of that attempt (it tells the caller the person exists somewhere, a read of
   * personal data). Written outside the refused transaction, so that it is not rolled back.
   */
  async auditResidencyProbe(ctx: RequestContext, err: unknown, via: Record<string, unknown>): Promise<void> {
    const probe = residencyProbe(err);
    if (!probe) return;
    await this.platform.audit.recordNow(this.db, ctx, residencyProbeEntry(ctx, probe, via));
  }

  /** "in your community, record 12" or "in 滨体社区" (another community: no record details leak). */
  private async whereLabel(ctx: RequestContext, treePath: string, id: number, db: DbOrTx): Promise<{ zh: string; en: string }> {
    if (ctx.principal && treePath.startsWith(ctx.principal.treePath)) return { zh: `本辖区，记录编号 ${id}`, en: `in your area, record ${id}` };
    const trail = await this.tree.trailOf(treePath, db);
    const community = trail.find((n) => n.level === 'community');
    return { zh: `登记于${community?.name ?? '其他社区'}`, en: `registered in ${community?.name ?? 'another community'}` };
  }

  // ---- writing ---------------------------------------------------------------------------

  /**
   * Writes the current state of records as new versions, server-side: the snapshot is the row as
   * PostgreSQL holds it (to_jsonb, snake_case, secrets still encrypted), and for residents their
   * labels too, so that "as it stood on a date" needs nothing else.
   */
  async writeVersions(tx: Tx, ctx: RequestContext | null, kind: RecordKind, ids: number[] | { from: number; to: number }, operation: string, changedFields: string[], source: Source, reason?: string | null): Promise<void> {
    const t = tableOf(kind);
    const p = ctx?.principal;
    const which = Array.isArray(ids) ? sql`t.id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})` : sql`t.id BETWEEN ${ids.from} AND ${ids.to}`;
    if (Array.isArray(ids) && !ids.length) return;
    const data = this.snapshotSql(kind, sql`t`);
    await tx.execute(sql`
      INSERT INTO record_version (record_kind, record_id, version, tree_path, district_code, operation, data, changed_fields, source, reason, changed_by, changed_by_name, department_id)
      SELECT ${kind}, t.id, t.version, t.tree_path, t.district_code, ${operation}, ${data}, ${JSON.stringify(changedFields)}::jsonb, ${source}, ${reason ?? null},
             ${p?.userId ?? null}, ${p?.displayName ?? 'system'}, ${p?.departmentId ?? null}
      FROM ${t} t WHERE ${which}`);
  }

  /**
   * The version snapshot of the row `alias` (a table alias or a CTE of inserted rows): the row as
   * stored and, for residents, their labels. Bulk writes build their first versions from it too.
   */
  snapshotSql(kind: RecordKind, alias: SQL): SQL {
    return kind === 'resident'
      ? sql`to_jsonb(${alias}) || jsonb_build_object('labels', coalesce((SELECT jsonb_agg(jsonb_build_object('code', l.label_code, 'since', l.since, 'until', l.until, 'attributes', l.attributes) ORDER BY l.id) FROM resident_label l WHERE l.resident_id = ${alias}.id), '[]'::jsonb))`
      : sql`to_jsonb(${alias})`;
  }

  async writeVersion(tx: Tx, ctx: RequestContext | null, kind: RecordKind, id: number, operation: string, changedFields: string[], source: Source, reason?: string | null): Promise<void> {
    await this.writeVersions(tx, ctx, kind, [id], operation, changedFields, source, reason);
  }

  /** A version snapshot (snake_case, as stored) back into the Drizzle shape decode() reads. */
  fromSnapshot(kind: RecordKind, data: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [prop, col] of Object.entries(getTableColumns(tableOf(kind)))) out[prop] = data[col.name];
    return out;
  }

  async create(ctx: RequestContext, kind: RecordKind, input: Record<string, unknown>, opts: { source: Source; reason?: string | null; tx?: Tx }): Promise<number> {
    const { gridId, nodeId, ...rest } = input as { gridId?: number; nodeId?: number };
    const { values, problems } = this.encode(kind, rest, { partial: false });
    if (problems.length) throw this.problemsError(kind, problems, ctx.lang);
    const run = async (tx: Tx) => {
      const node = await this.place(ctx, kind, kind === 'facility' ? nodeId : gridId, tx);
      await this.checkReferences(kind, values, node, tx);
      await this.assertUnique(ctx, kind, values, tx);
      const t = tableOf(kind);
      const placementValues = kind === 'facility' ? { nodeId: node.id } : { gridId: node.id };
      const [row] = await tx
        .insert(t)
        .values(checkedValues({ ...values, ...placementValues, treePath: node.path, districtCode: node.districtCode!, updatedBy: kind === 'resident' ? ctx.principal?.userId ?? null : undefined }))
        .returning();
      const r = row!;
      await this.writeVersion(tx, ctx, kind, r.id, 'create', [...new Set(Object.keys(values).filter((k) => !k.endsWith('Hash')).map((k) => k.replace(/Enc$/, '')))], opts.source, opts.reason);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: `${kind}.create`, entityType: kind, entityId: r.id, subjectId: kind === 'resident' ? r.id : null, treePath: r.treePath, districtCode: r.districtCode, reason: opts.reason, detail: { source: opts.source, fields: Object.keys(values).filter((k) => !k.endsWith('Hash') && !k.endsWith('Enc')) } });
      await this.platform.events.emit('registry.recordChanged', { recordKind: kind, recordId: r.id, operation: 'create', changedFields: Object.keys(values), treePath: r.treePath }, tx, ctx);
      return r.id;
    };
    return opts.tx ? run(opts.tx) : this.db.transaction(run).catch(async (err: unknown) => {
      await this.auditResidencyProbe(ctx, err, { via: opts.source, operation: 'create', attemptedIn: gridId ?? nodeId ?? null });
      throw err;
    });
  }

  /** Loads a row for writing, locked, and checks scope and version. */
  private async loadForWrite(tx: Tx, ctx: RequestContext, kind: RecordKind, id: number, expectedVersion: number | undefined, access: RecordAccess) {
    const t = tableOf(kind);
    const rows = await tx.select().from(t).where(and(eq(t.id, id), this.visibility(ctx, kind, access))).for('update').limit(1);
    const row = rows[0] as (Record<string, unknown> & { id: number; version: number; treePath: string; districtCode: string; status: string }) | undefined;
    if (!row || STATUS_HIDDEN.includes(row.status)) throw new AppError(RegistryErrors.RECORD_NOT_FOUND);
    if (expectedVersion !== undefined && row.version !== expectedVersion) {
      throw new AppError(RegistryErrors.RECORD_VERSION_CONFLICT, { current: row.version, expected: expectedVersion }, 'version', { currentVersion: row.version });
    }
    return row;
  }

  /**
   * Changes fields of a record. `expectedVersion` is the version the editor read: if someone else
   * saved in between, the change is refused with RECORD_VERSION_CONFLICT, never merged silently.
   */
  async update(ctx: RequestContext, kind: RecordKind, id: number, patch: Record<string, unknown>, opts: { expectedVersion?: number; source: Source; reason?: string | null; tx?: Tx; access?: RecordAccess }): Promise<{ version: number; changed: string[] }> {
    const access = opts.access ?? (await this.access(ctx, kind));
    if (access.writable !== 'all') {
      const denied = Object.keys(patch).filter((k) => !(access.writable as Set<string>).has(k));
      if (denied.length) throw new AppError(RegistryErrors.FIELD_NOT_WRITABLE, { fields: denied.join(', ') }, denied[0]);
    }
    const run = async (tx: Tx) => {
      const row = await this.loadForWrite(tx, ctx, kind, id, opts.expectedVersion, access);
      // A new document number is checked against the record's document type unless that changes too.
      const input = kind === 'resident' && 'idNumber' in patch && !('idType' in patch) ? { ...patch, idType: row.idType } : patch;
      const { values, problems } = this.encode(kind, input, { partial: true });
      if (problems.length) throw this.problemsError(kind, problems, ctx.lang);
      const node = (await this.tree.getNode(kind === 'facility' ? (row.nodeId as number) : (row.gridId as number), tx))!;
      await this.checkReferences(kind, values, node, tx);
      await this.assertUnique(ctx, kind, values, tx, id);
      // Only real changes make a version: re-saving the same values (or re-importing a file) is a no-op.
      // Blind indexes follow their encrypted value; they are never a change of their own.
      const changed = Object.keys(values).filter((k) => {
        if (k.endsWith('Hash')) return false;
        if (k.endsWith('Enc')) return values[k.replace(/Enc$/, 'Hash')] !== row[k.replace(/Enc$/, 'Hash')];
        return JSON.stringify(values[k]) !== JSON.stringify(row[k] ?? null);
      });
      if (!changed.length) return { version: row.version, changed: [] };
      const set: Record<string, unknown> = { version: row.version + 1, updatedAt: new Date() };
      for (const k of changed) {
        set[k] = values[k];
        if (k.endsWith('Enc')) {
          set[k.replace(/Enc$/, 'Hash')] = values[k.replace(/Enc$/, 'Hash')];
          if (k.replace(/Enc$/, 'TailHash') in values) set[k.replace(/Enc$/, 'TailHash')] = values[k.replace(/Enc$/, 'TailHash')];
        }
      }
      if (kind === 'resident') set.updatedBy = ctx.principal?.userId ?? null;
      const t = tableOf(kind);
      const [updated] = await tx.update(t).set(checkedValues(set)).where(eq(t.id, id)).returning();
      const u = updated!;
      const fieldNames = [...new Set(changed.map((k) => k.replace(/Enc$/, '')))];
      await this.writeVersion(tx, ctx, kind, id, 'update', fieldNames, opts.source, opts.reason);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: `${kind}.update`, entityType: kind, entityId: id, subjectId: kind === 'resident' ? id : null, treePath: u.treePath, districtCode: u.districtCode, reason: opts.reason, detail: { source: opts.source, fields: fieldNames, version: u.version } });
      await this.platform.events.emit('registry.recordChanged', { recordKind: kind, recordId: id, operation: 'update', changedFields: fieldNames, treePath: u.treePath }, tx, ctx);
      return { version: u.version, changed: fieldNames };
    };
    return opts.tx ? run(opts.tx) : this.db.transaction(run).catch(async (err: unknown) => {
      await this.auditResidencyProbe(ctx, err, { via: opts.source, operation: 'update', recordId: id });
      throw err;
    });
  }

  /** Status changes (moved out, deceased, deleted …) keep the row and its history. */
  async setStatus(ctx: RequestContext, kind: RecordKind, id: number, status: string, opts: { expectedVersion?: number; reason: string; source?: Source; tx?: Tx; extra?: Record<string, unknown> }): Promise<number> {
    const access = await this.access(ctx, kind);
    if (access.writable !== 'all') throw new AppError(RegistryErrors.FIELD_NOT_WRITABLE, { fields: 'status' }, 'status');
    const run = async (tx: Tx) => {
      const row = await this.loadForWrite(tx, ctx, kind, id, opts.expectedVersion, access);
      const t = tableOf(kind);
      const [u] = await tx.update(t).set(checkedValues({ status, version: row.version + 1, updatedAt: new Date(), ...(opts.extra ?? {}) })).where(eq(t.id, id)).returning();
      const updated = u!;
      await this.writeVersion(tx, ctx, kind, id, status === 'deleted' ? 'delete' : status === 'merged' ? 'merge' : 'status', ['status'], opts.source ?? 'community', opts.reason);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: `${kind}.status`, entityType: kind, entityId: id, subjectId: kind === 'resident' ? id : null, treePath: updated.treePath, districtCode: updated.districtCode, reason: opts.reason, detail: { from: row.status, to: status } });
      await this.platform.events.emit('registry.recordChanged', { recordKind: kind, recordId: id, operation: 'status', changedFields: ['status'], treePath: updated.treePath }, tx, ctx);
      return updated.version;
    };
    return opts.tx ? run(opts.tx) : this.db.transaction(run);
  }

  /** Moves a record to another grid in the caller's scope (a resident moving house within the community). */
  async moveToGrid(ctx: RequestContext, kind: RecordKind, id: number, gridId: number, opts: { expectedVersion?: number; reason: string }): Promise<number> {
    const access = await this.access(ctx, kind);
    if (access.writable !== 'all') throw new AppError(RegistryErrors.FIELD_NOT_WRITABLE, { fields: 'gridId' }, 'gridId');
    return this.db.transaction(async (tx) => {
      const row = await this.loadForWrite(tx, ctx, kind, id, opts.expectedVersion, access);
      const node = await this.place(ctx, kind, gridId, tx);
      const t = tableOf(kind);
      const placementValues = kind === 'facility' ? { nodeId: node.id } : { gridId: node.id };
      const [u] = await tx.update(t).set(checkedValues({ ...placementValues, treePath: node.path, districtCode: node.districtCode!, version: row.version + 1, updatedAt: new Date() })).where(eq(t.id, id)).returning();
      const updated = u!;
      if (kind === 'resident') await tx.update(residentLabels).set({ treePath: node.path, districtCode: node.districtCode! }).where(eq(residentLabels.residentId, id));
      await this.writeVersion(tx, ctx, kind, id, 'move', [kind === 'facility' ? 'nodeId' : 'gridId'], 'community', opts.reason);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: `${kind}.move`, entityType: kind, entityId: id, subjectId: kind === 'resident' ? id : null, treePath: node.path, districtCode: node.districtCode, reason: opts.reason, detail: { from: row.treePath, to: node.path } });
      await this.platform.events.emit('registry.recordChanged', { recordKind: kind, recordId: id, operation: 'move', changedFields: ['gridId'], treePath: node.path }, tx, ctx);
      return updated.version;
    });
  }

  // ---- reading ---------------------------------------------------------------------------

  /** Stored row -> what this caller may see. */
  decode(kind: RecordKind, row: Record<string, unknown>, access: RecordAccess, readable?: Set<string>): RecordOut {
    const out: Record<string, unknown> = { id: row.id, kind, version: row.version, treePath: row.treePath, updatedAt: row.updatedAt instanceof Date ? row.updatedAt.toISOString() : row.updatedAt };
    const masked: string[] = [];
    const canRead = (k: string) => access.readable === 'all' || (readable ?? access.readable).has(k);
    for (const def of fieldsOf(kind)) {
      if (!canRead(def.key)) continue;
      if (def.secret) {
        const enc = row[`${def.key}Enc`] as string | null;
        if (!enc) {
          out[def.key] = null;
          continue;
        }
        const clear = this.platform.cipher.decrypt(enc);
        if (access.unmasked.has(def.key)) out[def.key] = clear;
        else {
          out[def.key] = def.secret === 'idNumber' ? maskIdNumber(clear) : maskPhone(clear);
          masked.push(def.key);
        }
        continue;
      }
      const v = row[def.key];
      out[def.key] = v instanceof Date ? v.toISOString() : (v ?? null);
    }
    if (kind === 'resident' && canRead('birthDate') && typeof row.birthDate === 'string') out.age = ageOn(row.birthDate);
    return { ...(out as RecordOut), maskedFields: masked };
  }

  async getRow(ctx: RequestContext, kind: RecordKind, id: number, access: RecordAccess, db: DbOrTx = this.db): Promise<Record<string, unknown> & { id: number; treePath: string; status: string; districtCode: string; version: number }> {
    const t = tableOf(kind);
    const rows = await db.select().from(t).where(and(eq(t.id, id), this.visibility(ctx, kind, access))).limit(1);
    const row = rows[0] as (Record<string, unknown> & { id: number; treePath: string; status: string; districtCode: string; version: number }) | undefined;
    if (!row || STATUS_HIDDEN.includes(row.status)) throw new AppError(RegistryErrors.RECORD_NOT_FOUND, {}, undefined, row?.status === 'merged' ? { mergedInto: row.mergedInto } : undefined);
    return row;
  }

  /**
   * A resident as the department that keeps a label reaches it when it decides on that label: in
   * the subtree of one of its grants that writes the label, whatever labels the person carries
   * now (a grant limited to 低保 residents could otherwise never reach someone who is not one yet).
   * Full-access callers see the record as usual.
   */
  async getRowForLabelOwner(ctx: RequestContext, residentId: number, code: string, access: RecordAccess, db: DbOrTx = this.db) {
    if (access.mode === 'full') return this.getRow(ctx, 'resident', residentId, access, db);
    const subtrees = access.grants.filter((g) => g.writeFields.includes(`label:${code}`)).map((g) => g.treePath);
    const rows = await db.select().from(residents).where(and(eq(residents.id, residentId), scopeCondition(ctx.principal!, residents.treePath))).limit(1);
    const row = rows[0] as (Record<string, unknown> & { id: number; treePath: string; status: string; districtCode: string; version: number }) | undefined;
    if (!row || STATUS_HIDDEN.includes(row.status) || !subtrees.some((p) => row.treePath.startsWith(p))) throw new AppError(RegistryErrors.RECORD_NOT_FOUND);
    return row;
  }

  /** One record as the caller may see it; the read is logged when the record is a person. */
  async get(ctx: RequestContext, kind: RecordKind, id: number, opts: { reason?: string | null } = {}): Promise<RecordOut> {
    const access = await this.access(ctx, kind);
    if (access.mode === 'department' && kind === 'resident' && !opts.reason) throw new AppError(RegistryErrors.REASON_REQUIRED, {}, 'reason');
    const row = await this.getRow(ctx, kind, id, access);
    const readable = (await this.rowReadable(kind, access, [row], this.db)).get(row.id);
    const out = this.decode(kind, row, access, readable);
    if (kind === 'resident' || kind === 'organisation') {
      await this.platform.audit.recordNow(this.db, ctx, { category: 'read', action: `${kind}.read`, entityType: kind, entityId: id, subjectId: kind === 'resident' ? id : null, treePath: row.treePath, districtCode: row.districtCode, reason: opts.reason ?? null, detail: { fields: Object.keys(out).filter((k) => fieldDef(kind, k)?.personal) } });
    }
    return out;
  }

  /** Rows by id, decoded for the caller (used after list queries). */
  async decodeMany(ctx: RequestContext, kind: RecordKind, rows: Record<string, unknown>[], access: RecordAccess): Promise<RecordOut[]> {
    const readable = await this.rowReadable(kind, access, rows as { id: number; treePath: string }[], this.db);
    return rows.map((r) => this.decode(kind, r, access, readable.get(r.id as number)));
  }

  /** Reveals one secret field in clear: an explicit action, always logged with its reason. */
  async unmask(ctx: RequestContext, kind: RecordKind, id: number, field: string, reason: string): Promise<string | null> {
    const def = fieldDef(kind, field);
    if (!def?.secret) throw new AppError(RegistryErrors.NOT_A_SECRET_FIELD, { field }, 'field');
    const access = await this.access(ctx, kind);
    const p = ctx.principal!;
    const row = await this.getRow(ctx, kind, id, access);
    if (access.mode === 'department') {
      const readable = (await this.rowReadable(kind, access, [row], this.db)).get(row.id);
      if (!readable?.has(field) || !access.unmasked.has(field)) throw new AppError(RegistryErrors.FIELD_NOT_GRANTED, { fields: field }, 'field');
    } else if (!p.permissions.has('registry:unmask')) {
      throw new AppError(PlatformErrors.FORBIDDEN, { permission: 'registry:unmask' });
    }
    const enc = row[`${field}Enc`] as string | null;
    await this.platform.audit.recordNow(this.db, ctx, { category: 'read', action: `${kind}.unmask`, entityType: kind, entityId: id, subjectId: kind === 'resident' ? id : null, treePath: row.treePath, districtCode: row.districtCode, reason, detail: { field } });
    return enc ? this.platform.cipher.decrypt(enc) : null;
  }

  /**
   * Every version of a record: what changed, who (name, role, unit), when, why, from where. Not for
   * departments: a grant names fields to read, and the history also holds other fields' changes,
   * their reasons and the staff who made them (docs/decisions/0025).
   */
  async history(ctx: RequestContext, kind: RecordKind, id: number) {
    const access = await this.access(ctx, kind);
    const row = await this.getRow(ctx, kind, id, access);
    if (access.mode !== 'full') throw new AppError(RegistryErrors.HISTORY_NOT_GRANTED);
    const versions = await this.db.select().from(recordVersions).where(and(eq(recordVersions.recordKind, kind), eq(recordVersions.recordId, row.id))).orderBy(desc(recordVersions.version));
    const people = await this.tree.people(versions.map((v) => v.changedBy));
    return versions.map((v) => ({
      version: v.version, operation: v.operation, changedFields: v.changedFields, source: v.source, reason: v.reason, changedBy: v.changedByName, by: (v.changedBy ? people.get(v.changedBy) : undefined) ?? null, changedAt: v.changedAt.toISOString(),
    }));
  }

  /** The record as it stood at the end of `date` (YYYY-MM-DD), from its versions. */
  async asOf(ctx: RequestContext, kind: RecordKind, id: number, date: string): Promise<RecordOut | null> {
    const access = await this.access(ctx, kind);
    const current = await this.getRow(ctx, kind, id, access);
    const end = new Date(`${date}T23:59:59.999+08:00`);
    const rows = await this.db
      .select()
      .from(recordVersions)
      .where(and(eq(recordVersions.recordKind, kind), eq(recordVersions.recordId, id), lte(recordVersions.changedAt, end)))
      .orderBy(desc(recordVersions.version))
      .limit(1);
    if (!rows[0]) return null;
    const readable = (await this.rowReadable(kind, access, [current], this.db)).get(current.id);
    const out = this.decode(kind, this.fromSnapshot(kind, rows[0].data as Record<string, unknown>), access, readable);
    if (kind === 'resident') await this.platform.audit.recordNow(this.db, ctx, { category: 'read', action: `${kind}.read_as_of`, entityType: kind, entityId: id, subjectId: id, treePath: current.treePath, districtCode: current.districtCode, detail: { date } });
    return out;
  }

  /** Filter helpers shared by list queries. */
  listConditions(ctx: RequestContext, kind: RecordKind, access: RecordAccess, f: { nodePath?: string; status?: string[]; gridId?: number }): SQL[] {
    const t = tableOf(kind);
    const conds: SQL[] = [this.visibility(ctx, kind, access)];
    if (f.nodePath) conds.push(subtreeCondition(f.nodePath, t.treePath));
    conds.push(f.status?.length ? inArray(t.status, f.status) : eq(t.status, 'active'));
    if (f.gridId && kind !== 'facility') conds.push(eq(t.gridId, f.gridId));
    return conds;
  }

  async listRows(kind: RecordKind, conds: SQL[], limit: number, offset: number, db: DbOrTx = this.db): Promise<{ rows: Record<string, unknown>[]; total: number; totalCapped: boolean }> {
    const t = tableOf(kind);
    const where = and(...conds);
    // Counting a whole district on every page would cost more than the page: count only as far
    // as the pager needs to look ahead (twenty pages past this one, at least 1,000 rows). The cap
    // grows as the user pages on, so "1,000+" becomes "2,000+" when they get there.
    const cap = countCap(limit, offset);
    const countRows = async () => {
      const counted = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${t} WHERE ${where} LIMIT ${cap + 1}) c`);
      return counted[0]?.n ?? 0;
    };
    const pageRows = async (): Promise<Record<string, unknown>[]> => db.select().from(t).where(where).orderBy(asc(t.treePath), asc(t.id)).limit(limit).offset(offset);
    // A page that is not full is the last one: its total needs no count (a look-up by ID number,
    // a small community's list). Past the end, the count tells the caller where the end is.
    const lastPage = (rows: unknown[]) => rows.length < limit && (rows.length > 0 || offset === 0);
    let rows: Record<string, unknown>[];
    let n: number;
    if (db === this.db && this.platform.database.engine === 'postgres') {
      // On a server the count runs beside the page on a second connection.
      [rows, n] = await Promise.all([pageRows(), countRows()]);
      if (lastPage(rows)) n = offset + rows.length;
    } else {
      // The embedded engine runs one query at a time (and a transaction is one connection anyway).
      rows = await pageRows();
      n = lastPage(rows) ? offset + rows.length : await countRows();
    }
    return { rows, total: Math.min(n, cap), totalCapped: n > cap };
  }

  /** Logs a page of personal data shown in a list (one row, with the ids shown). */
  async logListRead(ctx: RequestContext, kind: RecordKind, ids: number[], filter: unknown): Promise<void> {
    if (!ids.length || (kind !== 'resident' && kind !== 'organisation')) return;
    await this.platform.audit.recordNow(this.db, ctx, { category: 'read', action: `${kind}.list`, entityType: kind, treePath: ctx.principal?.treePath, detail: { ids, filter } });
  }

  titleOf(def: FieldDef, lang: 'zh' | 'en'): string {
    return labelTitle(def, lang);
  }
}

/** How far a list's total is counted: twenty pages beyond the current one, never under 1,000 rows. */
export function countCap(limit: number, offset: number): number {
  return Math.max(1_000, offset + 20 * limit);
}
