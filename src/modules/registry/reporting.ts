// What reports may read of base data (报表数据源). The report registry compiles declarative
// templates into SQL, but base data belongs to this module, so this file publishes the only view
// reports get: the record kinds as report sources, each field as a SQL expression with its type,
// code table and the grant a department needs to name it; how labels are tested on a date; how
// age is taken from the birth date; and the placement columns (tree_path, district_code, grid_id)
// every query is scoped and grouped by. Reports never name a registry table or column themselves.
//
// Expressions use the table names as aliases ("resident", "visit" …) so that the registry's own
// visibility conditions (department grants) can be appended to a drill-down query unchanged.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError, PlatformErrors } from '../../platform/errors.js';
import { scopeCondition } from '../../platform/scope.js';
import { codeTables, visitKinds, type CodeTable } from './codes.js';
import { alwaysVisible, fieldDef } from './fields.js';
import type { RegistryService } from './service.js';
import type { LabelKind } from './labels.js';
import { tableOf } from './store.js';
import type { RecordKind } from './tables.js';

export type ReportFieldType = 'code' | 'integer' | 'number' | 'date' | 'timestamp' | 'boolean' | 'reference';

/** Values a compiled query binds for the report it computes. */
export interface ReportDates {
  /** The reference date (YYYY-MM-DD): labels active on it, ages on it. The period's end, or today when the period is not over. */
  ref: string;
  /** The report period, inclusive dates in local (China) time. */
  periodStart: string;
  periodEnd: string;
}

/** Bound parameters of the dates, built once per query so that every expression shares them. */
export interface DateParams {
  ref: SQL;
  periodStart: SQL;
  periodEnd: SQL;
  /** Instants: the start of the period and the end of the reference day, in China time. */
  startTs: SQL;
  refEndTs: SQL;
  periodEndTs: SQL;
  dates: ReportDates;
}

export function dateParams(d: ReportDates): DateParams {
  const next = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    ref: sql`${d.ref}::date`,
    periodStart: sql`${d.periodStart}::date`,
    periodEnd: sql`${d.periodEnd}::date`,
    startTs: sql`${`${d.periodStart}T00:00:00+08:00`}::timestamptz`,
    refEndTs: sql`${`${next(d.ref)}T00:00:00+08:00`}::timestamptz`,
    periodEndTs: sql`${`${next(d.periodEnd)}T00:00:00+08:00`}::timestamptz`,
    dates: d,
  };
}

/** The base-data field a department must be granted to name a report field. */
export interface GrantNeed {
  kind: RecordKind;
  /** A catalogue field key, or "label:<code>". */
  field: string;
}

export interface ReportField {
  key: string;
  zh: string;
  en: string;
  type: ReportFieldType;
  codes?: CodeTable;
  /** The value as SQL over the source's tables. */
  expr: (d: DateParams) => SQL;
  /** What a department needs in its grants to name this field; null for work records without personal content. */
  grant: GrantNeed | null;
  /** Age in whole years on the reference date: compiled into birth-date cut-offs (index-friendly, no per-row arithmetic). */
  ageFrom?: SQL;
  /** May rows be grouped by it (coded fields and booleans only: a grouping never lists people). */
  groupable: boolean;
  /** May it be summed or averaged. */
  numeric: boolean;
  /** A correlated look-up: computed once per row (in a LATERAL subquery) however often the template uses it. */
  perRow?: boolean;
}

export type DrillKind = 'resident' | 'household' | 'building' | 'house' | 'organisation' | 'facility' | 'visit' | 'review';

export interface ReportSource {
  key: string;
  zh: string;
  en: string;
  /** FROM clause (tables named by their own names). */
  from: SQL;
  /** Live rows only (active records; label facts overlapping the period). */
  live: (d: DateParams) => SQL | null;
  treePath: SQL;
  districtCode: SQL;
  gridId: SQL;
  /** The row's id, for drill-down. */
  id: SQL;
  /** The person a row is about (labels are tested on it); null when rows are not about people. */
  personId: SQL | null;
  /** Drill-down lists these records. */
  drill: DrillKind;
  /** The record kind whose grants govern the source (null: work records). */
  grantKind: RecordKind | null;
  /** The date field a period filter or period grouping uses by default. */
  periodField?: string;
  fields: ReportField[];
}

