// Assisted service (帮办代办): a worker takes a request on behalf of an elderly or vulnerable
// resident (a certificate, a medical-insurance claim, a pension check …), tracks it to done with
// every step recorded, and each community's requests are counted: taken, done, done on time, late.
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import type { Tx } from '../../db/client.js';
import type { AuthedContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { scopeCondition, subtreeCondition } from '../../platform/scope.js';
import { RegistryErrors, type RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { addDays, ageOnDate, todayCn } from '../../platform/dates.js';
import { CertificateErrors } from './errors.js';
import { likeEscape } from './handbook.js';
import type { AssistedCategory, AssistedChannel, AssistedDetail, AssistedOut, AssistedPage, AssistedQuery, AssistedStats, AssistedStatus, AssistedStepIn, NewAssistedIn, StatsQuery } from './schemas.js';
import { assistedRequests, assistedSteps, type certificates } from './tables.js';

export type { AssistedCategory, AssistedStatus } from './schemas.js';

type Names = { zh: string; en: string };

export const assistedCategories = {
  certificate: { zh: '开具证明', en: 'certificate' },
  medical_insurance: { zh: '医保报销', en: 'medical insurance claim' },
  pension: { zh: '养老金与资格认证', en: 'pension and eligibility check' },
  social_assistance: { zh: '低保、救助申请', en: 'social assistance application' },
  disability: { zh: '残疾人证与补贴', en: 'disability card and allowances' },
  utilities: { zh: '水电气暖缴费', en: 'utility bills' },
  medical: { zh: '代购药品、就医陪诊', en: 'medicine and clinic visits' },
  documents: { zh: '证件办理', en: 'identity documents' },
  other: { zh: '其他', en: 'other' },
} as const satisfies Record<AssistedCategory, Names>;

export const assistedChannels = {
  visit: { zh: '走访发现', en: 'found on a visit' },
  phone: { zh: '电话求助', en: 'phone call' },
  walk_in: { zh: '窗口提出', en: 'at the counter' },
  grid: { zh: '网格员上报', en: 'grid worker' },
  family: { zh: '家属代为提出', en: 'family member' },
  hotline: { zh: '12345 热线转办', en: '12345 hotline' },
} as const satisfies Record<AssistedChannel, Names>;

export const assistedStatuses = {
  open: { zh: '待办理', en: 'open' },
  in_progress: { zh: '办理中', en: 'in progress' },
  done: { zh: '已办结', en: 'done' },
  cancelled: { zh: '已取消', en: 'cancelled' },
} as const satisfies Record<AssistedStatus, Names>;

/** Labels that make a resident eligible by themselves (besides being 60 or older). */
export const VULNERABLE_LABELS = ['elderly_alone', 'elderly_80', 'empty_nest', 'disabled', 'low_income', 'extreme_poverty', 'left_behind_child', 'severe_mental'];
const ELDERLY_AGE = 60;
const DEFAULT_DAYS = 7;

export type AssistedRow = typeof assistedRequests.$inferSelect;
export type AssistedStepRow = typeof assistedSteps.$inferSelect;

export class AssistedService {
  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    private readonly registry: RegistryService,
  ) {}

  private present(r: AssistedRow, lang: 'zh' | 'en', today = todayCn()): AssistedOut {
    return {
      id: r.id, residentId: r.residentId, subjectName: r.subjectName, communityNodeId: r.communityNodeId, category: r.category, categoryName: assistedCategories[r.category as AssistedCategory]?.[lang] ?? r.category,
      channel: r.channel, description: r.description, helpReason: r.helpReason, vulnerability: r.vulnerability, status: r.status, statusName: assistedStatuses[r.status as AssistedStatus]?.[lang] ?? r.status,
      dueOn: r.dueOn, overdue: (r.status === 'open' || r.status === 'in_progress') && r.dueOn < today, takenByName: r.takenByName, result: r.result, doneAt: r.doneAt?.toISOString() ?? null,
      certificateId: r.certificateId, version: r.version, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
    };
  }

  async create(ctx: AuthedContext, input: NewAssistedIn): Promise<AssistedOut> {
    const today = todayCn();
    if (input.dueOn && input.dueOn < today) throw new AppError(CertificateErrors.ASSISTED_DUE_INVALID, {}, 'dueOn');
    let resident;
    try {
      resident = await this.registry.lookups.get(ctx, 'resident', input.residentId, { reason: '帮办代办' });
    } catch (err) {
      if (err instanceof AppError && err.code === RegistryErrors.RECORD_NOT_FOUND.code) throw new AppError(RegistryErrors.RECORD_NOT_FOUND, {}, 'residentId');
      throw err;
    }
    const labels = ((await this.registry.lookups.residentLabels([input.residentId])).get(input.residentId) ?? []).map((l) => l.labelCode);
    const vulnerability = labels.filter((l) => VULNERABLE_LABELS.includes(l));
    const birth = resident.birthDate as string | null;
    if (birth && ageOnDate(birth, today) >= ELDERLY_AGE) vulnerability.unshift(`age_${ELDERLY_AGE}`);
    const helpReason = input.helpReason?.trim() || null;
    if (!vulnerability.length && !helpReason) throw new AppError(CertificateErrors.ASSISTED_NOT_ELIGIBLE, { name: String(resident.name) }, 'helpReason');
    const treePath = String(resident.treePath);
    const community = (await this.tree.trailOf(treePath)).find((n) => n.level === 'community');
    if (!community) throw new AppError(CertificateErrors.CERT_UNIT_UNKNOWN, {}, 'residentId');
    const row = await this.platform.db.transaction(async (tx) => {
      const [r] = await tx
        .insert(assistedRequests)
        .values({
          residentId: input.residentId, subjectName: String(resident.name), treePath, districtCode: community.districtCode!, communityNodeId: community.id, category: input.category, channel: input.channel,
          description: input.description.trim(), helpReason, vulnerability, dueOn: input.dueOn ?? addDays(today, DEFAULT_DAYS), takenBy: ctx.principal.userId, takenByName: ctx.principal.displayName,
        })
        .returning();
      await tx.insert(assistedSteps).values({ requestId: r!.id, byId: ctx.principal.userId, byName: ctx.principal.displayName, action: 'created', status: 'open', note: input.description.trim() });
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'assisted.create', entityType: 'assisted_request', entityId: r!.id, subjectId: input.residentId, treePath, districtCode: community.districtCode, detail: { category: input.category, vulnerability } });
      return r!;
    });
    return this.present(row, ctx.lang);
  }

  private async row(ctx: AuthedContext, id: number, tx?: Tx, lock = false): Promise<AssistedRow> {
    const q = (tx ?? this.platform.db).select().from(assistedRequests).where(and(eq(assistedRequests.id, id), scopeCondition(ctx.principal, assistedRequests.treePath))).limit(1);
    const rows = lock ? await q.for('update') : await q;
    if (!rows[0]) throw new AppError(CertificateErrors.ASSISTED_NOT_FOUND, {}, 'id');
    return rows[0];
  }

  async get(ctx: AuthedContext, id: number): Promise<AssistedDetail> {
    const r = await this.row(ctx, id);
    const steps = await this.platform.db.select().from(assistedSteps).where(eq(assistedSteps.requestId, id)).orderBy(asc(assistedSteps.at), asc(assistedSteps.id));
    await this.platform.audit.recordNow(this.platform.db, ctx, { category: 'read', action: 'assisted.read', entityType: 'assisted_request', entityId: id, subjectId: r.residentId, treePath: r.treePath, districtCode: r.districtCode });
    return {
      ...this.present(r, ctx.lang),
      steps: steps.map((s) => ({ id: s.id, at: s.at.toISOString(), byName: s.byName, action: s.action, status: s.status, statusName: s.status ? (assistedStatuses[s.status as AssistedStatus]?.[ctx.lang] ?? s.status) : null, note: s.note })),
    };
  }

  async list(ctx: AuthedContext, f: AssistedQuery): Promise<AssistedPage> {
    const conds: SQL[] = [scopeCondition(ctx.principal, assistedRequests.treePath)];
    if (f.nodeId) conds.push(subtreeCondition((await this.tree.getVisibleNode(ctx.principal, f.nodeId)).path, assistedRequests.treePath));
    if (f.status?.length) conds.push(inArray(assistedRequests.status, f.status));
    if (f.category) conds.push(eq(assistedRequests.category, f.category));
    if (f.residentId) conds.push(eq(assistedRequests.residentId, f.residentId));
    if (f.q) conds.push(sql`(${assistedRequests.subjectName} LIKE ${`${likeEscape(f.q.trim())}%`} OR ${assistedRequests.description} LIKE ${`%${likeEscape(f.q.trim())}%`})`);
    const today = todayCn();
    if (f.overdue) conds.push(sql`${assistedRequests.status} IN ('open','in_progress') AND ${assistedRequests.dueOn} < ${today}`);
    const where = and(...conds);
    const [rows, count] = await Promise.all([
      this.platform.db.select().from(assistedRequests).where(where).orderBy(desc(assistedRequests.createdAt), desc(assistedRequests.id)).limit(f.limit).offset(f.offset),
      this.platform.db.select({ n: sql<number>`count(*)::int` }).from(assistedRequests).where(where),
    ]);
    if (rows.length) await this.platform.audit.recordNow(this.platform.db, ctx, { category: 'read', action: 'assisted.list', entityType: 'assisted_request', treePath: ctx.principal.treePath, detail: { ids: rows.map((r) => r.id) } });
    return { items: rows.map((r) => this.present(r, ctx.lang, today)), total: count[0]?.n ?? 0, limit: f.limit, offset: f.offset };
  }

  /** A step: a note, and optionally a new status. Done needs a result; cancelled needs a note. */
  /** A step as the API takes it: the version sent is the one the worker saw. */
  async addStep(ctx: AuthedContext, id: number, input: AssistedStepIn): Promise<AssistedOut> {
    const { version, ...rest } = input;
    return this.step(ctx, id, { ...rest, expectedVersion: version });
  }

  async step(ctx: AuthedContext, id: number, input: { note?: string | null; status?: AssistedStatus; result?: string | null; expectedVersion: number }): Promise<AssistedOut> {
    const note = input.note?.trim() || null;
    const result = input.result?.trim() || null;
    if (!input.status && !note) throw new AppError(CertificateErrors.ASSISTED_NOTE_REQUIRED, {}, 'note');
    const row = await this.platform.db.transaction(async (tx) => {
      const r = await this.row(ctx, id, tx, true);
      if (r.version !== input.expectedVersion) throw new AppError(CertificateErrors.ASSISTED_VERSION_CONFLICT, { current: r.version, expected: input.expectedVersion }, 'version');
      if (r.status === 'done' || r.status === 'cancelled') throw new AppError(CertificateErrors.ASSISTED_CLOSED, { status_zh: assistedStatuses[r.status].zh, status_en: assistedStatuses[r.status].en }, 'status');
      const set: Partial<typeof assistedRequests.$inferInsert> = { version: r.version + 1, updatedAt: new Date() };
      if (input.status && input.status !== r.status) {
        const allowed: Record<string, AssistedStatus[]> = { open: ['in_progress', 'done', 'cancelled'], in_progress: ['done', 'cancelled'] };
        if (!allowed[r.status]?.includes(input.status)) {
          throw new AppError(CertificateErrors.ASSISTED_TRANSITION_INVALID, { from_zh: assistedStatuses[r.status as AssistedStatus].zh, from_en: r.status, to_zh: assistedStatuses[input.status].zh, to_en: input.status }, 'status');
        }
        if (input.status === 'done') {
          if (!result) throw new AppError(CertificateErrors.ASSISTED_RESULT_REQUIRED, {}, 'result');
          set.result = result;
          set.doneAt = new Date();
        }
        if (input.status === 'cancelled' && !note) throw new AppError(CertificateErrors.ASSISTED_NOTE_REQUIRED, {}, 'note');
        set.status = input.status;
      }
      const [u] = await tx.update(assistedRequests).set(set).where(eq(assistedRequests.id, id)).returning();
      await tx.insert(assistedSteps).values({ requestId: id, byId: ctx.principal.userId, byName: ctx.principal.displayName, action: set.status ? 'status' : 'note', status: set.status ?? null, note: [note, set.status === 'done' ? result : null].filter(Boolean).join(' — ') || null });
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'assisted.step', entityType: 'assisted_request', entityId: id, subjectId: r.residentId, treePath: r.treePath, districtCode: r.districtCode, detail: { status: set.status ?? null } });
      return u!;
    });
    return this.present(row, ctx.lang);
  }

  /** Before issuing for a request: it must be in scope, about the same person, and still open. */
  async assertLinkable(ctx: AuthedContext, id: number, residentId: number): Promise<void> {
    const r = await this.row(ctx, id);
    if (r.status === 'done' || r.status === 'cancelled') throw new AppError(CertificateErrors.ASSISTED_CLOSED, { status_zh: assistedStatuses[r.status].zh, status_en: assistedStatuses[r.status].en }, 'assistedRequestId');
    if (r.residentId !== residentId) throw new AppError(CertificateErrors.ASSISTED_NOT_FOUND, {}, 'assistedRequestId');
  }

  /** Records, inside the issuing transaction, that a certificate was issued for the request. */
  async attachCertificate(tx: Tx, ctx: AuthedContext, id: number, cert: typeof certificates.$inferSelect): Promise<void> {
    const [r] = await tx
      .update(assistedRequests)
      .set({ certificateId: cert.id, status: sql`CASE WHEN ${assistedRequests.status} = 'open' THEN 'in_progress' ELSE ${assistedRequests.status} END`, version: sql`${assistedRequests.version} + 1`, updatedAt: new Date() })
      .where(eq(assistedRequests.id, id))
      .returning({ status: assistedRequests.status });
    await tx.insert(assistedSteps).values({ requestId: id, byId: ctx.principal.userId, byName: ctx.principal.displayName, action: 'certificate', status: r?.status ?? null, note: `已出具${cert.title}（编号 ${cert.number}）` });
  }

  /**
   * Per community in the caller's area: requests taken, open, in progress, done, cancelled,
   * overdue now, done by their due date, and the average days from taking to done.
   */
  async stats(ctx: AuthedContext, f: StatsQuery): Promise<AssistedStats> {
    const root = f.nodeId ? (await this.tree.getVisibleNode(ctx.principal, f.nodeId)).path : ctx.principal.treePath;
    const today = todayCn();
    const conds: SQL[] = [scopeCondition(ctx.principal, assistedRequests.treePath), subtreeCondition(root, assistedRequests.treePath)];
    if (f.from) conds.push(sql`${assistedRequests.createdAt} >= ${f.from}::date`);
    if (f.to) conds.push(sql`${assistedRequests.createdAt} < (${f.to}::date + 1)`);
    const rows = await this.platform.db
      .select({
        communityNodeId: assistedRequests.communityNodeId,
        total: sql<number>`count(*)::int`,
        open: sql<number>`(count(*) FILTER (WHERE ${assistedRequests.status} = 'open'))::int`,
        inProgress: sql<number>`(count(*) FILTER (WHERE ${assistedRequests.status} = 'in_progress'))::int`,
        done: sql<number>`(count(*) FILTER (WHERE ${assistedRequests.status} = 'done'))::int`,
        cancelled: sql<number>`(count(*) FILTER (WHERE ${assistedRequests.status} = 'cancelled'))::int`,
        overdue: sql<number>`(count(*) FILTER (WHERE ${assistedRequests.status} IN ('open','in_progress') AND ${assistedRequests.dueOn} < ${today}))::int`,
        doneOnTime: sql<number>`(count(*) FILTER (WHERE ${assistedRequests.status} = 'done' AND (${assistedRequests.doneAt} AT TIME ZONE 'Asia/Shanghai')::date <= ${assistedRequests.dueOn}))::int`,
        avgDays: sql<number | null>`round((avg(extract(epoch FROM (${assistedRequests.doneAt} - ${assistedRequests.createdAt})) / 86400) FILTER (WHERE ${assistedRequests.status} = 'done'))::numeric, 1)`,
      })
      .from(assistedRequests)
      .where(and(...conds))
      .groupBy(assistedRequests.communityNodeId);
    const nodes = new Map((await this.tree.getNodes(rows.map((r) => r.communityNodeId))).map((n) => [n.id, n.name]));
    const items = rows.map((r) => ({ ...r, communityName: nodes.get(r.communityNodeId) ?? String(r.communityNodeId), avgDays: r.avgDays === null ? null : Number(r.avgDays) })).sort((a, b) => b.total - a.total || a.communityName.localeCompare(b.communityName, 'zh'));
    const sum = (k: 'total' | 'open' | 'inProgress' | 'done' | 'cancelled' | 'overdue' | 'doneOnTime') => items.reduce((s, r) => s + r[k], 0);
    return { items, totals: { total: sum('total'), open: sum('open'), inProgress: sum('inProgress'), done: sum('done'), cancelled: sum('cancelled'), overdue: sum('overdue'), doneOnTime: sum('doneOnTime') } };
  }
}
