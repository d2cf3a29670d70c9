// The import service (导入): upload a sheet, see the header row found and the proposed column
// mapping (a remembered template, or header names), confirm it, and let the run go in the
// background while the caller polls its progress; then the counts, the refused rows with their
// reasons, and an Excel error report to fix and upload again.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, asc, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import { configSpec } from '../../config.js';
import { queryRows } from '../../db/client.js';
import { rolePermissions } from '../../platform/auth/roles.js';
import { systemContext, type Principal, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { fieldDef, maskIdNumber, maskPhone, type RecordKind, type RegistryService } from '../registry/index.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import { ExchangeErrors } from './errors.js';
import { checkMapping, headerScore, headerSignature, labelNameIndex, proposeMapping, SPECIAL, targetsOf, type LabelKindInfo, type Target, type ValueFit } from './headers.js';
import { BATCH_ROWS, ImportInterruptedError, ImportRun, type ImportJob, type PlacePlan, type PlaceRef } from './run.js';
import { readLimits } from '../../platform/documents/read-limits.js';
import { SheetReaders } from './readers.js';
import type { SheetSource, SourceRow } from './sources.js';
import { importJobs, importRowIssues, importTemplates, type ColumnMapping, type ImportOptions, type ImportPreview } from './tables.js';
import { cellText, codeAlias, isBlank, parseLabelList } from './values.js';
import { beijingTime } from '../../platform/dates.js';
import { attachmentHeader } from '../../platform/documents/http.js';
import { StreamedWorkbook } from '../../platform/documents/xlsx-stream.js';

export const IMPORT_JOB_KIND = 'exchange.import';
/** Rows per file by default (QC_IMPORT_MAX_ROWS): far above any community's register, low enough to refuse a runaway file early. */
export const MAX_IMPORT_ROWS = configSpec.importMaxRows.default;
/** Refused rows (with the cells as uploaded) are kept this long for the error report. */
export const ISSUE_RETENTION_DAYS = 30;
/** An upload nobody confirms is dropped after this long (the file holds personal data in clear). */
export const ABANDONED_UPLOAD_HOURS = 24;
const HEADER_SEARCH_ROWS = 20;
const SAMPLE_ROWS = 5;

export const kindNames: Record<RecordKind, { zh: string; en: string }> = {
  resident: { zh: '居民', en: 'residents' }, household: { zh: '户', en: 'households' }, building: { zh: '楼栋', en: 'buildings' },
  house: { zh: '房屋', en: 'houses' }, organisation: { zh: '单位', en: 'organisations' }, facility: { zh: '设施', en: 'facilities' },
};

const statusNames: Record<string, { zh: string; en: string }> = {
  uploaded: { zh: '待确认列对应', en: 'waiting for the column mapping' }, queued: { zh: '排队中', en: 'queued' }, running: { zh: '导入中', en: 'running' },
  cancelling: { zh: '正在取消', en: 'cancelling' }, done: { zh: '已完成', en: 'done' }, cancelled: { zh: '已取消', en: 'cancelled' }, failed: { zh: '失败', en: 'failed' },
};

export interface ImportView {
  id: number;
  kind: RecordKind;
  status: string;
  statusName: string;
  fileName: string;
  fileSize: number;
  format: string;
  encoding: string | null;
  node: { id: number; name: string };
  defaultGridId: number | null;
  preview: ImportPreview | null;
  mapping: ColumnMapping[];
  targets: Target[];
  missingRequired: string[];
  options: ImportOptions;
  totalRows: number;
  processedRows: number;
  progress: number;
  counts: ImportJob['counts'];
  error: { code: string; message: string } | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  issueCount: number;
}

export interface StartInput {
  mapping?: { index: number; target: string | null }[];
  defaultGridId?: number | null;
  blankClears?: boolean;
  remember?: boolean;
  /** Create the buildings and houses the sheet names that the community lacks (after seeing the plan). */
  createPlaces?: boolean;
}

/** Masks what looks like an ID number or a phone in a preview sample. */
function maskSample(s: string, secret: boolean): string {
  const t = s.trim();
  if (/^\d{17}[\dXx]$|^\d{15}$/.test(t)) return maskIdNumber(t.toUpperCase());
  if (/^1[3-9]\d{9}$/.test(t)) return maskPhone(t);
  if (secret && t.length > 4) return `${t.slice(0, 3)}${'*'.repeat(Math.max(0, t.length - 7))}${t.slice(-4)}`;
  return t.length > 60 ? `${t.slice(0, 60)}…` : t;
}

/** How many sample values of a column a target would take: decides ambiguous headings (人员类别). */
function valueFit(kind: RecordKind, labelKinds: LabelKindInfo[]): ValueFit {
  const names = labelNameIndex(labelKinds);
  return (target, samples) => {
    if (target === SPECIAL.labels) return samples.filter((v) => { const r = parseLabelList(v, names); return r.codes.length > 0 && !r.unknown.length; }).length;
    const def = fieldDef(kind, target);
    if (def?.type !== 'code' || !def.codes) return 0;
    const codes = def.codes;
    return samples.filter((v) => {
      const c = codeAlias(target, v, kind);
      return Boolean(codes[c]) || Object.values(codes).some((x) => x.zh === c || x.en.toLowerCase() === c.toLowerCase());
    }).length;
  };
}

/** A write in progress whose failure is kept (not left unhandled) until it is awaited. */
type InFlight = Promise<{ error: unknown } | null>;
function inFlight(p: Promise<void>): InFlight {
  return p.then(
    () => null,
    (error: unknown) => ({ error }),
  );
}
async function settled(p: InFlight | null): Promise<void> {
  const r = p ? await p : null;
  if (r) throw r.error;
}

export class ImportService {
  /** Uploads are read in worker threads under the read limits (readers.ts). */
  readonly readers: SheetReaders;

  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly tree: TreeService,
  ) {
    const c = platform.config;
    this.readers = new SheetReaders({ limits: readLimits(c), workers: c.importWorkers, memoryMb: c.importWorkerMemoryMb });
  }

  /** Reads an upload in a worker thread; the source must be closed. */
  private openSource(path: string, size: number): Promise<SheetSource> {
    return this.readers.open(path, size);
  }

  private get db() {
    return this.platform.db;
  }

  get uploadDir(): string {
    return join(this.platform.config.dataDir, 'imports');
  }

  fileOf(job: Pick<ImportJob, 'id' | 'format'>): string {
    return join(this.uploadDir, `${job.id}.${job.format}`);
  }

  async labelKinds(): Promise<LabelKindInfo[]> {
    return (await this.registry.imports.labelKinds()).map((k) => ({ code: k.code, nameZh: k.nameZh, nameEn: k.nameEn, owner: k.owner, active: k.active, rules: k.rules }));
  }

  // ---- where an import goes ----------------------------------------------------------------

  /** The community (and grid, when a grid was chosen) an import goes into, inside the caller's area. */
  async target(p: Principal, nodeId: number): Promise<{ community: TreeNode; grid: TreeNode | null }> {
    const node = await this.tree.getNode(nodeId);
    if (!node || node.validTo || !node.path.startsWith(p.treePath) || (node.level !== 'community' && node.level !== 'grid')) throw new AppError(ExchangeErrors.IMPORT_TARGET_INVALID, {}, 'nodeId');
    if (node.level === 'community') return { community: node, grid: null };
    const community = await this.tree.getNode(node.parentId!);
    if (!community) throw new AppError(ExchangeErrors.IMPORT_TARGET_INVALID, {}, 'nodeId');
    return { community, grid: node };
  }

  private async checkDefaultGrid(community: TreeNode, gridId: number | null | undefined): Promise<number | null> {
    if (!gridId) return null;
    const g = await this.tree.getNode(gridId);
    if (!g || g.level !== 'grid' || g.validTo || g.parentId !== community.id) throw new AppError(ExchangeErrors.IMPORT_GRID_INVALID, {}, 'defaultGridId');
    return g.id;
  }

  // ---- upload and preview ------------------------------------------------------------------

  /**
   * Stores an uploaded sheet (streamed to disk, never whole in memory), recognises it and proposes
   * the header row and the column mapping. Nothing is imported yet.
   */
  async upload(ctx: RequestContext, file: { filename: string; stream: Readable }, q: { kind: RecordKind; nodeId?: number; defaultGridId?: number | null }): Promise<ImportView> {
    const p = ctx.principal!;
    const { community, grid } = await this.target(p, q.nodeId ?? p.nodeId);
    const chosenGridId = await this.checkDefaultGrid(community, q.defaultGridId ?? grid?.id ?? null);
    mkdirSync(this.uploadDir, { recursive: true, mode: 0o700 });
    const tmp = join(this.uploadDir, `${randomUUID()}.part`);
    const hash = createHash('sm3');
    let size = 0;
    try {
      await pipeline(
        file.stream,
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            size += chunk.length;
            hash.update(chunk);
            cb(null, chunk);
          },
        }),
        createWriteStream(tmp, { mode: 0o600 }),
      );
      if ((file.stream as Readable & { truncated?: boolean }).truncated) throw Object.assign(new Error('truncated'), { code: 'FST_REQ_FILE_TOO_LARGE' });
    } catch (err) {
      await rm(tmp, { force: true });
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(ExchangeErrors.IMPORT_FILE_TOO_LARGE, { limitMb: Math.round(this.platform.config.uploadLimitBytes / 1024 / 1024) }, 'file');
      throw err;
    }
    // Control characters are exactly what a file name must not carry into a header or a log.
    // eslint-disable-next-line no-control-regex
    const fileName = (file.filename || 'upload').replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 200);
    let job: ImportJob;
    let source: SheetSource | null = null;
    try {
      source = await this.openSource(tmp, size);
      const labelKinds = await this.labelKinds();
      const preview = await this.buildPreview(source, q.kind, community, labelKinds, {});
      await source.close();
      const format = source.format;
      const encoding = source.encoding;
      const mapping = await this.initialMapping(q.kind, community, preview, labelKinds);
      const { gridId: defaultGridId, source: gridSource } = await this.rememberedGrid(p, q.kind, community, preview, chosenGridId);
      preview.defaultGridSource = gridSource;
      job = await this.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(importJobs)
          .values({
            recordKind: q.kind, status: 'uploaded', nodeId: community.id, treePath: community.path, districtCode: community.districtCode!, defaultGridId, fileName, fileSize: size,
            format, encoding, fileDigest: hash.digest('hex'), preview, mapping, totalRows: preview.totalRows,
            createdBy: p.userId, createdByName: p.displayName,
          })
          .returning();
        await this.platform.audit.record(tx, ctx, { category: 'write', action: 'import.upload', entityType: 'import', entityId: row!.id, treePath: community.path, districtCode: community.districtCode, detail: { kind: q.kind, fileName, size, format, rows: preview.totalRows } });
        return row!;
      });
    } catch (err) {
      await source?.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await rename(tmp, this.fileOf(job));
    return this.view(ctx, job);
  }

  /**
   * The default grid of a new upload: the one chosen for it; else the one remembered with this
   * sheet layout's mapping; else the one this worker chose for their last import of this kind in
   * this community; else the community's only grid. A remembered grid since retired is skipped.
   */
  private async rememberedGrid(p: Principal, kind: RecordKind, community: TreeNode, preview: ImportPreview, chosen: number | null): Promise<{ gridId: number | null; source: ImportPreview['defaultGridSource'] }> {
    if (chosen) return { gridId: chosen, source: 'chosen' };
    const valid = async (id: number | null | undefined) => (id ? await this.checkDefaultGrid(community, id).catch(() => null) : null);
    if (preview.templateId) {
      const t = await this.db.select({ g: importTemplates.defaultGridId }).from(importTemplates).where(eq(importTemplates.id, preview.templateId)).limit(1);
      const g = await valid(t[0]?.g);
      if (g) return { gridId: g, source: 'template' };
    }
    if (p.userId) {
      const last = await this.db
        .select({ g: importJobs.defaultGridId })
        .from(importJobs)
        .where(and(eq(importJobs.nodeId, community.id), eq(importJobs.recordKind, kind), eq(importJobs.createdBy, p.userId), sql`${importJobs.status} NOT IN ('uploaded', 'cancelled')`, sql`${importJobs.defaultGridId} IS NOT NULL`))
        .orderBy(desc(importJobs.id))
        .limit(1);
      const g = await valid(last[0]?.g);
      if (g) return { gridId: g, source: 'last' };
    }
    const grids = await this.tree.subtree(community.path, ['grid']);
    if (grids.length === 1) return { gridId: grids[0]!.id, source: 'only' };
    return { gridId: null, source: null };
  }

  /** Recomputes the preview for another sheet or header row (before the import starts). */
  async repreview(ctx: RequestContext, id: number, body: { sheet?: string; headerRow?: number }): Promise<ImportView> {
    const job = await this.load(ctx, id);
    if (job.status !== 'uploaded') throw this.stateError(job, { zh: '重新识别表头', en: 'be previewed again' });
    const community = (await this.tree.getNode(job.nodeId))!;
    const labelKinds = await this.labelKinds();
    const source = await this.openSource(this.fileOf(job), job.fileSize);
    let preview: ImportPreview;
    try {
      preview = await this.buildPreview(source, job.recordKind as RecordKind, community, labelKinds, body);
    } finally {
      await source.close();
    }
    preview.defaultGridSource = job.preview?.defaultGridSource ?? null;
    const mapping = await this.initialMapping(job.recordKind as RecordKind, community, preview, labelKinds);
    const [row] = await this.db.update(importJobs).set({ preview, mapping, totalRows: preview.totalRows, updatedAt: new Date() }).where(eq(importJobs.id, id)).returning();
    return this.view(ctx, row!);
  }

  private async buildPreview(source: SheetSource, kind: RecordKind, community: TreeNode, labelKinds: LabelKindInfo[], want: { sheet?: string; headerRow?: number }): Promise<ImportPreview> {
    // The rows are counted by the reader, which stops at the limit (IMPORT_TOO_MANY_ROWS).
    const sheet = await source.sheet(want.sheet ?? null);
    const rows: SourceRow[] = [];
    for await (const row of source.rows(sheet.name)) {
      if (row.cells.every(isBlank)) continue;
      rows.push(row);
      if (want.headerRow ? row.rowNo >= want.headerRow && rows.filter((r) => r.rowNo > want.headerRow!).length >= SAMPLE_ROWS : rows.length >= HEADER_SEARCH_ROWS + SAMPLE_ROWS) break;
    }
    if (!rows.length) throw new AppError(ExchangeErrors.IMPORT_NO_DATA, { sheet: sheet.name });
    let header: SourceRow | undefined;
    if (want.headerRow) {
      header = rows.find((r) => r.rowNo === want.headerRow);
      if (!header) throw new AppError(ExchangeErrors.IMPORT_MAPPING_INVALID, { reason_zh: `第 ${want.headerRow} 行是空行，不能作为表头`, reason_en: `row ${want.headerRow} is blank and cannot be the header` }, 'headerRow');
    } else {
      // The header row is the one most cells of which read as headings; titles above it are skipped.
      let best = -1;
      for (const r of rows.slice(0, HEADER_SEARCH_ROWS)) {
        const score = headerScore(kind, r.cells.map((c) => cellText(c)), labelKinds);
        if (score > best) {
          best = score;
          header = r;
        }
      }
      if (best <= 0) throw new AppError(ExchangeErrors.IMPORT_NO_HEADER, { rows: HEADER_SEARCH_ROWS });
    }
    const samples = rows.filter((r) => r.rowNo > header!.rowNo).slice(0, SAMPLE_ROWS);
    const width = Math.max(header!.cells.length, ...samples.map((s) => s.cells.length));
    const headerTexts = Array.from({ length: width }, (_, i) => cellText(header!.cells[i] ?? null).replace(/\s+/g, ' ').trim());
    const proposed = proposeMapping(kind, headerTexts, labelKinds, headerTexts.map((_, i) => samples.map((s) => cellText(s.cells[i] ?? null))), valueFit(kind, labelKinds));
    const secretCols = new Set(proposed.filter((m) => m.target === 'idNumber' || m.target === 'phone').map((m) => m.index));
    const headers = headerTexts.map((h, i) => ({ index: i, header: h, samples: samples.map((s) => maskSample(cellText(s.cells[i] ?? null), secretCols.has(i))) }));
    const template = await this.findTemplate(community, kind, headerTexts);
    const sheets = source.sheets.map((s) => ({ name: s.name, rows: s.name === sheet.name ? sheet.rows : s.rows, hidden: s.hidden }));
    return {
      sheets, sheet: source.format === 'xlsx' ? sheet.name : null, headerRow: header!.rowNo, headers,
      mappingSource: template ? 'template' : 'headers', templateId: template?.id ?? null, totalRows: Math.max(0, sheet.rows - header!.rowNo),
    };
  }

  private async findTemplate(community: TreeNode, kind: RecordKind, headers: string[]) {
    const rows = await this.db
      .select()
      .from(importTemplates)
      .where(and(eq(importTemplates.nodeId, community.id), eq(importTemplates.recordKind, kind), eq(importTemplates.signature, headerSignature(kind, headers))))
      .limit(1);
    return rows[0];
  }

  private async initialMapping(kind: RecordKind, community: TreeNode, preview: ImportPreview, labelKinds: LabelKindInfo[]): Promise<ColumnMapping[]> {
    const headers = preview.headers.map((h) => h.header);
    if (preview.templateId) {
      const t = await this.findTemplate(community, kind, headers);
      if (t) {
        const targets = new Set(targetsOf(kind, labelKinds).map((x) => x.key));
        // A target retired since (a label kind made inactive) is dropped, not kept dangling.
        return headers.map((header, index) => {
          const m = t.mapping.find((x) => x.index === index);
          return { index, header, target: m?.target && targets.has(m.target) ? m.target : null };
        });
      }
    }
    return proposeMapping(kind, headers, labelKinds, preview.headers.map((h) => h.samples), valueFit(kind, labelKinds));
  }

  // ---- starting and running ----------------------------------------------------------------

  /** Confirms the mapping (remembered as the community's template for this layout) and queues the run. */
  async start(ctx: RequestContext, id: number, input: StartInput): Promise<ImportView> {
    const job = await this.load(ctx, id);
    if (job.status !== 'uploaded') throw this.stateError(job, { zh: '开始导入', en: 'start' });
    const kind = job.recordKind as RecordKind;
    const preview = job.preview!;
    const labelKinds = await this.labelKinds();
    let mapping = job.mapping ?? [];
    if (input.mapping) {
      const byIndex = new Map(input.mapping.map((m) => [m.index, m.target]));
      for (const m of input.mapping) {
        if (m.index < 0 || m.index >= preview.headers.length) throw new AppError(ExchangeErrors.IMPORT_MAPPING_INVALID, { reason_zh: `表格没有第 ${m.index + 1} 列`, reason_en: `the sheet has no column ${m.index + 1}` }, 'mapping');
      }
      mapping = preview.headers.map((h) => ({ index: h.index, header: h.header, target: byIndex.has(h.index) ? (byIndex.get(h.index) ?? null) : null }));
    }
    const { problems, missing } = checkMapping(kind, mapping, labelKinds);
    if (problems.length) throw new AppError(ExchangeErrors.IMPORT_MAPPING_INVALID, { reason_zh: problems[0]!.zh, reason_en: problems[0]!.en }, 'mapping', { problems });
    if (missing.length) throw new AppError(ExchangeErrors.IMPORT_REQUIRED_COLUMN_MISSING, { column_zh: missing[0]!.zh, column_en: missing[0]!.en, kind_zh: kindNames[kind].zh, kind_en: kindNames[kind].en }, 'mapping', { missing: missing.map((m) => m.key) });
    if (!mapping.some((m) => m.target)) throw new AppError(ExchangeErrors.IMPORT_MAPPING_INVALID, { reason_zh: '没有任何一列对应到字段', reason_en: 'no column is mapped to a field' }, 'mapping');
    const community = (await this.tree.getNode(job.nodeId))!;
    const defaultGridId = input.defaultGridId !== undefined ? await this.checkDefaultGrid(community, input.defaultGridId) : job.defaultGridId;
    if (kind !== 'facility' && !defaultGridId && !mapping.some((m) => m.target === SPECIAL.grid)) {
      throw new AppError(ExchangeErrors.IMPORT_MAPPING_INVALID, { reason_zh: '表格中没有“所属网格”列，请选择默认网格', reason_en: 'the sheet has no grid column; choose a default grid' }, 'defaultGridId');
    }
    const updated = await this.db.transaction(async (tx) => {
      if (input.remember !== false) {
        const headers = preview.headers.map((h) => h.header);
        await tx
          .insert(importTemplates)
          .values({ nodeId: community.id, treePath: community.path, districtCode: community.districtCode!, recordKind: kind, signature: headerSignature(kind, headers), name: job.fileName, headers, mapping, defaultGridId, createdBy: ctx.principal?.userId ?? null })
          .onConflictDoUpdate({
            target: [importTemplates.nodeId, importTemplates.recordKind, importTemplates.signature],
            set: { mapping, defaultGridId, name: job.fileName, useCount: sql`${importTemplates.useCount} + 1`, lastUsedAt: new Date(), updatedAt: new Date() },
          });
      }
      const [row] = await tx
        .update(importJobs)
        .set({ mapping, defaultGridId, options: { blankClears: Boolean(input.blankClears), createPlaces: Boolean(input.createPlaces) }, status: 'queued', updatedAt: new Date() })
        .where(and(eq(importJobs.id, id), eq(importJobs.status, 'uploaded')))
        .returning();
      if (!row) throw this.stateError(job, { zh: '开始导入', en: 'start' });
      await this.platform.jobs.enqueue(tx, IMPORT_JOB_KIND, { importId: id }, { dedupeKey: `import:${id}`, maxAttempts: 3 });
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'import.start', entityType: 'import', entityId: id, treePath: job.treePath, districtCode: job.districtCode, detail: { kind, mapping: mapping.filter((m) => m.target).map((m) => `${m.header}→${m.target}`), blankClears: Boolean(input.blankClears), createPlaces: Boolean(input.createPlaces) } });
      return row;
    });
    return this.view(ctx, updated);
  }

  /** The context an import runs in: its uploader as they are now (or the system, for the command line). */
  private async contextFor(job: ImportJob): Promise<RequestContext> {
    if (!job.createdBy) return { ...systemContext('import', job.treePath), requestId: `import-${job.id}` };
    const u = await this.platform.auth.getUser(job.createdBy);
    if (!u || u.status !== 'active') throw new AppError(ExchangeErrors.IMPORT_RUNNER_GONE);
    const principal: Principal = {
      kind: 'user', userId: u.id, tokenId: null, username: u.username, displayName: u.displayName, role: u.role, permissions: new Set(rolePermissions[u.role] ?? []),
      nodeId: u.nodeId, treePath: u.treePath, departmentId: u.departmentId, gridWorkerKind: u.gridWorkerKind, sessionDigest: null,
    };
    if (!principal.permissions.has('registry:import') || !job.treePath.startsWith(principal.treePath)) throw new AppError(ExchangeErrors.IMPORT_RUNNER_GONE);
    return { principal, lang: 'zh', ip: 'job', requestId: `import-${job.id}` };
  }

  private async makeRun(ctx: RequestContext, job: ImportJob): Promise<ImportRun> {
    const community = (await this.tree.getNode(job.nodeId))!;
    const grids = await this.tree.subtree(community.path, ['grid']);
    const access = await this.registry.imports.access(ctx, job.recordKind as RecordKind);
    return new ImportRun({ platform: this.platform, registry: this.registry, tree: this.tree }, job, ctx, access, community, grids, await this.labelKinds());
  }

  /** Reads the sheet once for the places its rows name (楼栋, 楼栋地址, 单元, 房号), one entry per distinct place. */
  private async scanPlaces(run: ImportRun, source: SheetSource, job: ImportJob): Promise<PlaceRef[]> {
    const byKey = new Map<string, PlaceRef>();
    for await (const row of source.rows(job.preview!.sheet)) {
      if (row.rowNo <= job.preview!.headerRow) continue;
      const ref = run.placeRef(row);
      if (!ref) continue;
      const key = `${ref.building}|${ref.buildingAddress ?? ''}|${ref.unitNo}|${ref.roomNo ?? ''}`;
      const seen = byKey.get(key);
      if (seen) seen.count += 1;
      else byKey.set(key, ref);
    }
    return [...byKey.values()];
  }

  /**
   * What the sheet's places would need, for the mapping and default grid shown in the wizard
   * (not yet saved): buildings and houses not registered, which the importer offers to create,
   * and buildings whose name several share. Nothing is written.
   */
  async placePlan(ctx: RequestContext, id: number, input: { mapping?: { index: number; target: string | null }[]; defaultGridId?: number | null }): Promise<PlacePlan & { grid: { id: number; name: string } | null; applies: boolean }> {
    const job = await this.load(ctx, id);
    if (job.status !== 'uploaded') throw this.stateError(job, { zh: '核对楼栋和房屋', en: 'have its places checked' });
    const community = (await this.tree.getNode(job.nodeId))!;
    const defaultGridId = input.defaultGridId !== undefined ? await this.checkDefaultGrid(community, input.defaultGridId) : job.defaultGridId;
    const byIndex = input.mapping ? new Map(input.mapping.map((m) => [m.index, m.target])) : null;
    const mapping = byIndex ? (job.preview?.headers ?? []).map((h) => ({ index: h.index, header: h.header, target: byIndex.get(h.index) ?? null })) : (job.mapping ?? []);
    const run = await this.makeRun(ctx, { ...job, mapping, defaultGridId });
    const grid = defaultGridId ? await this.tree.getNode(defaultGridId) : null;
    const empty = { buildings: [], newBuildings: 0, newHouses: 0, ambiguous: 0, rows: 0 };
    if (!run.placesApply) return { ...empty, grid: grid ? { id: grid.id, name: grid.name } : null, applies: false };
    const source = await this.openSource(this.fileOf(job), job.fileSize);
    let refs: PlaceRef[];
    try {
      refs = await this.scanPlaces(run, source, job);
    } finally {
      await source.close();
    }
    const plan = await run.planPlaces(this.db, refs);
    return { ...plan, grid: grid ? { id: grid.id, name: grid.name } : null, applies: true };
  }

  /**
   * Runs a queued import to its end (or resumes one whose worker died). Claimed with a heartbeat,
   * so two workers never run the same import. Returns false when someone else has it.
   */
  /**
   * Runs a started import in this process through the job queue's claim and heartbeat (the
   * command line); false when a worker elsewhere already runs it.
   */
  async runHere(id: number, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<boolean> {
    if (opts.onProgress) this.progressListeners.set(id, opts.onProgress);
    try {
      return await this.platform.jobs.runNow(`import:${id}`);
    } finally {
      this.progressListeners.delete(id);
    }
  }

  private readonly progressListeners = new Map<number, (done: number, total: number) => void>();

  async run(id: number, opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal; takeOver?: boolean } = {}): Promise<boolean> {
    opts = { ...opts, onProgress: opts.onProgress ?? this.progressListeners.get(id) };
    const worker = this.platform.jobs.workerId;
    const takeOver = Boolean(opts.takeOver);
    if (takeOver) {
      // Its worker died while a cancel was asked: the cancel is finished here.
      const [was] = await this.db.select().from(importJobs).where(eq(importJobs.id, id));
      if (was?.status === 'cancelling') {
        await this.finish({ ...systemContext('import', was.treePath), requestId: `import-${was.id}` }, was, 'cancelled', null, null);
        return true;
      }
    }
    // Called by the job queue (`takeOver`), whose claim is exclusive, a running import is this
    // worker's now (its previous runner stopped beating); called directly, only a queued one or
    // one whose runner has been silent longer than QC_JOBS_STALE_MS.
    const claimed = await queryRows<{ id: number }>(
      this.db,
      sql`UPDATE import_job SET status = 'running', runner = ${worker}, heartbeat_at = now(), started_at = coalesce(started_at, now()), updated_at = now()
          WHERE id = ${id} AND (status = 'queued' OR (status = 'running' AND (runner IS NULL OR ${takeOver} OR heartbeat_at < now() - (${this.platform.jobs.staleMs}::int * interval '1 millisecond'))))
          RETURNING id`,
    );
    if (!claimed.length) return false;
    const job = (await this.db.select().from(importJobs).where(eq(importJobs.id, id)))[0]!;
    const path = this.fileOf(job);
    let ctx: RequestContext = { ...systemContext('import', job.treePath), requestId: `import-${job.id}` };
    let outcome: 'done' | 'cancelled' = 'done';
    let run: ImportRun | null = null;
    let source: SheetSource | null = null;
    try {
      ctx = await this.contextFor(job);
      run = await this.makeRun(ctx, job);
      source = await this.openSource(path, (await stat(path)).size);
      // Buildings and houses the importer agreed to create come first, in one transaction (a
      // resumed run finds them made and creates nothing more).
      if (job.options.createPlaces && run.placesApply) await run.createPlaces(await this.scanPlaces(run, source, job));
      const headers = job.preview!.headers.map((h) => h.header);
      const total = Math.max(job.totalRows, 1);
      let batch: ReturnType<ImportRun['prepare']>[] = [];
      let blank = 0;
      let writing: InFlight | null = null;
      let lastRowNo = job.committedRow;
      for await (const row of source.rows(job.preview!.sheet)) {
        if (row.rowNo <= job.preview!.headerRow) continue;
        if (row.rowNo <= job.committedRow) {
          // Resuming: committed rows only re-register their keys, so duplicates across the restart are still caught.
          if (!run.isBlank(row, headers)) run.checkDuplicate(run.prepare(row), true);
          continue;
        }
        // Rows missing between two rows of the file are blank lines too (xlsx stores no empty rows).
        const gap = row.rowNo - Math.max(lastRowNo, job.preview!.headerRow) - 1;
        if (gap > 0) blank += gap;
        lastRowNo = row.rowNo;
        if (run.isBlank(row, headers)) blank += 1;
        else {
          const p = run.prepare(row);
          run.checkDuplicate(p);
          batch.push(p);
        }
        if (batch.length >= BATCH_ROWS) {
          // One batch is written while the next is read and validated: the database's work and
          // ours overlap (on PostgreSQL; PGlite runs in this thread, so there it is sequential).
          await settled(writing);
          if (writing) opts.onProgress?.(run.processed, Math.max(total, run.processed));
          if (opts.signal?.aborted) throw new ImportInterruptedError(id);
          if (writing && (await this.cancelRequested(id))) {
            outcome = 'cancelled';
            break;
          }
          writing = inFlight(run.processBatch(batch, lastRowNo, blank));
          batch = [];
          blank = 0;
        }
      }
      await settled(writing);
      if (writing) opts.onProgress?.(run.processed, Math.max(total, run.processed));
      writing = null;
      if (outcome === 'done') {
        if (batch.length) await run.processBatch(batch, lastRowNo, blank);
        else await run.settleTail(lastRowNo, blank);
      }
      opts.onProgress?.(run.processed, outcome === 'done' ? run.processed : Math.max(total, run.processed));
      await source.close();
      await this.finish(ctx, job, outcome, run, null);
      return true;
    } catch (err) {
      await source?.close();
      if (err instanceof AppError) {
        // A per-file problem (the file is damaged half-way, the uploader lost the right): stop for good.
        await this.finish(ctx, job, 'failed', run, err);
        return true;
      }
      // Anything else (the database went away, a shutdown, another worker took over): let the job
      // queue run it again; the run resumes after its last batch. Only our own claim is released.
      await this.db
        .update(importJobs)
        .set({ runner: null, heartbeatAt: null })
        .where(and(eq(importJobs.id, id), eq(importJobs.runner, worker)))
        .catch(() => undefined);
      throw err;
    } finally {
      await source?.close();
    }
  }

  private async cancelRequested(id: number): Promise<boolean> {
    const r = await this.db.select({ status: importJobs.status }).from(importJobs).where(eq(importJobs.id, id));
    return r[0]?.status === 'cancelling';
  }

  private async finish(ctx: RequestContext, job: ImportJob, outcome: 'done' | 'cancelled' | 'failed', run: ImportRun | null, err: AppError | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(importJobs)
        .set({
          status: outcome, finishedAt: new Date(), runner: null, updatedAt: new Date(),
          ...(run && outcome === 'done' ? { totalRows: run.processed } : {}),
          ...(err ? { errorCode: err.code, errorMessage: { zh: err.messageIn('zh'), en: err.messageIn('en') } } : {}),
        })
        .where(eq(importJobs.id, job.id));
      await this.platform.audit.record(tx, ctx, {
        category: 'write', action: `import.${outcome === 'done' ? 'finish' : outcome}`, entityType: 'import', entityId: job.id, treePath: job.treePath, districtCode: job.districtCode, result: outcome === 'failed' ? 'failed' : 'ok',
        detail: { kind: job.recordKind, fileName: job.fileName, counts: run?.counts ?? job.counts, error: err?.code },
      });
    });
    // The upload holds ID numbers in clear: it goes as soon as the run is over.
    await rm(this.fileOf(job), { force: true });
  }

  /** Stops an import: before it runs, at once; while running, after the batch in hand (committed rows stay). */
  async cancel(ctx: RequestContext, id: number): Promise<ImportView> {
    const job = await this.load(ctx, id);
    const next = job.status === 'running' ? 'cancelling' : job.status === 'uploaded' || job.status === 'queued' ? 'cancelled' : null;
    if (!next) throw this.stateError(job, { zh: '取消', en: 'be cancelled' });
    const [row] = await this.db.transaction(async (tx) => {
      const r = await tx.update(importJobs).set({ status: next, updatedAt: new Date(), ...(next === 'cancelled' ? { finishedAt: new Date() } : {}) }).where(and(eq(importJobs.id, id), eq(importJobs.status, job.status))).returning();
      if (next === 'cancelled') await this.platform.jobs.cancel(tx, `import:${id}`);
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'import.cancel', entityType: 'import', entityId: id, treePath: job.treePath, districtCode: job.districtCode });
      return r;
    });
    if (!row) throw this.stateError(job, { zh: '取消', en: 'be cancelled' });
    if (next === 'cancelled') await rm(this.fileOf(job), { force: true });
    return this.view(ctx, row);
  }

  // ---- reading -----------------------------------------------------------------------------

  async load(ctx: RequestContext, id: number): Promise<ImportJob> {
    const rows = await this.db.select().from(importJobs).where(eq(importJobs.id, id)).limit(1);
    const job = rows[0];
    if (!job || !job.treePath.startsWith(ctx.principal!.treePath)) throw new AppError(ExchangeErrors.IMPORT_NOT_FOUND);
    return job;
  }

  private stateError(job: ImportJob, action: { zh: string; en: string }): AppError {
    const s = statusNames[job.status] ?? { zh: job.status, en: job.status };
    return new AppError(ExchangeErrors.IMPORT_STATE, { state_zh: s.zh, state_en: s.en, action_zh: action.zh, action_en: action.en });
  }

  async view(ctx: RequestContext, job: ImportJob, labelKinds?: LabelKindInfo[]): Promise<ImportView> {
    const lang = ctx.lang;
    const kinds = labelKinds ?? (await this.labelKinds());
    const kind = job.recordKind as RecordKind;
    const mapping = job.mapping ?? [];
    const node = await this.tree.getNode(job.nodeId);
    const issueCount = (await queryRows<{ n: number }>(this.db, sql`SELECT count(*)::int AS n FROM import_row_issue WHERE import_id = ${job.id}`))[0]?.n ?? 0;
    const total = Math.max(job.totalRows, job.processedRows);
    return {
      id: job.id, kind, status: job.status, statusName: (statusNames[job.status] ?? { zh: job.status, en: job.status })[lang], fileName: job.fileName, fileSize: job.fileSize, format: job.format, encoding: job.encoding,
      node: { id: job.nodeId, name: node?.name ?? '' }, defaultGridId: job.defaultGridId, preview: job.preview, mapping, targets: targetsOf(kind, kinds),
      missingRequired: checkMapping(kind, mapping, kinds).missing.map((m) => m.key), options: job.options, totalRows: job.totalRows, processedRows: job.processedRows,
      progress: job.status === 'done' ? 1 : total ? Math.min(1, job.processedRows / total) : 0, counts: job.counts,
      error: job.errorCode ? { code: job.errorCode, message: job.errorMessage?.[lang] ?? job.errorCode } : null,
      createdBy: job.createdByName, createdAt: job.createdAt.toISOString(), startedAt: job.startedAt?.toISOString() ?? null, finishedAt: job.finishedAt?.toISOString() ?? null, issueCount,
    };
  }

  async get(ctx: RequestContext, id: number): Promise<ImportView> {
    return this.view(ctx, await this.load(ctx, id));
  }

  async list(ctx: RequestContext, f: { kind?: string; status?: string; limit: number; offset: number }): Promise<{ items: ImportView[]; total: number }> {
    const conds: SQL[] = [sql`${importJobs.treePath} LIKE ${`${ctx.principal!.treePath}%`}`];
    if (f.kind) conds.push(eq(importJobs.recordKind, f.kind));
    if (f.status) conds.push(eq(importJobs.status, f.status));
    const [rows, count] = await Promise.all([
      this.db.select().from(importJobs).where(and(...conds)).orderBy(desc(importJobs.id)).limit(f.limit).offset(f.offset),
      this.db.select({ n: sql<number>`count(*)::int` }).from(importJobs).where(and(...conds)),
    ]);
    const kinds = await this.labelKinds();
    const items: ImportView[] = [];
    for (const r of rows) items.push(await this.view(ctx, r, kinds));
    return { items, total: count[0]?.n ?? 0 };
  }

  /** Refused and partly-taken rows, with reasons; cells that look like ID numbers or phones are masked. */
  async issues(ctx: RequestContext, id: number, f: { severity?: 'error' | 'warning'; limit: number; offset: number }) {
    const job = await this.load(ctx, id);
    const conds = [eq(importRowIssues.importId, id), f.severity ? eq(importRowIssues.severity, f.severity) : undefined];
    const [rows, count] = await Promise.all([
      this.db.select().from(importRowIssues).where(and(...conds)).orderBy(asc(importRowIssues.rowNo)).limit(f.limit).offset(f.offset),
      this.db.select({ n: sql<number>`count(*)::int` }).from(importRowIssues).where(and(...conds)),
    ]);
    if (rows.length) await this.platform.audit.recordNow(this.db, ctx, { category: 'read', action: 'import.issues', entityType: 'import', entityId: id, treePath: job.treePath, districtCode: job.districtCode, detail: { rows: rows.map((r) => r.rowNo) } });
    const secretCols = new Set((job.mapping ?? []).filter((m) => m.target === 'idNumber' || m.target === 'phone').map((m) => m.index));
    return {
      items: rows.map((r) => ({
        rowNo: r.rowNo,
        severity: r.severity as 'error' | 'warning',
        reasons: r.reasons.map((x) => ({ column: x.column, message: ctx.lang === 'zh' ? x.zh : x.en, severity: x.severity ?? r.severity })),
        cells: (JSON.parse(this.platform.cipher.decrypt(r.cellsEnc)) as string[]).map((c, i) => maskSample(c, secretCols.has(i))),
      })),
      total: count[0]?.n ?? 0,
    };
  }

  /**
   * The Excel error report: each refused (or partly taken) row as uploaded, with its row number
   * and the reasons in Chinese, ready to correct and upload again. It holds the uploader's own
   * cells in clear, so fetching it is logged as an export.
   */
  async errorReport(ctx: RequestContext, id: number): Promise<{ fileName: string; disposition: string; stream: Readable }> {
    const job = await this.load(ctx, id);
    const count = (await queryRows<{ n: number }>(this.db, sql`SELECT count(*)::int AS n FROM import_row_issue WHERE import_id = ${id}`))[0]?.n ?? 0;
    if (!count && job.counts.failed + job.counts.warned > 0) throw new AppError(ExchangeErrors.IMPORT_REPORT_EXPIRED, { days: ISSUE_RETENTION_DAYS });
    await this.platform.audit.recordNow(this.db, ctx, { category: 'export', action: 'import.error_report', entityType: 'import', entityId: id, treePath: job.treePath, districtCode: job.districtCode, detail: { rows: count } });
    const headers = job.preview?.headers.map((h) => h.header || `第${h.index + 1}列`) ?? [];
    const out = new StreamedWorkbook();
    const lang = ctx.lang;
    const write = async () => {
      const ws = out.sheet(lang === 'zh' ? '错误明细' : 'Rows to fix', [
        { header: lang === 'zh' ? '原表行号' : 'Row', width: 9 },
        { header: lang === 'zh' ? '处理结果' : 'Outcome', width: 16 },
        { header: lang === 'zh' ? '问题说明' : 'Problems', width: 60 },
        ...headers.map((h) => ({ header: h, width: Math.min(30, Math.max(10, h.length * 2 + 4)), text: true })),
      ]);
      let after = 0;
      for (;;) {
        const rows = await this.db.select().from(importRowIssues).where(and(eq(importRowIssues.importId, id), sql`${importRowIssues.rowNo} > ${after}`)).orderBy(asc(importRowIssues.rowNo)).limit(1000);
        if (!rows.length) break;
        for (const r of rows) {
          const cells = JSON.parse(this.platform.cipher.decrypt(r.cellsEnc)) as string[];
          const note = (x: { severity?: string }) => (r.severity === 'error' && x.severity === 'warning' ? (lang === 'zh' ? '（提示）' : '(note) ') : '');
          const problems = r.reasons.map((x) => `${note(x)}${x.column ? `${x.column}：` : ''}${lang === 'zh' ? x.zh : x.en}`).join('；\n');
          const outcome = r.severity === 'error' ? (lang === 'zh' ? '未导入' : 'not imported') : lang === 'zh' ? '已导入（有提示）' : 'imported, with notes';
          const row = ws.addRow([r.rowNo, outcome, problems, ...cells]);
          row.getCell(3).font = { color: { argb: 'FFC00000' } };
          row.getCell(3).alignment = { wrapText: true, vertical: 'top' };
          row.commit();
        }
        after = rows[rows.length - 1]!.rowNo;
      }
      ws.commit();
      const info = out.sheet(lang === 'zh' ? '导入说明' : 'About', [{ header: lang === 'zh' ? '项目' : 'Item', width: 18 }, { header: lang === 'zh' ? '内容' : 'Value', width: 60 }]);
      const c = job.counts;
      const lines: [string, string][] = [
        ['文件', job.fileName], ['导入批次', `#${job.id}`], ['记录类型', kindNames[job.recordKind as RecordKind]?.zh ?? job.recordKind], ['状态', statusNames[job.status]?.zh ?? job.status],
        ['新增', String(c.created)], ['更新', String(c.updated)], ['无变化', String(c.unchanged)], ['未导入（错误）', String(c.failed)], ['已导入但有提示', String(c.warned)], ['空行', String(c.blank)], ['新建楼栋', String(c.buildingsCreated ?? 0)], ['新建房屋', String(c.housesCreated ?? 0)], ['提交部门确认的标签', String(c.proposed ?? 0)],
        ['导入人', job.createdByName], ['导入时间', beijingTime(job.createdAt)],
        ['如何处理', '在“错误明细”表中按“问题说明”改正后，把这张表直接重新导入即可（前三列会被忽略，也可删去）；已导入的行再次导入不会重复。'],
      ];
      for (const l of lines) info.addRow(l).commit();
      info.commit();
      await out.finish();
    };
    write().catch((err: Error) => {
      this.platform.log.error({ err, importId: id }, 'error report failed');
      out.fail(err);
    });
    const base = job.fileName.replace(/\.(xlsx|csv|xls|txt)$/i, '');
    const fileName = `${base}-错误报告-${job.id}.xlsx`;
    return { fileName, disposition: attachmentHeader(fileName), stream: out.stream };
  }

  // ---- templates and housekeeping ----------------------------------------------------------

  async templates(ctx: RequestContext, kind?: string) {
    const conds: SQL[] = [sql`${importTemplates.treePath} LIKE ${`${ctx.principal!.treePath}%`}`];
    if (kind) conds.push(eq(importTemplates.recordKind, kind));
    const rows = await this.db.select().from(importTemplates).where(and(...conds)).orderBy(desc(importTemplates.lastUsedAt)).limit(200);
    return rows.map((t) => ({ id: t.id, kind: t.recordKind, name: t.name, nodeId: t.nodeId, headers: t.headers, mapping: t.mapping, useCount: t.useCount, lastUsedAt: t.lastUsedAt.toISOString() }));
  }

  async deleteTemplate(ctx: RequestContext, id: number): Promise<void> {
    const rows = await this.db.select().from(importTemplates).where(eq(importTemplates.id, id)).limit(1);
    if (!rows[0] || !rows[0].treePath.startsWith(ctx.principal!.treePath)) throw new AppError(ExchangeErrors.IMPORT_NOT_FOUND);
    await this.db.transaction(async (tx) => {
      await tx.delete(importTemplates).where(eq(importTemplates.id, id));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'import.template_delete', entityType: 'import_template', entityId: id, treePath: rows[0]!.treePath });
    });
  }

  /** Drops refused rows past retention and uploads nobody confirmed; removes stray partial files. */
  async purge(now = new Date()): Promise<{ issues: number; uploads: number }> {
    const cutoff = new Date(now.getTime() - ISSUE_RETENTION_DAYS * 86_400_000);
    const issues = await queryRows<{ id: number }>(this.db, sql`DELETE FROM import_row_issue WHERE import_id IN (SELECT id FROM import_job WHERE finished_at < ${cutoff.toISOString()}::timestamptz) RETURNING id`);
    const stale = await this.db
      .update(importJobs)
      .set({ status: 'cancelled', finishedAt: now, errorCode: 'IMPORT_ABANDONED', errorMessage: { zh: `上传后 ${ABANDONED_UPLOAD_HOURS} 小时内未开始导入，文件已删除`, en: `not started within ${ABANDONED_UPLOAD_HOURS} hours of upload; the file was deleted` } })
      .where(and(eq(importJobs.status, 'uploaded'), lt(importJobs.createdAt, new Date(now.getTime() - ABANDONED_UPLOAD_HOURS * 3_600_000))))
      .returning();
    for (const j of stale) await rm(this.fileOf(j), { force: true });
    return { issues: issues.length, uploads: stale.length };
  }
}