const ageExpr = (col: SQL) => (d: DateParams) => sql`date_part('year', age(${d.ref}, ${col}))::int`;

function field(key: string, zh: string, en: string, type: ReportFieldType, expr: (d: DateParams) => SQL, grant: GrantNeed | null, extra: Partial<ReportField> = {}): ReportField {
  return { key, zh, en, type, expr, grant, groupable: type === 'code' || type === 'boolean', numeric: type === 'integer' || type === 'number', ...extra };
}

/** A catalogue field of a record kind, read from its column, needing that field's grant. */
function catalogueField(kind: RecordKind, table: string, key: string, overrides: Partial<ReportField> = {}): ReportField {
  const def = fieldDef(kind, key);
  if (!def || !def.column) throw new Error(`no catalogue field ${kind}.${key}`);
  const col = sql.raw(`${table}.${def.column}`);
  const type: ReportFieldType = def.type === 'string' || def.type === 'text' ? 'code' : def.type === 'reference' ? 'reference' : def.type === 'date' ? 'date' : def.type;
  return field(key, def.zh, def.en, type, () => col, { kind, field: key }, { codes: def.codes, ...overrides });
}

const R = (c: string) => sql.raw(`resident.${c}`);

/** The static sources. Label facts get their label codes and attributes from the label kinds (data), see ReportSources.sources(). */
function staticSources(): ReportSource[] {
  const resident: ReportSource = {
    key: 'resident', zh: '居民', en: 'residents',
    from: sql`resident`,
    live: () => sql`resident.status = 'active'`,
    treePath: R('tree_path'), districtCode: R('district_code'), gridId: R('grid_id'), id: R('id'), personId: R('id'),
    drill: 'resident', grantKind: 'resident',
    fields: [
      catalogueField('resident', 'resident', 'sex'),
      field('age', '年龄', 'age', 'integer', ageExpr(R('birth_date')), { kind: 'resident', field: 'birthDate' }, { ageFrom: R('birth_date') }),
      catalogueField('resident', 'resident', 'birthDate', { groupable: false }),
      catalogueField('resident', 'resident', 'ethnicity'),
      catalogueField('resident', 'resident', 'maritalStatus'),
      catalogueField('resident', 'resident', 'politicalStatus'),
      catalogueField('resident', 'resident', 'education'),
      catalogueField('resident', 'resident', 'residenceStatus'),
      catalogueField('resident', 'resident', 'relationToHead'),
      catalogueField('resident', 'resident', 'idType'),
      catalogueField('resident', 'resident', 'residentSince'),
      catalogueField('resident', 'resident', 'householdId'),
      field('id', '居民', 'resident', 'reference', () => R('id'), null),
      field('gridId', '所属网格', 'grid', 'reference', () => R('grid_id'), null),
      // The last visit on or before the reference day (a correlated look-up on the visit index).
      field('lastVisitAt', '最近走访时间', 'last visit', 'timestamp', (d) => sql`(SELECT max(v.visited_at) FROM visit v WHERE v.resident_id = resident.id AND v.visited_at < ${d.refEndTs})`, null, { perRow: true }),
    ],
  };
  const household: ReportSource = {
    key: 'household', zh: '户', en: 'households',
    from: sql`household`,
    live: () => sql`household.status = 'active'`,
    treePath: sql.raw('household.tree_path'), districtCode: sql.raw('household.district_code'), gridId: sql.raw('household.grid_id'), id: sql.raw('household.id'), personId: null,
    drill: 'household', grantKind: 'household',
    fields: [
      catalogueField('household', 'household', 'kind'),
      field('members', '户内人数', 'members', 'integer', () => sql`(SELECT count(*)::int FROM resident m WHERE m.household_id = household.id AND m.status = 'active')`, { kind: 'household', field: 'householdNo' }, { perRow: true }),
      field('id', '户', 'household', 'reference', () => sql.raw('household.id'), null),
      field('gridId', '所属网格', 'grid', 'reference', () => sql.raw('household.grid_id'), null),
    ],
  };
  const building: ReportSource = {
    key: 'building', zh: '楼栋', en: 'buildings',
    from: sql`building`,
    live: () => sql`building.status = 'active'`,
    treePath: sql.raw('building.tree_path'), districtCode: sql.raw('building.district_code'), gridId: sql.raw('building.grid_id'), id: sql.raw('building.id'), personId: null,
    drill: 'building', grantKind: 'building',
    fields: [
      catalogueField('building', 'building', 'kind'),
      catalogueField('building', 'building', 'floors'),
      catalogueField('building', 'building', 'unitCount'),
      catalogueField('building', 'building', 'builtYear'),
      field('id', '楼栋', 'building', 'reference', () => sql.raw('building.id'), null),
    ],
  };
  const house: ReportSource = {
    key: 'house', zh: '房屋', en: 'houses',
    from: sql`house`,
    live: () => sql`house.status = 'active'`,
    treePath: sql.raw('house.tree_path'), districtCode: sql.raw('house.district_code'), gridId: sql.raw('house.grid_id'), id: sql.raw('house.id'), personId: null,
    drill: 'house', grantKind: 'house',
    fields: [
      catalogueField('house', 'house', 'usage'),
      catalogueField('house', 'house', 'areaM2'),
      catalogueField('house', 'house', 'floor'),
      field('id', '房屋', 'house', 'reference', () => sql.raw('house.id'), null),
    ],
  };
  const organisation: ReportSource = {
    key: 'organisation', zh: '单位', en: 'organisations',
    from: sql`organisation`,
    live: () => sql`organisation.status = 'active'`,
    treePath: sql.raw('organisation.tree_path'), districtCode: sql.raw('organisation.district_code'), gridId: sql.raw('organisation.grid_id'), id: sql.raw('organisation.id'), personId: null,
    drill: 'organisation', grantKind: 'organisation',
    fields: [
      catalogueField('organisation', 'organisation', 'kind'),
      catalogueField('organisation', 'organisation', 'employees'),
      field('id', '单位', 'organisation', 'reference', () => sql.raw('organisation.id'), null),
    ],
  };
  const facility: ReportSource = {
    key: 'facility', zh: '设施', en: 'facilities',
    from: sql`facility`,
    live: () => sql`facility.status = 'active'`,
    // Facilities hang on a community or a grid: grouped by grid, community-level ones fall under "(not on a grid)".
    treePath: sql.raw('facility.tree_path'), districtCode: sql.raw('facility.district_code'), gridId: sql.raw('facility.node_id'), id: sql.raw('facility.id'), personId: null,
    drill: 'facility', grantKind: 'facility',
    fields: [
      catalogueField('facility', 'facility', 'kind'),
      catalogueField('facility', 'facility', 'capacity'),
      field('id', '设施', 'facility', 'reference', () => sql.raw('facility.id'), null),
    ],
  };
  const visit: ReportSource = {
    key: 'visit', zh: '走访记录', en: 'visits',
    from: sql`visit`,
    live: () => null,
    treePath: sql.raw('visit.tree_path'), districtCode: sql.raw('visit.district_code'), gridId: sql.raw('visit.grid_id'), id: sql.raw('visit.id'), personId: sql.raw('visit.resident_id'),
    drill: 'visit', grantKind: null, periodField: 'visitedAt',
    fields: [
      field('visitedAt', '走访时间', 'visited at', 'timestamp', () => sql.raw('visit.visited_at'), null),
      field('kind', '走访类型', 'visit kind', 'code', () => sql.raw('visit.kind'), null, { codes: visitKinds }),
      field('confirmed', '核实了记录', 'confirmed records', 'boolean', () => sql`(jsonb_array_length(visit.confirmed_policies) > 0)`, null),
      field('residentId', '被走访居民', 'visited resident', 'reference', () => sql.raw('visit.resident_id'), null),
      field('householdId', '被走访户', 'visited household', 'reference', () => sql.raw('visit.household_id'), null),
      field('visitorId', '走访人', 'visitor', 'reference', () => sql.raw('visit.visitor_id'), null),
      field('id', '走访', 'visit', 'reference', () => sql.raw('visit.id'), null),
    ],
  };
  const review: ReportSource = {
    key: 'review', zh: '数据维护记录', en: 'record reviews',
    from: sql`record_review`,
    live: () => null,
    treePath: sql.raw('record_review.tree_path'), districtCode: sql.raw('record_review.district_code'), gridId: sql.raw('record_review.grid_id'),
    id: sql`(record_review.record_kind || ':' || record_review.record_id || ':' || record_review.policy_id)`, personId: null,
    drill: 'review', grantKind: null, periodField: 'reviewedAt',
    fields: [
      field('recordKind', '记录类型', 'record kind', 'code', () => sql.raw('record_review.record_kind'), null, {
        codes: { resident: { zh: '居民', en: 'resident' }, household: { zh: '户', en: 'household' }, building: { zh: '楼栋', en: 'building' }, house: { zh: '房屋', en: 'house' }, organisation: { zh: '单位', en: 'organisation' }, facility: { zh: '设施', en: 'facility' } },
      }),
      field('owner', '维护责任方', 'kept by', 'code', () => sql.raw('record_review.owner'), null, { codes: { community: { zh: '社区', en: 'community' }, ...codeTables.department } }),
      field('reviewedAt', '最近核实时间', 'last confirmed', 'timestamp', () => sql.raw('record_review.reviewed_at'), null),
      field('dueAt', '应核实时间', 'due', 'timestamp', () => sql.raw('record_review.due_at'), null),
      // Fresh = not yet due at the end of the reference day.
      field('fresh', '按期维护', 'kept fresh', 'boolean', (d) => sql`(record_review.due_at >= ${d.refEndTs})`, null),
      field('recordId', '记录', 'record', 'reference', () => sql`(record_review.record_kind || ':' || record_review.record_id)`, null),
    ],
  };
  return [resident, household, building, house, organisation, facility, visit, review];
}

