// One import run: rows are read as a stream, validated one by one, and written a batch at a
// time, each batch in one transaction with its refused rows and the run's progress, so that a
// crash resumes after the last committed batch and nothing is ever half-written. Records the
// sheet already holds (same ID number, same 户号, same building name and address …) are updated,
// and only when something differs, which is what makes importing the same file twice a no-op.
import { sql } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { isSystemPrincipal, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { AuditEntry } from '../../platform/audit.js';
import { fieldDef, fieldsOf, labelRuleWarnings, RegistryErrors, residencyProbeEntry, type RecordAccess, type RecordKind, type RegistryService } from '../registry/index.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import { labelNameIndex, normaliseHeader, SPECIAL, specialName, type LabelKindInfo } from './headers.js';
import type { SourceRow } from './sources.js';
import { ExchangeErrors } from './errors.js';
import { importJobs, importRowIssues, type ColumnMapping, type ImportCounts } from './tables.js';
import { beijingTime } from '../../platform/dates.js';
import { cellProblem, cellText, codeAlias, dateFrom, idNumberFrom, isBlank, isMasked, parseLabelList, phoneFrom, yearMonthFrom, yesNo, type Cell, type Reason } from './values.js';

export type ImportJob = typeof importJobs.$inferSelect;

export interface Issue {
  column: string;
  zh: string;
  en: string;
  /** Set on warnings stored beside the errors of a refused row (the report lists both). */
  severity?: 'warning';
}

/** A sheet row turned into field input, with everything found wrong with it. */
interface Prepared {
  rowNo: number;
  cells: Cell[];
  fields: Record<string, unknown>;
  /** Mapped fields left blank (erased on update when the run says blank clears). */
  blankFields: string[];
  recordId: number | null;
  gridText: string | null;
  grid: TreeNode | null;
  householdNo: string | null;
  labels: string[];
  building: string | null;
  buildingAddress: string | null;
  unitNo: string | null;
  roomNo: string | null;
  errors: Issue[];
  warnings: Issue[];
  /** Problems found in the cells themselves (kept when a failed batch is retried row by row). */
  prepErrors: Issue[];
  prepWarnings: Issue[];
  /** 出生年月 given without the day (1956-03): checked against the ID number's birth date. */
  birthMonth: string | null;
  /** Where each label the row names came from: its column and the cell as written (evidence of a proposal). */
  labelSources: Map<string, { column: string; text: string }>;
  /** Filled by validation: encoded column values. */
  values?: Record<string, unknown>;
  dedupeKey?: string;
}

interface Resolved {
  p: Prepared;
  existing: (Record<string, unknown> & { id: number; version: number; treePath: string; status: string }) | null;
  /** Encoded values for a create, with placement and references. */
  create?: Record<string, unknown>;
  /** API-shaped patch for an update (store.update re-validates it). */
  patch?: Record<string, unknown>;
  newLabels: string[];
  /** Department-owned labels the row names: proposed to their owner, never written. */
  proposals: string[];
}

export interface RunDeps {
  platform: Platform;
  registry: RegistryService;
  tree: TreeService;
}

export const BATCH_ROWS = 2000;

/** This worker no longer runs the import (another took it over): its batch is rolled back. */
export class ImportTakenOverError extends Error {
  constructor(id: number) {
    super(`import ${id} is run by another worker now`);
    this.name = 'ImportTakenOverError';
  }
}

/** The worker is shutting down (or lost the job): the import stops after its last committed batch. */
export class ImportInterruptedError extends Error {
  constructor(id: number) {
    super(`import ${id} interrupted; it resumes after its last committed batch`);
    this.name = 'ImportInterruptedError';
  }
}
/** Advisory-lock class for "an import is writing into this community" (any constant; the second key is the community id). */
const IMPORT_LOCK_CLASS = 72_041_181;

const col = (m: ColumnMapping) => m.header || `第${m.index + 1}列`;

export class ImportRun {
  readonly counts: ImportCounts;
  processed: number;
  private readonly byTarget: Map<string, ColumnMapping>;
  private readonly gridIndex = new Map<string, TreeNode>();
  private readonly labelNames: Map<string, string>;
  private readonly labelKinds: Map<string, LabelKindInfo>;
  /** Dedupe key → first sheet row that used it, over the whole file. */
  private readonly seen = new Map<string, number>();
  private readonly placeNames = new Map<string, string>();
  private readonly buildingCache = new Map<string, number>();
  private readonly houseCache = new Map<string, number>();
  /** Buildings and houses this run created (counted across a resumed run through the job's counts). */
  private placeCounts: { buildings: number; houses: number };
  private readonly reason: string;
  private readonly today = new Date().toISOString().slice(0, 10);

  constructor(
    private readonly deps: RunDeps,
    readonly job: ImportJob,
    private readonly ctx: RequestContext,
    private readonly access: RecordAccess,
    private readonly community: TreeNode,
    grids: TreeNode[],
    labelKinds: LabelKindInfo[],
  ) {
    this.kind = job.recordKind as RecordKind;
    this.counts = { ...job.counts };
    this.placeCounts = { buildings: job.counts.buildingsCreated ?? 0, houses: job.counts.housesCreated ?? 0 };
    this.processed = job.processedRows;
    this.byTarget = new Map((job.mapping ?? []).filter((m) => m.target).map((m) => [m.target!, m]));
    // Facilities may hang on the community itself.
    for (const g of this.kindIs('facility') ? [community, ...grids] : grids) {
      this.gridIndex.set(normaliseHeader(g.name), g);
      this.gridIndex.set(g.code, g);
      const short = g.name.startsWith(community.name) ? g.name.slice(community.name.length) : null;
      if (short) this.gridIndex.set(normaliseHeader(short), g);
    }
    this.labelNames = labelNameIndex(labelKinds);
    this.labelKinds = new Map(labelKinds.map((k) => [k.code, k]));
    this.reason = `导入：${job.fileName}（导入批次 #${job.id}）`;
  }

  readonly kind: RecordKind;

  private kindIs(k: RecordKind): boolean {
    return this.job.recordKind === k;
  }

  /** The registry's import port: matching, encoding and the batch write. */
  private get imports() {
    return this.deps.registry.imports;
  }

  private get defaultGrid(): TreeNode | null {
    if (!this.job.defaultGridId) return null;
    for (const g of this.gridIndex.values()) if (g.id === this.job.defaultGridId) return g;
    return null;
  }

  // ---- reading a row ---------------------------------------------------------------------

  /** True when every mapped cell is blank, or the row repeats the header (sheets printed page by page do). */
  isBlank(row: SourceRow, headers: string[]): boolean {
    let repeatsHeader = true;
    let any = false;
    for (const m of this.byTarget.values()) {
      const c = row.cells[m.index] ?? null;
      if (!isBlank(c)) {
        any = true;
        if (normaliseHeader(cellText(c)) !== normaliseHeader(headers[m.index] ?? '')) repeatsHeader = false;
      }
    }
    return !any || repeatsHeader;
  }

  /** Cells → field input and specials, with per-cell problems (no database). */
  prepare(row: SourceRow): Prepared {
    const p: Prepared = {
      rowNo: row.rowNo, cells: row.cells, fields: {}, blankFields: [], recordId: null, gridText: null, grid: null, householdNo: null, labels: [],
      building: null, buildingAddress: null, unitNo: null, roomNo: null, errors: [], warnings: [], prepErrors: [], prepWarnings: [], birthMonth: null, labelSources: new Map(),
    };
    const hasIdColumn = this.byTarget.has(SPECIAL.id);
    for (const m of this.byTarget.values()) {
      const target = m.target!;
      const got = this.cellOf(row, m);
      if ('error' in got) {
        p.errors.push(got.error);
        continue;
      }
      const cell = got.cell;
      const problem = cellProblem(cell);
      if (problem) {
        p.errors.push({ column: col(m), ...problem });
        continue;
      }
      if (isBlank(cell)) {
        if (!target.startsWith('@') && !target.startsWith('label:')) p.blankFields.push(target);
        continue;
      }
      const text = cellText(cell).trim();
      if (target === SPECIAL.id) {
        const n = Number(text);
        if (!Number.isInteger(n) || n <= 0) p.errors.push({ column: col(m), zh: `记录编号“${text}”不是有效的编号`, en: `"${text}" is not a record number` });
        else p.recordId = n;
      } else if (target === SPECIAL.grid) p.gridText = text;
      else if (target === SPECIAL.householdNo) p.householdNo = text.normalize('NFKC').replace(/\s+/g, '');
      else if (target === SPECIAL.building) p.building = placeText(text);
      else if (target === SPECIAL.buildingAddress) p.buildingAddress = placeText(text);
      else if (target === SPECIAL.unitNo) p.unitNo = placeText(text);
      else if (target === SPECIAL.roomNo) p.roomNo = placeText(text);
      else if (target === SPECIAL.labels) {
        const { codes, unknown } = parseLabelList(text, this.labelNames);
        for (const c of codes) {
          if (!p.labels.includes(c)) p.labels.push(c);
          if (!p.labelSources.has(c)) p.labelSources.set(c, { column: col(m), text: text.slice(0, 100) });
        }
        if (unknown.length) p.warnings.push({ column: col(m), zh: `不认识的标签：${unknown.join('、')}（未导入这些标签）`, en: `unknown labels: ${unknown.join(', ')} (not imported)` });
      } else if (target.startsWith('label:')) {
        const yn = yesNo(cell);
        if (yn === null) p.warnings.push({ column: col(m), zh: `“${text}”应填“是”或“否”（未导入该标签）`, en: `"${text}" should be yes or no (label not imported)` });
        else if (yn) {
          const code = target.slice('label:'.length);
          if (!p.labels.includes(code)) p.labels.push(code);
          if (!p.labelSources.has(code)) p.labelSources.set(code, { column: col(m), text: text.slice(0, 20) });
        }
      } else {
        const def = fieldDef(this.kind, target);
        if (!def) continue;
        if (def.secret === 'idNumber') {
          const r = idNumberFrom(cell);
          if (r.problem) p.errors.push({ column: col(m), ...r.problem });
          else if (r.value && isMasked(r.value)) {
            if (!hasIdColumn) p.errors.push({ column: col(m), zh: '证件号码是遮蔽后的值（含 *），无法识别本人，请填写完整号码', en: 'the ID number is masked (has *); enter the full number' });
          } else p.fields[target] = r.value;
        } else if (def.secret === 'phone') {
          if (isMasked(text)) {
            if (!hasIdColumn) p.errors.push({ column: col(m), zh: '联系电话是遮蔽后的值（含 *），请填写完整号码', en: 'the phone number is masked (has *); enter the full number' });
          } else {
            // A phone that is no phone costs the row its phone, not the person their record.
            const ph = phoneFrom(text);
            if (ph.number) p.fields[target] = ph.number;
            if (ph.warning) p.warnings.push({ column: col(m), ...ph.warning });
          }
        } else if (def.type === 'date') {
          const ym = target === 'birthDate' && this.kind === 'resident' ? yearMonthFrom(cell) : null;
          if (ym) p.birthMonth = ym;
          else p.fields[target] = dateFrom(cell);
        }
        else if (def.type === 'code') p.fields[target] = codeAlias(target, text, this.kind);
        else if (def.type === 'integer' || def.type === 'number') p.fields[target] = typeof cell === 'number' ? cell : text;
        else p.fields[target] = text;
      }
    }
    // The grid: the row's own, or the run's default.
    if (p.gridText) {
      const g = this.gridIndex.get(normaliseHeader(p.gridText)) ?? this.gridIndex.get(p.gridText.replace(/\s/g, ''));
      if (g) p.grid = g;
      else p.errors.push({ column: col(this.byTarget.get(SPECIAL.grid)!), zh: `网格“${p.gridText}”不在${this.community.name}（或已停用），只能导入本社区的网格`, en: `the grid "${p.gridText}" is not an active grid of ${this.community.name}` });
    } else if (this.defaultGrid) p.grid = this.defaultGrid;
    else if (this.kind !== 'facility') p.errors.push({ column: '所属网格', zh: '没有填写所属网格，导入时也没有选择默认网格', en: 'no grid given and no default grid chosen' });
    // Validation of the fields themselves, all problems at once.
    const enc = this.imports.encode(this.kind, p.fields, { partial: true });
    for (const pr of enc.problems) p.errors.push({ column: this.columnOf(pr.field), zh: pr.reason.zh, en: pr.reason.en });
    p.values = enc.values;
    if (p.birthMonth) {
      // 出生年月 (no day) is enough when the ID number gives the full date in that month.
      const derived = enc.values.birthDate as string | undefined;
      const column = this.columnOf('birthDate');
      if (derived && !derived.startsWith(p.birthMonth)) p.errors.push({ column, zh: '出生年月与身份证号不一致', en: 'the birth month does not match the ID number' });
      else if (!derived && !('idNumber' in p.fields) && !enc.problems.some((x) => x.field === 'idNumber') && !p.errors.some((e) => e.column === this.columnOf('idNumber'))) {
        p.errors.push({ column, zh: `出生日期只填了年月（${p.birthMonth.replace('-', '.')}），没有身份证号时请填写完整的出生日期`, en: `only the birth month (${p.birthMonth}) is given; without an ID number enter the full date` });
      }
    }
    if (this.kind === 'house' && !p.building) p.errors.push({ column: '楼栋名称', zh: '没有填写所属楼栋', en: 'no building given' });
    p.prepWarnings = [...p.warnings];
    return p;
  }

  /** A mapped cell of a row; a merge across two mapped columns is an error (which column did it belong to?). */
  private cellOf(row: SourceRow, m: ColumnMapping): { cell: Cell } | { error: Issue } {
    const cell: Cell = row.cells[m.index] ?? null;
    const from = row.mergedInto?.get(m.index);
    if (from === undefined || !isBlank(cell)) return { cell };
    const other = [...this.byTarget.values()].find((x) => x.index === from);
    if (other) return { error: { column: col(m), zh: `与“${col(other)}”列合并成了一个单元格，无法确定各自的取值，请取消合并后分别填写`, en: `merged with the "${col(other)}" column into one cell; unmerge and fill each` } };
    return { cell: row.cells[from] ?? null };
  }

  /** Whether this kind and mapping name places the importer could create (a 楼栋 column, and 房号 for residents and households). */
  get placesApply(): boolean {
    if (!this.byTarget.has(SPECIAL.building)) return false;
    if (this.kind === 'resident' || this.kind === 'household') return this.byTarget.has(SPECIAL.roomNo);
    return this.kind === 'house' || this.kind === 'organisation';
  }

  /** The places a row names (楼栋, 楼栋地址, 单元, 房号) and its grid, without validating the rest. */
  placeRef(row: SourceRow): PlaceRef | null {
    const text = (target: string) => {
      const m = this.byTarget.get(target);
      if (!m) return null;
      const got = this.cellOf(row, m);
      if ('error' in got || isBlank(got.cell) || cellProblem(got.cell)) return null;
      return placeText(cellText(got.cell));
    };
    const building = text(SPECIAL.building);
    if (!building) return null;
    const roomNo = text(SPECIAL.roomNo);
    if ((this.kind === 'resident' || this.kind === 'household') && !roomNo) return null;
    const gridText = text(SPECIAL.grid);
    const grid = gridText ? (this.gridIndex.get(normaliseHeader(gridText)) ?? null) : this.defaultGrid;
    if (!grid) return null;
    return { rowNo: row.rowNo, building, buildingAddress: text(SPECIAL.buildingAddress), unitNo: text(SPECIAL.unitNo) ?? '', roomNo, grid, count: 1 };
  }

  /** The sheet's own heading for a field, for messages. */
  private columnOf(field: string): string {
    const m = this.byTarget.get(field);
    if (m) return col(m);
    return fieldDef(this.kind, field)?.zh ?? specialName(field) ?? field;
  }

  /** The key that makes two rows the same record: within one file it may appear once. */
  private dedupeKey(p: Prepared): string | null {
    if (p.recordId) return `id:${p.recordId}`;
    const v = p.values ?? {};
    const f = (k: string) => normaliseHeader(String(v[k] ?? p.fields[k] ?? ''));
    switch (this.kind) {
      case 'resident':
        return v.idNumberHash ? `idn:${v.idNumberHash as string}` : `nk:${f('name')}|${f('birthDate')}|${f('address')}`;
      case 'household':
        return `hh:${f('householdNo')}`;
      case 'building':
        return `b:${f('name')}|${f('address')}`;
      case 'house':
        return `h:${normaliseHeader(p.building ?? '')}|${normaliseHeader(p.buildingAddress ?? '')}|${f('unitNo')}|${f('roomNo')}`;
      case 'organisation':
        return v.creditCode ? `cc:${v.creditCode as string}` : `o:${f('name')}|${f('address')}`;
      case 'facility':
        return `f:${f('name')}`;
    }
  }

  /** In-file duplicates; for a resumed run, rows already committed only register their keys. */
  checkDuplicate(p: Prepared, registerOnly = false): void {
    const key = this.dedupeKey(p);
    if (!key) return;
    const first = this.seen.get(key);
    if (first === undefined) {
      this.seen.set(key, p.rowNo);
      return;
    }
    if (registerOnly) return;
    const what = key.startsWith('idn:') ? '证件号码' : key.startsWith('id:') ? '记录编号' : key.startsWith('cc:') ? '统一社会信用代码' : '内容';
    const column = key.startsWith('idn:') ? this.columnOf('idNumber') : key.startsWith('id:') ? this.columnOf(SPECIAL.id) : key.startsWith('cc:') ? this.columnOf('creditCode') : what;
    p.errors.push({ column, zh: `与第 ${first} 行重复（${what}相同），同一文件中只能出现一次`, en: `duplicates row ${first}; a record may appear once per file` });
  }

  // ---- one batch -------------------------------------------------------------------------

  /**
   * Settles a batch: rows with problems become issues, the rest are matched and written in one
   * transaction together with the issues and the progress. If that transaction fails (a
   * concurrent import took an ID number, a record changed under us), each row is retried alone
   * so that one bad row cannot sink the good ones.
   */
  async processBatch(rows: Prepared[], lastRowNo: number, blankRows: number): Promise<void> {
    // What the cells themselves say (and in-file duplicates): the starting point of a retry.
    for (const r of rows) {
      r.prepErrors = [...r.errors];
      r.prepWarnings = [...r.warnings];
    }
    const processed = rows.length + blankRows;
    const db = this.deps.platform.db;
    try {
      await db.transaction(async (tx) => {
        // Every row is matched and checked, the refused ones too, so that each row's report
        // lists all its problems at once; only rows without errors are written.
        const o = await this.writeRows(tx, rows);
        await this.settle(tx, [...o.failed, ...o.warnedRows], { ...o, failed: o.failed.length }, lastRowNo, processed, blankRows);
      });
      return;
    } catch (err) {
      if (!rows.some((r) => !r.prepErrors.length)) throw err;
      this.deps.platform.log.warn({ err, importId: this.job.id }, 'import batch failed; retrying its rows one by one');
    }
    const tally = { created: 0, updated: 0, unchanged: 0, warned: 0, failed: 0, proposed: 0 };
    const thrown: Prepared[] = [];
    for (const r of rows) {
      // Start from what the row said, not from what the failed attempt added to it.
      r.errors = [...r.prepErrors];
      r.warnings = [...r.prepWarnings];
      try {
        const o = await db.transaction(async (tx) => {
          const res = await this.writeRows(tx, [r]);
          await this.writeIssues(tx, [...res.failed, ...res.warnedRows]);
          return res;
        });
        tally.created += o.created;
        tally.updated += o.updated;
        tally.unchanged += o.unchanged;
        tally.warned += o.warned;
        tally.proposed += o.proposed;
        tally.failed += o.failed.length;
      } catch (err) {
        r.errors = [...r.prepErrors, { column: '', ...describeWriteError(err) }];
        thrown.push(r);
        await this.imports.auditResidencyProbe(this.ctx, err, { via: 'import', importId: this.job.id, rowNo: r.rowNo });
      }
    }
    tally.failed += thrown.length;
    await db.transaction((tx) => this.settle(tx, thrown, tally, lastRowNo, processed, blankRows));
  }

  /** Writes a settled batch's issues, adds its tallies to the counts and moves the progress on. */
  private async settle(tx: Tx, issueRows: Prepared[], t: { created: number; updated: number; unchanged: number; warned: number; failed: number; proposed?: number }, lastRowNo: number, processed: number, blank: number) {
    await this.writeIssues(tx, issueRows);
    this.counts.proposed = (this.counts.proposed ?? 0) + (t.proposed ?? 0);
    this.counts.created += t.created;
    this.counts.updated += t.updated;
    this.counts.unchanged += t.unchanged;
    this.counts.warned += t.warned;
    this.counts.failed += t.failed;
    this.counts.blank += blank;
    this.processed += processed;
    // Fenced by the runner: a worker that lost the import to another (its heartbeat stopped, it
    // was taken over) finds its name gone here and its batch is rolled back, never written twice.
    const moved = await tx
      .update(importJobs)
      .set({ counts: this.counts, processedRows: this.processed, committedRow: lastRowNo, heartbeatAt: new Date(), updatedAt: new Date() })
      .where(this.job.runner ? sql`${importJobs.id} = ${this.job.id} AND ${importJobs.runner} = ${this.job.runner}` : sql`${importJobs.id} = ${this.job.id}`)
      .returning({ id: importJobs.id });
    if (!moved.length) throw new ImportTakenOverError(this.job.id);
  }

  /** Records blank rows seen at the end of the file (no batch left to carry them). */
  async settleTail(lastRowNo: number, blank: number): Promise<void> {
    if (!blank) return;
    await this.deps.platform.db.transaction((tx) => this.settle(tx, [], { created: 0, updated: 0, unchanged: 0, warned: 0, failed: 0 }, lastRowNo, blank, blank));
  }

  private async writeIssues(tx: Tx, rows: Prepared[]): Promise<void> {
    const list = rows.filter((r) => r.errors.length || r.warnings.length);
    if (!list.length) return;
    const cipher = this.deps.platform.cipher;
    for (let i = 0; i < list.length; i += 500) {
      await tx.insert(importRowIssues).values(
        list.slice(i, i + 500).map((r) => ({
          importId: this.job.id,
          rowNo: r.rowNo,
          severity: r.errors.length ? 'error' : 'warning',
          // Everything the row has, errors first: one round of corrections is enough.
          reasons: [...r.errors, ...r.warnings.map((w) => ({ ...w, severity: 'warning' as const }))],
          cellsEnc: cipher.encrypt(JSON.stringify(trimRow(r.cells.map(cellText)))),
        })),
      );
    }
  }

  /**
   * Matches rows to stored records and writes creates and updates in `tx`. Rows that turn out
   * wrong here (an ID number registered in another community, a building that does not exist)
   * come back in `failed` with their reasons; nothing of them is written.
   */
  private async writeRows(tx: Tx, rows: Prepared[]) {
    const out = { created: 0, updated: 0, unchanged: 0, warned: 0, proposed: 0, failed: [] as Prepared[], warnedRows: [] as Prepared[] };
    if (!rows.length) return out;
    // One import per community at a time: matching and writing see each other's rows.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${IMPORT_LOCK_CLASS}::int, ${this.community.id}::int)`);
    const resolved = await this.resolve(tx, rows);
    const live = resolved.filter((r) => !r.p.errors.length);
    out.failed.push(...resolved.filter((r) => r.p.errors.length).map((r) => r.p));
    // The registry writes the batch: new records set-wise, matched ones one by one, community
    // labels, and the household rules (户号 and 户主) for sheets that name households.
    const { ids, changed } = await this.imports.writeBatch(tx, this.ctx, {
      kind: this.kind, access: this.access, reason: this.reason, since: this.today, communityPath: this.community.path,
      households: this.kind === 'resident' && this.byTarget.has(SPECIAL.householdNo),
      rows: live.map((r) => ({ create: r.create, existing: r.existing ?? undefined, patch: r.patch, values: r.p.values, labels: r.newLabels, householdNo: r.p.householdNo, grid: r.p.grid })),
    });
    live.forEach((r, i) => {
      if (r.create) {
        r.existing = { id: ids[i]!, version: 1, treePath: r.create.treePath as string, districtCode: r.create.districtCode as string, status: 'active' };
        out.created += 1;
      } else if (changed[i]) out.updated += 1;
      else out.unchanged += 1;
    });

    // Labels a department keeps go to it as proposals, with the row as evidence.
    const wanted = live.flatMap((r) =>
      r.proposals.map((code) => ({
        r, code,
        item: {
          residentId: r.existing!.id, code, treePath: r.existing!.treePath, districtCode: (r.existing!.districtCode as string | undefined) ?? this.community.districtCode!, since: this.today,
          evidence: { importId: this.job.id, fileName: this.job.fileName, rowNo: r.p.rowNo, ...(r.p.labelSources.get(code) ?? {}) },
        },
      })),
    );
    if (wanted.length) {
      const outcomes = await this.imports.propose(tx, this.ctx, wanted.map((w) => w.item));
      wanted.forEach((w, i) => {
        const o = outcomes[i]!;
        const k = this.labelKinds.get(w.code)!;
        const owner = ownerName(k.owner);
        const column = w.r.p.labelSources.get(w.code)?.column ?? this.columnOf(SPECIAL.labels);
        if (o.result === 'proposed') {
          out.proposed += 1;
          w.r.p.warnings.push({ column, zh: `标签“${k.nameZh}”由${owner}维护，已提交${owner}确认（确认后生效）`, en: `the label "${k.nameEn}" is kept by ${k.owner}; proposed to them (it applies once they confirm)` });
        } else if (o.result === 'open') {
          w.r.p.warnings.push({ column, zh: `标签“${k.nameZh}”已提交${owner}确认，尚未答复（未重复提交）`, en: `the label "${k.nameEn}" is already waiting for ${k.owner} (not proposed again)` });
        } else if (o.result === 'rejected') {
          w.r.p.warnings.push({
            column,
            zh: `标签“${k.nameZh}”曾被${owner}驳回（${beijingTime(o.at).slice(0, 10)}${o.reason ? `：${o.reason.slice(0, 60)}` : ''}），未再次提交；如有新情况请在居民详情中重新提议`,
            en: `the label "${k.nameEn}" was rejected by ${k.owner} (${o.at.toISOString().slice(0, 10)}); not proposed again; propose it from the resident card if things changed`,
          });
        }
      });
    }

    for (const r of live) {
      if (r.p.warnings.length) {
        out.warned += 1;
        out.warnedRows.push(r.p);
      }
    }
    return out;
  }

  /**
   * Finds the stored record of each row and decides create, update or nothing. Every row goes
   * through every check it can be put to, refused or not: a row with a wrong date is still looked
   * up by its ID number and its building, so its report names all its problems at once.
   */
  private async resolve(tx: Tx, rows: Prepared[]): Promise<Resolved[]> {
    const matching = this.imports;
    const res: Resolved[] = rows.map((p) => ({ p, existing: null, newLabels: [], proposals: [] }));
    const byId = new Map<number, Record<string, unknown> & { id: number; version: number; treePath: string; status: string }>();
    const idFor = new Map<Resolved, number>();

    // 1. Explicit record numbers (a sheet exported from here and edited).
    const explicit = res.filter((r) => r.p.recordId);
    if (explicit.length) {
      for (const row of await matching.rows(tx, this.kind, explicit.map((r) => r.p.recordId!))) byId.set(row.id, row);
      for (const r of explicit) {
        const row = byId.get(r.p.recordId!);
        if (!row || ['deleted', 'merged'].includes(row.status) || !row.treePath.startsWith(this.community.path)) {
          r.p.errors.push({ column: this.columnOf(SPECIAL.id), zh: `记录编号 ${r.p.recordId} 不存在或不属于${this.community.name}`, en: `record ${r.p.recordId} does not exist in ${this.community.name}` });
        } else idFor.set(r, row.id);
      }
    }

    // 2. Natural keys (rows whose key cells are unreadable simply have no key to look up).
    if (this.kind === 'resident') {
      const withHash = res.filter((r) => r.p.values?.idNumberHash);
      const hits = await matching.residentsByIdHash(tx, withHash.map((r) => r.p.values!.idNumberHash as string));
      const byHash = new Map(hits.map((h) => [h.idNumberHash, h]));
      const probes: AuditEntry[] = [];
      for (const r of withHash) {
        const h = byHash.get(r.p.values!.idNumberHash as string);
        if (!h) continue;
        const known = idFor.get(r);
        if (!h.treePath.startsWith(this.community.path)) {
          // Registered outside this community: neither the place nor the record is named, and
          // the attempt is on that person's audit trail (a probe of where someone lives).
          r.p.errors.push({ column: this.columnOf('idNumber'), zh: RegistryErrors.RESIDENT_REGISTERED_ELSEWHERE.zh, en: RegistryErrors.RESIDENT_REGISTERED_ELSEWHERE.en });
          probes.push(residencyProbeEntry(this.ctx, { residentId: h.id, treePath: h.treePath, districtCode: h.districtCode }, { via: 'import', importId: this.job.id, rowNo: r.p.rowNo }));
        } else if (known !== undefined && known !== h.id) {
          r.p.errors.push({ column: this.columnOf('idNumber'), zh: `该证件号码属于另一条记录（编号 ${h.id}），与记录编号 ${known} 不符`, en: `this ID number belongs to record ${h.id}, not ${known}` });
        } else idFor.set(r, h.id);
      }
      if (probes.length) await this.deps.platform.audit.record(tx, this.ctx, probes);
      const noHash = res.filter((r) => !r.p.values?.idNumberHash && !idFor.has(r) && !r.p.fields.idNumber);
      await this.matchByKeys(tx, noHash, ['name', 'birthDate', 'address'], this.community.path, idFor, '同名、同出生日期、同住址的居民有多条，无法确定是哪一位，请补充证件号码');
    } else if (this.kind === 'household') {
      await this.matchByKeys(tx, res.filter((r) => !idFor.has(r) && r.p.values?.householdNo), ['householdNo'], this.community.path, idFor, '该户号在系统中登记了多条户，请先在“户”列表中把重复的一条注销，选“删除（录入错误）”');
    } else if (this.kind === 'building') {
      await this.matchByKeys(tx, res.filter((r) => !idFor.has(r) && r.p.values?.name), ['name', 'address'], this.community.path, idFor, '同名同地址的楼栋有多条');
    } else if (this.kind === 'facility') {
      await this.matchByKeys(tx, res.filter((r) => !idFor.has(r) && r.p.values?.name), ['name'], this.community.path, idFor, '同名设施有多条，请填写记录编号');
    } else if (this.kind === 'organisation') {
      const withCode = res.filter((r) => !idFor.has(r) && r.p.values?.creditCode);
      const found = await matching.byKeys(tx, 'organisation', '/', ['creditCode'], withCode.map((r) => [r.p.values!.creditCode as string]));
      const byCode = new Map(found.map((f) => [f.key[0]!, f]));
      for (const r of withCode) {
        const f = byCode.get(r.p.values!.creditCode as string);
        if (!f) continue;
        if (!f.treePath.startsWith(this.community.path)) r.p.errors.push({ column: this.columnOf('creditCode'), zh: `该统一社会信用代码已登记于${await this.placeName(tx, f.treePath)}`, en: `this credit code is registered in ${await this.placeName(tx, f.treePath)}` });
        else idFor.set(r, f.id);
      }
      await this.matchByKeys(tx, res.filter((r) => !idFor.has(r) && !r.p.values?.creditCode && !r.p.fields.creditCode && r.p.values?.name), ['name', 'address'], this.community.path, idFor, '同名同地址的单位有多条，请填写统一社会信用代码');
    }

    // 3. References the sheet names in words: the building (and house) a row belongs to.
    for (const r of res) await this.resolvePlaceRefs(tx, r.p);
    if (this.kind === 'house') {
      await this.matchByKeys(tx, res.filter((r) => !idFor.has(r) && r.p.fields.buildingId !== undefined && r.p.values?.roomNo), ['buildingId', 'unitNo', 'roomNo'], this.community.path, idFor, '同一楼栋同一单元同一房号的房屋有多条', (p) => [p.fields.buildingId as number, (p.values?.unitNo as string) ?? '', (p.values?.roomNo as string) ?? '']);
    }

    // 4. Stored rows of the matches, to decide what changes.
    const need = [...idFor.values()].filter((id) => !byId.has(id));
    // Only the columns the sheet can change (and those placement, households and label rules need) are read.
    const props = new Set(['gridId', 'nodeId', 'householdId', 'relationToHead', 'buildingId', 'houseId', 'districtCode', ...(this.kind === 'resident' ? ['birthDate', 'sex'] : [])]);
    for (const r of res) for (const k of Object.keys(r.p.values ?? {})) if (!k.endsWith('Enc')) props.add(k);
    for (const k of this.byTarget.keys()) {
      const def = fieldDef(this.kind, k);
      if (def?.column) props.add(def.secret ? `${k}Hash` : k);
    }
    for (const row of await matching.rows(tx, this.kind, need, [...props])) byId.set(row.id, row);
    const openLabels = this.kind === 'resident' ? await matching.openLabels(tx, [...idFor.values()]) : new Map<number, Set<string>>();
    for (const r of res) {
      const id = idFor.get(r);
      const row = id === undefined ? undefined : byId.get(id);
      const labels = this.splitLabels(r.p);
      // Who the labels are for, as the row and the record say: checked against each label's rules.
      this.checkLabelRules(r.p, [...labels.write, ...labels.propose], {
        // 出生年月 alone still tells the age within a year, which is all a plausibility rule needs.
        birthDate: r.p.values?.birthDate ?? row?.birthDate ?? (r.p.birthMonth ? `${r.p.birthMonth}-01` : undefined),
        sex: r.p.values?.sex ?? row?.sex,
      });
      if (id === undefined) {
        const missing = fieldsOf(this.kind).filter((d) => d.required && d.type !== 'reference' && !(d.key in r.p.fields) && !(d.key === 'birthDate' && r.p.birthMonth));
        for (const d of missing) if (!r.p.errors.some((e) => e.column === this.columnOf(d.key))) r.p.errors.push({ column: this.columnOf(d.key), zh: `${d.zh}不能为空`, en: `${d.en} is required` });
        if (this.kind === 'facility' && !r.p.grid) r.p.grid = this.community;
        if (r.p.errors.length) continue;
        const refs: Record<string, unknown> = {};
        for (const k of ['buildingId', 'houseId']) if (r.p.fields[k] !== undefined) refs[k] = r.p.fields[k];
        r.create = { ...r.p.values!, ...refs, ...(this.kind === 'facility' ? { nodeId: r.p.grid!.id } : { gridId: r.p.grid!.id }), treePath: r.p.grid!.path, districtCode: r.p.grid!.districtCode! };
        r.newLabels = labels.write;
        r.proposals = labels.propose;
        continue;
      }
      r.existing = row!;
      const placeCol = this.kind === 'facility' ? 'nodeId' : 'gridId';
      if (r.p.gridText && r.p.grid && row![placeCol] !== r.p.grid.id) {
        // Only residents move between grids by themselves (居民详情 › 迁移网格); other records follow their grid.
        const how = this.kind === 'resident' ? '（如需迁移请在居民详情中选“迁往其他网格”）' : '';
        r.p.warnings.push({ column: this.columnOf(SPECIAL.grid), zh: `该记录登记在其他网格，表中为“${r.p.grid.name}”，未调整网格${how}`, en: `the record belongs to another grid than "${r.p.grid.name}"; the grid was not changed${this.kind === 'resident' ? ' (move the resident from the resident card)' : ''}` });
      }
      if (r.p.errors.length) continue;
      const patchFields: Record<string, unknown> = { ...r.p.fields };
      // What the row says, encoded once already (in prepare); erased fields compare as empty.
      const encoded: Record<string, unknown> = { ...r.p.values };
      for (const k of ['buildingId', 'houseId']) if (r.p.fields[k] !== undefined) encoded[k] = r.p.fields[k];
      if (this.job.options.blankClears) {
        for (const k of r.p.blankFields) {
          const def = fieldDef(this.kind, k);
          if (!def || def.required) continue;
          patchFields[k] = null;
          if (def.secret) Object.assign(encoded, { [`${k}Enc`]: null, [`${k}Hash`]: null });
          else encoded[k] = null;
        }
      }
      const changed = this.imports.changedKeys(encoded, row!);
      const open = openLabels.get(id!) ?? new Set<string>();
      r.newLabels = labels.write.filter((c) => !open.has(c));
      r.proposals = labels.propose.filter((c) => !open.has(c));
      // Someone saved this record after the file was uploaded: the sheet may be older than their
      // change, so it is not overwritten; the row is reported instead (as two editors would be).
      const savedAt = row!.updatedAt instanceof Date ? row!.updatedAt : null;
      if ((changed.length || r.newLabels.length) && savedAt && savedAt > this.job.createdAt) {
        r.p.errors.push({
          column: '',
          zh: `该记录在文件上传后（${beijingTime(savedAt)}）已被修改，为免覆盖他人的修改未导入此行；请核对后重新导入`,
          en: `the record was changed after the upload (${savedAt.toISOString()}); not overwritten — check it and import again`,
        });
        continue;
      }
      if (changed.length) r.patch = patchFields;
    }
    return res;
  }

  /**
   * The labels a row names: those the importer writes (kept by the community), and those kept by
   * a department, which are proposed to it and never written here (nothing is applied without
   * the label's owner, whoever runs the import, the command line included).
   */
  private splitLabels(p: Prepared): { write: string[]; propose: string[] } {
    const out = { write: [] as string[], propose: [] as string[] };
    if (this.kind !== 'resident') return out;
    for (const code of p.labels) {
      const k = this.labelKinds.get(code);
      if (!k) continue;
      if (k.owner === 'community') {
        if (this.access.writable === 'all' || isSystemPrincipal(this.ctx.principal)) out.write.push(code);
      } else if (this.access.writable !== 'all' && this.access.writable.has(`label:${code}`)) out.write.push(code);
      else out.propose.push(code);
    }
    return out;
  }

  /** Plausibility rules of the labels a row names (独居老人 60+, 留守儿童 under 16): warnings, the row is kept. */
  private checkLabelRules(p: Prepared, codes: string[], person: { birthDate?: unknown; sex?: unknown }): void {
    for (const code of codes) {
      const k = this.labelKinds.get(code);
      if (!k?.rules) continue;
      for (const w of labelRuleWarnings(k, person)) {
        const column = p.labelSources.get(code)?.column ?? this.columnOf(SPECIAL.labels);
        p.warnings.push({ column, zh: `${w.zh}（标签已${k.owner === 'community' ? '导入' : '提交部门确认'}）`, en: `${w.en} (the label was ${k.owner === 'community' ? 'imported' : 'proposed'})` });
      }
    }
  }

  private async matchByKeys(tx: Tx, rows: Resolved[], keyFields: string[], root: string, idFor: Map<Resolved, number>, ambiguous: string, keyOf?: (p: Prepared) => (string | number | null)[]): Promise<void> {
    if (!rows.length) return;
    const key = keyOf ?? ((p: Prepared) => keyFields.map((k) => (p.values?.[k] as string | number | null | undefined) ?? null));
    const found = await this.imports.byKeys(tx, this.kind, root, keyFields, rows.map((r) => key(r.p)));
    const byKey = new Map<string, number[]>();
    for (const f of found) {
      const k = JSON.stringify(f.key);
      byKey.set(k, [...(byKey.get(k) ?? []), f.id]);
    }
    for (const r of rows) {
      const ids = byKey.get(JSON.stringify(key(r.p).map((v) => (v === null || v === undefined ? '' : String(v).trim()))));
      if (!ids?.length) continue;
      if (ids.length > 1) r.p.errors.push({ column: '', zh: ambiguous, en: 'several stored records match this row' });
      else idFor.set(r, ids[0]!);
    }
  }

  /**
   * The stored building a sheet names: by name, and by address when the sheet has a 楼栋地址
   * column and several buildings share the name. An address that matches none of one-of-a-kind
   * name still finds it (the address is only there to tell namesakes apart).
   */
  async findBuilding(db: DbOrTx, name: string, address: string | null): Promise<{ id: number } | { missing: true } | { ambiguous: number }> {
    const byName = await this.imports.byKeys(db, 'building', this.community.path, ['name'], [[name]]);
    if (!byName.length) return { missing: true };
    if (byName.length === 1) return { id: byName[0]!.id };
    if (address) {
      const both = await this.imports.byKeys(db, 'building', this.community.path, ['name', 'address'], [[name, address]]);
      if (both.length === 1) return { id: both[0]!.id };
    }
    return { ambiguous: byName.length };
  }

  /** Building (by name, and address when given) and, for residents and households, the house. */
  private async resolvePlaceRefs(tx: Tx, p: Prepared): Promise<void> {
    const wantsBuilding = p.building && (this.kind === 'house' || this.kind === 'organisation' || ((this.kind === 'resident' || this.kind === 'household') && p.roomNo));
    if (!wantsBuilding) return;
    const offer = this.kind === 'house' || this.kind === 'organisation' ? '新建表中缺少的楼栋' : '新建表中缺少的楼栋和房屋';
    const cacheKey = `${normaliseHeader(p.building!)}|${normaliseHeader(p.buildingAddress ?? '')}`;
    let b: number | Issue | undefined = this.buildingCache.get(cacheKey);
    if (b === undefined) {
      const found = await this.findBuilding(tx, p.building!, p.buildingAddress);
      if ('id' in found) b = found.id;
      else if ('missing' in found) {
        b = { column: this.columnOf(SPECIAL.building), zh: `楼栋“${p.building}”在${this.community.name}尚未登记：导入时选择“${offer}”即可一并建立，或先导入楼栋`, en: `no building "${p.building}" in ${this.community.name} yet: choose "create the missing buildings${this.kind === 'house' || this.kind === 'organisation' ? '' : ' and houses'}" when importing, or import buildings first` };
      } else if (p.buildingAddress) {
        b = { column: this.columnOf(SPECIAL.buildingAddress), zh: `名为“${p.building}”的楼栋有 ${found.ambiguous} 栋，楼栋地址“${p.buildingAddress}”与其中任何一栋的登记地址都不一致，请按系统中的地址填写`, en: `${found.ambiguous} buildings are called "${p.building}" and none has the address "${p.buildingAddress}"; use the address as registered` };
      } else {
        b = { column: this.columnOf(SPECIAL.building), zh: `名为“${p.building}”的楼栋有 ${found.ambiguous} 栋，请增加“楼栋地址”列加以区分`, en: `${found.ambiguous} buildings are called "${p.building}"; add a building-address column` };
      }
      // Only hits are cached: a building imported later in the same run must be found.
      if (typeof b === 'number') this.buildingCache.set(cacheKey, b);
    }
    if (typeof b !== 'number') {
      p.errors.push(b);
      return;
    }
    if (this.kind === 'house' || this.kind === 'organisation') {
      p.fields.buildingId = b;
      return;
    }
    const unit = p.unitNo ?? '';
    const houseKey = `${b}|${unit}|${p.roomNo}`;
    const cached = this.houseCache.get(houseKey);
    if (cached) {
      p.fields.houseId = cached;
      return;
    }
    const found = await this.imports.byKeys(tx, 'house', this.community.path, ['buildingId', 'unitNo', 'roomNo'], [[b, unit, p.roomNo!]]);
    const where = `${p.building}${unit ? `${unit}单元` : ''}${p.roomNo}`;
    if (found.length === 1) {
      p.fields.houseId = found[0]!.id;
      this.houseCache.set(houseKey, found[0]!.id);
    } else if (found.length) p.errors.push({ column: this.columnOf(SPECIAL.roomNo), zh: `房屋“${where}”在系统中登记了 ${found.length} 条，请先在“房屋”列表中把重复的一条注销，选“删除（录入错误）”`, en: `house ${p.building} ${unit} ${p.roomNo} is registered ${found.length} times; delete the duplicate first` });
    else p.errors.push({ column: this.columnOf(SPECIAL.roomNo), zh: `房屋“${where}”尚未登记：导入时选择“新建表中缺少的楼栋和房屋”即可一并建立，或先导入房屋`, en: `house ${p.building} ${unit} ${p.roomNo} is not registered yet: choose "create the missing buildings and houses" when importing, or import houses first` });
  }

  // ---- buildings and houses the sheet names ------------------------------------------------

  /**
   * What creating the sheet's missing places would do: the buildings it names (new, already
   * registered, or ambiguous), and for each the houses that would be created. Nothing is written.
   */
  async planPlaces(db: DbOrTx, refs: PlaceRef[]): Promise<PlacePlan> {
    const groups = new Map<string, { name: string; address: string | null; grid: TreeNode; rows: number; houses: Map<string, { unitNo: string; roomNo: string }> }>();
    for (const r of refs) {
      const key = `${normaliseHeader(r.building)}|${normaliseHeader(r.buildingAddress ?? '')}`;
      let g = groups.get(key);
      if (!g) {
        g = { name: r.building, address: r.buildingAddress, grid: r.grid, rows: 0, houses: new Map() };
        groups.set(key, g);
      }
      g.rows += r.count;
      if (r.roomNo) g.houses.set(`${r.unitNo}|${r.roomNo}`, { unitNo: r.unitNo, roomNo: r.roomNo });
    }
    const buildings: PlanBuilding[] = [];
    for (const g of groups.values()) {
      const found = await this.findBuilding(db, g.name, g.address);
      const houses = [...g.houses.values()];
      let existingHouses = new Set<string>();
      if ('id' in found && houses.length) {
        const hits = await this.imports.byKeys(db, 'house', this.community.path, ['buildingId', 'unitNo', 'roomNo'], houses.map((h) => [found.id, h.unitNo, h.roomNo]));
        existingHouses = new Set(hits.map((h) => `${h.key[1]}|${h.key[2]}`));
      }
      const fresh = 'ambiguous' in found ? [] : houses.filter((h) => !existingHouses.has(`${h.unitNo}|${h.roomNo}`));
      buildings.push({
        name: g.name, address: g.address, status: 'id' in found ? 'exists' : 'missing' in found ? 'new' : 'ambiguous', buildingId: 'id' in found ? found.id : null, namesakes: 'ambiguous' in found ? found.ambiguous : 0,
        grid: { id: g.grid.id, name: g.grid.name }, rows: g.rows, newHouses: fresh.sort(compareHouses), existingHouses: existingHouses.size,
      });
    }
    buildings.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN', { numeric: true }));
    return {
      buildings, newBuildings: buildings.filter((b) => b.status === 'new').length, newHouses: buildings.reduce((n, b) => n + b.newHouses.length, 0),
      ambiguous: buildings.filter((b) => b.status === 'ambiguous').length, rows: refs.reduce((n, r) => n + r.count, 0),
    };
  }

  /**
   * Creates what the plan says is missing, in one transaction under the community's import lock
   * (the plan is made again inside it, so two imports cannot create one building twice): each
   * new building in the grid of the first row naming it, with the sheet's 楼栋地址 or, without
   * one, the community's name and the building's; each new house in its building's grid.
   */
  async createPlaces(refs: PlaceRef[]): Promise<{ buildings: number; houses: number }> {
    const bulk = this.imports;
    return this.deps.platform.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${IMPORT_LOCK_CLASS}::int, ${this.community.id}::int)`);
      const plan = await this.planPlaces(tx, refs);
      const newOnes = plan.buildings.filter((b) => b.status === 'new');
      const gridOf = new Map<number, TreeNode>();
      for (const g of this.gridIndex.values()) gridOf.set(g.id, g);
      const enc = bulk.encodeAll('building', newOnes.map((b) => ({ fields: { name: b.name, address: b.address ?? `${this.community.name}${b.name}` }, node: placementOf(gridOf.get(b.grid!.id)!) })));
      if (enc.rejected.length) {
        const first = enc.rejected[0]!;
        throw new AppError(ExchangeErrors.IMPORT_PLACES_INVALID, { name: newOnes[first.index]!.name, reason_zh: first.problems[0]!.reason.zh, reason_en: first.problems[0]!.reason.en });
      }
      const ids = await bulk.insertEncoded(tx, this.ctx, 'building', enc.values, { source: 'import', reason: this.reason });
      newOnes.forEach((b, i) => (b.buildingId = ids[i]!));
      const houses = plan.buildings.filter((b) => b.status !== 'ambiguous' && b.newHouses.length).flatMap((b) =>
        b.newHouses.map((h) => ({ fields: { buildingId: b.buildingId!, unitNo: h.unitNo || null, roomNo: h.roomNo, floor: floorOf(h.roomNo) }, node: placementOf(gridOf.get(b.grid!.id)!) })),
      );
      const henc = bulk.encodeAll('house', houses);
      if (henc.rejected.length) {
        const first = henc.rejected[0]!;
        const h = houses[first.index]!.fields;
        throw new AppError(ExchangeErrors.IMPORT_PLACES_INVALID, { name: `${h.unitNo ? `${h.unitNo}单元` : ''}${h.roomNo}`, reason_zh: first.problems[0]!.reason.zh, reason_en: first.problems[0]!.reason.en });
      }
      await bulk.insertEncoded(tx, this.ctx, 'house', henc.values, { source: 'import', reason: this.reason });
      this.placeCounts = { buildings: this.placeCounts.buildings + newOnes.length, houses: this.placeCounts.houses + henc.values.length };
      await tx
        .update(importJobs)
        .set({ counts: { ...this.counts, buildingsCreated: this.placeCounts.buildings, housesCreated: this.placeCounts.houses }, updatedAt: new Date() })
        .where(sql`${importJobs.id} = ${this.job.id}`);
      this.counts.buildingsCreated = this.placeCounts.buildings;
      this.counts.housesCreated = this.placeCounts.houses;
      if (newOnes.length || henc.values.length) {
        await this.deps.platform.audit.record(tx, this.ctx, {
          category: 'write', action: 'import.create_places', entityType: 'import', entityId: this.job.id, treePath: this.community.path, districtCode: this.community.districtCode,
          detail: { buildings: newOnes.map((b, i) => ({ id: ids[i], name: b.name })), houses: henc.values.length },
        });
      }
      return { buildings: newOnes.length, houses: henc.values.length };
    });
  }

  private async placeName(tx: Tx, treePath: string): Promise<string> {
    const cached = this.placeNames.get(treePath);
    if (cached) return cached;
    const trail = await this.deps.tree.trailOf(treePath, tx);
    const c = trail.find((n) => n.level === 'community');
    const name = c ? `${trail.find((n) => n.level === 'street')?.name ?? ''}${c.name}` : '其他社区';
    this.placeNames.set(treePath, name);
    return name;
  }
}

/** A place reference as sheets write it: full-width to half-width, spaces collapsed. */
export function placeText(s: string): string {
  return s.normalize('NFKC').replace(/[\s\u3000]+/g, ' ').trim();
}

/** 301 → 3, 1202 → 12: the floor a Chinese room number starts with. */
function floorOf(room: string): number | null {
  const m = /^(\d{1,2})\d{2}$/.exec(room);
  const f = m ? Number(m[1]) : NaN;
  return f >= 1 && f <= 99 ? f : null;
}

function compareHouses(a: { unitNo: string; roomNo: string }, b: { unitNo: string; roomNo: string }): number {
  return a.unitNo.localeCompare(b.unitNo, 'zh-CN', { numeric: true }) || a.roomNo.localeCompare(b.roomNo, 'zh-CN', { numeric: true });
}

/** The places one sheet row names, with the grid it goes to. */
export interface PlaceRef {
  rowNo: number;
  building: string;
  buildingAddress: string | null;
  unitNo: string;
  roomNo: string | null;
  grid: TreeNode;
  /** Sheet rows naming this place. */
  count: number;
}

export interface PlanBuilding {
  name: string;
  address: string | null;
  /** new: not registered (created when agreed); exists; ambiguous: several share the name (cannot be created) */
  status: 'new' | 'exists' | 'ambiguous';
  buildingId: number | null;
  namesakes: number;
  grid: { id: number; name: string } | null;
  /** Sheet rows naming it. */
  rows: number;
  newHouses: { unitNo: string; roomNo: string }[];
  existingHouses: number;
}

export interface PlacePlan {
  buildings: PlanBuilding[];
  newBuildings: number;
  newHouses: number;
  ambiguous: number;
  /** Sheet rows that name a place. */
  rows: number;
}

function placementOf(g: TreeNode) {
  return { id: g.id, path: g.path, districtCode: g.districtCode! };
}

function trimRow(cells: string[]): string[] {
  let n = cells.length;
  while (n > 0 && !cells[n - 1]) n -= 1;
  return cells.slice(0, n);
}

const ownerNames: Record<string, string> = { civil_affairs: '民政部门', public_security: '公安部门', health: '卫健部门', human_resources: '人社部门', housing: '住建部门', market_regulation: '市场监管部门', disabled_federation: '残联', veterans_affairs: '退役军人事务部门', justice: '司法部门', education: '教育部门' };
function ownerName(owner: string): string {
  return ownerNames[owner] ?? owner;
}

/** A write that failed for one row, in words a community worker understands. */
export function describeWriteError(err: unknown): Reason {
  if (err instanceof AppError) return { zh: err.messageIn('zh'), en: err.messageIn('en') };
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === '23505') return { zh: '与已有记录重复（可能正被他人同时导入）', en: 'duplicates a stored record (perhaps imported by someone else at the same time)' };
  return { zh: `写入失败：${String(e.message ?? err).slice(0, 200)}`, en: `could not be written: ${String(e.message ?? err).slice(0, 200)}` };
}