/** Label facts (重点人群标签): one row per label held by an active resident, overlapping the period. */
function labelSource(kinds: LabelKind[]): ReportSource {
  const codes: Record<string, { zh: string; en: string }> = Object.fromEntries(kinds.map((k) => [k.code, { zh: k.nameZh, en: k.nameEn }]));
  const attrs = new Map<string, { type: 'string' | 'number' | 'date'; zh: string; en: string; codes?: Record<string, string>; labels: string[] }>();
  for (const k of kinds) {
    for (const [name, spec] of Object.entries(k.attributeSchema ?? {})) {
      const a = attrs.get(name) ?? { ...spec, labels: [] };
      a.labels.push(k.code);
      attrs.set(name, a);
    }
  }
  const L = (c: string) => sql.raw(`resident_label.${c}`);
  const fields: ReportField[] = [
    // The grant needed for a label code depends on the codes the template filters on (label:<code>).
    field('labelCode', '标签', 'label', 'code', () => L('label_code'), { kind: 'resident', field: 'label:*' }, { codes }),
    field('since', '认定日期', 'since', 'date', () => L('since'), null),
    field('until', '终止日期', 'until', 'date', () => L('until'), null),
    field('activeAtEnd', '期末有效', 'active at period end', 'boolean', (d) => sql`(resident_label.until IS NULL OR resident_label.until >= ${d.ref})`, null),
    field('startedInPeriod', '本期新增', 'started in period', 'boolean', (d) => sql`(resident_label.since BETWEEN ${d.periodStart} AND ${d.periodEnd})`, null),
    field('endedInPeriod', '本期退出', 'ended in period', 'boolean', (d) => sql`(resident_label.until BETWEEN ${d.periodStart} AND ${d.periodEnd})`, null),
    field('residentId', '人员', 'person', 'reference', () => L('resident_id'), null),
    field('householdId', '户', 'household', 'reference', () => R('household_id'), { kind: 'resident', field: 'householdId' }),
    catalogueField('resident', 'resident', 'sex'),
    field('age', '年龄', 'age', 'integer', ageExpr(R('birth_date')), { kind: 'resident', field: 'birthDate' }, { ageFrom: R('birth_date') }),
    catalogueField('resident', 'resident', 'residenceStatus'),
  ];
  for (const [name, a] of attrs) {
    const raw = sql`(resident_label.attributes ->> ${name})`;
    const type: ReportFieldType = a.type === 'number' ? 'number' : a.type === 'date' ? 'date' : 'code';
    const expr = a.type === 'number' ? () => sql`(CASE WHEN ${raw} ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN ${raw}::numeric END)` : a.type === 'date' ? () => sql`(CASE WHEN ${raw} ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN ${raw}::date END)` : () => raw;
    const codesOf = a.codes ? Object.fromEntries(Object.entries(a.codes).map(([k, v]) => [k, { zh: v, en: v }])) : undefined;
    fields.push(field(`attr.${name}`, a.zh, a.en, type, expr, { kind: 'resident', field: `label:${a.labels[0]}` }, { codes: codesOf, groupable: type === 'code' && !!codesOf }));
  }
  return {
    key: 'label', zh: '重点人群标签', en: 'label facts',
    from: sql`resident_label JOIN resident ON resident.id = resident_label.resident_id`,
    live: (d) => sql`resident.status = 'active' AND resident_label.since <= ${d.periodEnd} AND (resident_label.until IS NULL OR resident_label.until >= ${d.periodStart})`,
    treePath: L('tree_path'), districtCode: L('district_code'), gridId: R('grid_id'), id: L('id'), personId: L('resident_id'),
    drill: 'resident', grantKind: 'resident', periodField: 'since',
    fields,
  };
}

/** A row of a drill-down list: what the viewer may see of one record behind a number. */
export interface DrillRow {
  id: number | string;
  kind: DrillKind;
  title: string;
  fields: Record<string, unknown>;
  maskedFields?: string[];
}

/**
 * The report sources of this city (label kinds are data, so the label facts are built from them),
 * label tests, and drill-down reads that go through the registry's visibility and masking.
 */
export class ReportSources {
  constructor(private readonly registry: RegistryService) {}

  async labelKinds(db?: DbOrTx): Promise<LabelKind[]> {
    return this.registry.labels.kinds(false, db);
  }

  /** The label kinds whose figures the caller may see under a node ('all' for those who read the register). */
  async labelsShownTo(ctx: RequestContext, nodePath: string): Promise<'all' | Set<string>> {
    return this.registry.labelsShownTo(ctx, nodePath);
  }

  async sources(db?: DbOrTx): Promise<ReportSource[]> {
    return [...staticSources(), labelSource(await this.labelKinds(db))];
  }

  /**
   * The label CTE body: one row per person holding any of `codes` on the reference date, with one
   * boolean column per code (x0, x1 …), limited to the scope. Joined to a source on its person id,
   * it answers every label test of a report in one pass over the label index.
   */
  labelFacts(codes: string[], scopePath: string, d: DateParams): SQL {
    const cols = codes.map((c, i) => sql`bool_or(resident_label.label_code = ${c}) AS ${sql.raw(`x${i}`)}`);
    return sql`SELECT resident_label.resident_id, ${sql.join(cols, sql`, `)}
      FROM resident_label
      WHERE resident_label.tree_path LIKE ${`${scopePath}%`} AND resident_label.label_code IN (${sql.join(codes.map((c) => sql`${c}`), sql`, `)})
        AND resident_label.since <= ${d.ref} AND (resident_label.until IS NULL OR resident_label.until >= ${d.ref})
      GROUP BY resident_label.resident_id`;
  }

  /**
   * What a department lacks to name these fields in a report. For each record kind, the fields
   * must be readable under its grants; a grant limited to labels (民政: 低保, 特困 …) covers a
   * template only when every row it counts carries one of those labels (`confinedTo`).
   */
  async missingGrants(ctx: RequestContext, needs: { kind: RecordKind; fields: string[]; confinedTo: string[] | null }[], db?: DbOrTx): Promise<{ kind: RecordKind; field: string; zh: string; en: string; why: 'field' | 'labels' }[]> {
    const p = ctx.principal!;
    const out: { kind: RecordKind; field: string; zh: string; en: string; why: 'field' | 'labels' }[] = [];
    const kinds = new Map((await this.labelKinds(db)).map((k) => [k.code, k]));
    const title = (kind: RecordKind, f: string) => {
      if (f.startsWith('label:')) {
        const k = kinds.get(f.slice(6));
        return { zh: `标签“${k?.nameZh ?? f.slice(6)}”`, en: `label "${k?.nameEn ?? f.slice(6)}"` };
      }
      const def = fieldDef(kind, f);
      return { zh: `${def?.zh ?? f}`, en: `${def?.en ?? f}` };
    };
    for (const need of needs) {
      if (!need.fields.length) continue;
      const fa = await this.registry.store.platform.grants.fieldAccess(db ?? this.registry.store.db, p, need.kind);
      const usable = fa.grants.filter((g) => !g.labels.length || (need.confinedTo ?? []).some((l) => g.labels.includes(l)));
      const readable = new Set([...alwaysVisible[need.kind], ...usable.flatMap((g) => g.readFields)]);
      const labelLimited = fa.grants.length > 0 && usable.length === 0;
      for (const f of need.fields) {
        if (readable.has(f)) continue;
        const t = title(need.kind, f);
        out.push({ kind: need.kind, field: f, zh: t.zh, en: t.en, why: labelLimited ? 'labels' : 'field' });
      }
    }
    return out;
  }

  /**
   * Where a department's grants let it see rows of a source (the registry's own visibility rule);
   * `true` for callers with full access to base data. Work records (visits, reviews) follow the
   * resident and record grants they are about: a department sees none of them row by row.
   */
  async visibility(ctx: RequestContext, source: ReportSource, db?: DbOrTx): Promise<SQL> {
    const p = ctx.principal!;
    if (p.permissions.has('registry:read')) return scopeCondition(p, source.treePath);
    if (!p.permissions.has('registry:lookup')) throw new AppError(PlatformErrors.FORBIDDEN, { permission: 'registry:read' });
    if (!source.grantKind) return sql`false`;
    const access = await this.registry.store.access(ctx, source.grantKind, db);
    return this.registry.store.visibility(ctx, source.grantKind, access);
  }

  /**
   * The records behind a number, as the viewer may see them: masked, limited to granted fields,
   * and logged as a read of personal data (one audit row per page, with the ids shown).
   */
  async drillRows(ctx: RequestContext, drill: DrillKind, ids: (number | string)[], purpose: { reason?: string | null; report: string }): Promise<DrillRow[]> {
    if (!ids.length) return [];
    const store = this.registry.store;
    const db = store.db;
    const lang = ctx.lang;
    if (drill === 'visit') {
      const rows = await queryRows<{ id: number; visited_at: string; kind: string; resident_id: number | null; name: string | null; grid_id: number }>(
        db,
        sql`SELECT v.id, v.visited_at, v.kind, v.resident_id, r.name, v.grid_id FROM visit v LEFT JOIN resident r ON r.id = v.resident_id WHERE v.id IN (${sql.join(ids.map((i) => sql`${Number(i)}`), sql`, `)}) ORDER BY v.visited_at DESC, v.id`,
      );
      const grids = await store.tree.names(rows.map((r) => r.grid_id));
      await store.logListRead(ctx, 'resident', rows.map((r) => r.resident_id).filter((x): x is number => !!x), { report: purpose.report, reason: purpose.reason ?? null, via: 'visit' });
      return rows.map((r) => ({
        id: r.id, kind: 'visit', title: r.name ?? '',
        fields: { visitedAt: new Date(r.visited_at).toISOString(), kind: visitKinds[r.kind]?.[lang] ?? r.kind, residentId: r.resident_id, grid: grids.get(r.grid_id) ?? '' },
      }));
    }
    if (drill === 'review') {
      const keys = ids.map((i) => String(i).split(':'));
      const rows = await queryRows<{ record_kind: string; record_id: number; policy_id: number; due_at: string; reviewed_at: string; grid_id: number; label: string | null; policy: string | null }>(
        db,
        sql`SELECT rr.record_kind, rr.record_id, rr.policy_id, rr.due_at, rr.reviewed_at, rr.grid_id, fp.name_zh AS policy,
                   COALESCE(r.name, h.household_no, b.name, hs.room_no, o.name, f.name) AS label
            FROM record_review rr
            JOIN field_policy fp ON fp.id = rr.policy_id
            LEFT JOIN resident r ON rr.record_kind = 'resident' AND r.id = rr.record_id
            LEFT JOIN household h ON rr.record_kind = 'household' AND h.id = rr.record_id
            LEFT JOIN building b ON rr.record_kind = 'building' AND b.id = rr.record_id
            LEFT JOIN house hs ON rr.record_kind = 'house' AND hs.id = rr.record_id
            LEFT JOIN organisation o ON rr.record_kind = 'organisation' AND o.id = rr.record_id
            LEFT JOIN facility f ON rr.record_kind = 'facility' AND f.id = rr.record_id
            WHERE (rr.record_kind, rr.record_id, rr.policy_id) IN (${sql.join(keys.map(([k, r, p]) => sql`(${k}, ${Number(r)}, ${Number(p)})`), sql`, `)})
            ORDER BY rr.due_at`,
      );
      await store.logListRead(ctx, 'resident', rows.filter((r) => r.record_kind === 'resident').map((r) => r.record_id), { report: purpose.report, reason: purpose.reason ?? null, via: 'review' });
      return rows.map((r) => ({
        id: `${r.record_kind}:${r.record_id}:${r.policy_id}`, kind: 'review', title: r.label ?? '',
        fields: { recordKind: r.record_kind, recordId: r.record_id, fieldGroup: r.policy, reviewedAt: new Date(r.reviewed_at).toISOString(), dueAt: new Date(r.due_at).toISOString() },
      }));
    }
    const kind = drill as RecordKind;
    const numericIds = ids.map(Number);
    const access = await store.access(ctx, kind);
    const t = tableOf(kind);
    const rows: Record<string, unknown>[] = await db.select().from(t).where(sql`${t.id} IN (${sql.join(numericIds.map((i) => sql`${i}`), sql`, `)}) AND ${store.visibility(ctx, kind, access)}`);
    const byId = new Map(rows.map((r) => [r.id as number, r]));
    const ordered = numericIds.map((i) => byId.get(i)).filter((r): r is Record<string, unknown> => !!r);
    const decoded = await store.decodeMany(ctx, kind, ordered, access);
    const grids = new Map((await store.tree.getNodes([...new Set(ordered.map((r) => Number(r.gridId ?? r.nodeId)))])).map((g) => [g.id, g.name]));
    let labels = new Map<number, { labelCode: string }[]>();
    let lastVisit = new Map<number, string>();
    let canSeeLabel: (residentId: number, code: string) => boolean = () => false;
    if (kind === 'resident') {
      labels = (await this.registry.labels.forResidents(numericIds)) as Map<number, { labelCode: string }[]>;
      canSeeLabel = await store.labelVisibility(access, ordered as { id: number; treePath: string }[]);
      const lv = await queryRows<{ resident_id: number; at: string }>(db, sql`SELECT resident_id, max(visited_at) AS at FROM visit WHERE resident_id IN (${sql.join(numericIds.map((i) => sql`${i}`), sql`, `)}) GROUP BY resident_id`);
      lastVisit = new Map(lv.map((v) => [v.resident_id, new Date(v.at).toISOString()]));
    }
    const kinds = new Map((await this.labelKinds()).map((k) => [k.code, lang === 'zh' ? k.nameZh : k.nameEn]));
    const audited = decoded.map((d) => d.id);
    await store.logListRead(ctx, kind, audited, { report: purpose.report, reason: purpose.reason ?? null });
    return decoded.map((d) => {
      const src = byId.get(d.id)!;
      const { id, kind: _k, version: _v, treePath: _p, updatedAt: _u, maskedFields, ...rest } = d;
      const extra: Record<string, unknown> = { grid: grids.get(Number(src.gridId ?? src.nodeId)) ?? '' };
      if (kind === 'resident') {
        extra.labels = (labels.get(id) ?? []).filter((l) => canSeeLabel(id, l.labelCode)).map((l) => kinds.get(l.labelCode) ?? l.labelCode);
        extra.lastVisitAt = lastVisit.get(id) ?? null;
      }
      const title = String(rest.name ?? rest.householdNo ?? rest.roomNo ?? id);
      return { id, kind: drill, title, fields: { ...rest, ...extra }, maskedFields };
    });
  }
}
