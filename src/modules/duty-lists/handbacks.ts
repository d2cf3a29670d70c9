// 事项退回: a township asks to hand an item back to the upper department ("无力承接或者长期未实际
// 履行", or another reason), with evidence in words and files. The department answers (agrees or
// not, with its view), then the reviewer decides: returned, the item moves to the list of items
// taken back by upper departments as a new version; kept, it stays where it was. Refused: an
// item that is not on the township's current lists, one already taken back, one with a request
// still open, and an answer by a department other than the one the item goes back to.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AuthedContext, Principal } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import type { TreeService } from '../tree/index.js';
import { DutyErrors } from './errors.js';
import { listParams, type ListService } from './lists.js';
import type * as S from './schemas.js';
import { dutyHandbacks, dutyItems } from './tables.js';

type Row = typeof dutyHandbacks.$inferSelect;

export const MAX_EVIDENCE_FILES = 5;

const stageNames = {
  pending_department: { zh: '待部门答复', en: 'waiting for the department' },
  pending_review: { zh: '待审核决定', en: 'waiting for the reviewer' },
  returned: { zh: '已退回（上级部门收回）', en: 'handed back' },
  kept: { zh: '已决定保留', en: 'kept on the list' },
} as const;

/** What a file is, from its first bytes (never from its name alone). */
function sniff(head: Buffer, fileName: string): string | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    if (/\.docx$/i.test(fileName)) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (/\.xlsx$/i.test(fileName)) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  }
  return null;
}

export class HandbackService {
  private readonly dir: string;

  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    private readonly lists: ListService,
  ) {
    this.dir = join(platform.config.dataDir, 'duty-evidence');
  }

  private stage(r: Row) {
    return { status_zh: stageNames[r.status].zh, status_en: stageNames[r.status].en };
  }

  async request(ctx: AuthedContext, input: S.HandbackIn): Promise<S.HandbackOut> {
    const township = await this.lists.township(ctx.principal, input.townshipId, 'manage');
    const [item] = await this.platform.db.select().from(dutyItems).where(eq(dutyItems.id, input.itemId));
    // Not on this township's current lists: refused with the reason, whether it never was, was removed or is another township's.
    if (!item || item.removedAt || item.townshipNodeId !== township.id)
      throw new AppError(DutyErrors.DUTY_ITEM_NOT_ON_LIST, { name: item && item.townshipNodeId === township.id ? item.name : `#${input.itemId}`, township: township.name }, 'itemId');
    if (item.listKind === 'taken_back') throw new AppError(DutyErrors.DUTY_ITEM_ALREADY_TAKEN_BACK, { name: item.name }, 'itemId');
    const departmentId = input.departmentId ?? item.departmentId;
    if (!departmentId) throw new AppError(DutyErrors.DUTY_HANDBACK_NO_DEPARTMENT, {}, 'departmentId');
    const dept = await this.lists.resolveDepartment(township.path, departmentId, null);
    const row = await this.platform.db.transaction(async (tx) => {
      const [open] = await tx.select({ id: dutyHandbacks.id }).from(dutyHandbacks).where(and(eq(dutyHandbacks.itemId, item.id), sql`${dutyHandbacks.status} IN ('pending_department', 'pending_review')`));
      if (open) throw new AppError(DutyErrors.DUTY_HANDBACK_OPEN, { id: open.id }, 'itemId');
      const [r] = await tx
        .insert(dutyHandbacks)
        .values({
          townshipNodeId: township.id, treePath: township.path, itemId: item.id, itemName: item.name, fromList: item.listKind, departmentId: dept.departmentId!, reasonKind: input.reasonKind,
          reasonText: input.reasonText.trim(), evidence: input.evidence.trim(), requestedBy: ctx.principal.userId,
        })
        .returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'duty.handback_request', entityType: 'duty_handback', entityId: r!.id, treePath: township.path, districtCode: township.districtCode, detail: { item: item.name, reason: input.reasonKind } });
      return r!;
    });
    return (await this.out([row]))[0]!;
  }

  /** Who sees a request: the department it goes to; anyone over or under the township. */
  private visibleWhere(p: Principal): SQL {
    if (p.departmentId) return eq(dutyHandbacks.departmentId, p.departmentId);
    return sql`(${dutyHandbacks.treePath} LIKE ${`${p.treePath}%`} OR ${p.treePath} LIKE ${dutyHandbacks.treePath} || '%')`;
  }

  private async row(p: Principal, id: number): Promise<Row> {
    const [r] = await this.platform.db.select().from(dutyHandbacks).where(and(eq(dutyHandbacks.id, id), this.visibleWhere(p)));
    if (!r) throw new AppError(DutyErrors.DUTY_HANDBACK_NOT_FOUND);
    return r;
  }

  async list(ctx: AuthedContext, q: S.HandbackQuery): Promise<{ items: S.HandbackOut[]; total: number }> {
    const where = and(this.visibleWhere(ctx.principal), q.status ? eq(dutyHandbacks.status, q.status) : undefined, q.townshipId ? eq(dutyHandbacks.townshipNodeId, q.townshipId) : undefined);
    const rows = await this.platform.db.select().from(dutyHandbacks).where(where).orderBy(desc(dutyHandbacks.id)).limit(q.limit ?? 50).offset(q.offset ?? 0);
    const [n] = await this.platform.db.select({ n: sql<number>`count(*)::int` }).from(dutyHandbacks).where(where);
    return { items: await this.out(rows), total: n?.n ?? 0 };
  }

  async get(ctx: AuthedContext, id: number): Promise<S.HandbackOut> {
    return (await this.out([await this.row(ctx.principal, id)]))[0]!;
  }

  /** The department's answer: only the department the item goes back to. */
  async answer(ctx: AuthedContext, id: number, input: S.DepartmentAnswerIn): Promise<S.HandbackOut> {
    const p = ctx.principal;
    if (!p.departmentId) throw new AppError(DutyErrors.DUTY_NOT_DEPARTMENT);
    const [r] = await this.platform.db.select().from(dutyHandbacks).where(eq(dutyHandbacks.id, id));
    if (!r) throw new AppError(DutyErrors.DUTY_HANDBACK_NOT_FOUND);
    if (r.departmentId !== p.departmentId) {
      const d = await this.tree.getDepartment(r.departmentId);
      throw new AppError(DutyErrors.DUTY_OUTSIDE_REMIT, { reason_zh: `该事项退回给${d?.name ?? '其他部门'}，应由其答复`, reason_en: `the item goes back to ${d?.name ?? 'another department'}, which answers` });
    }
    if (r.status !== 'pending_department') throw new AppError(DutyErrors.DUTY_HANDBACK_WRONG_STAGE, this.stage(r));
    const row = await this.platform.db.transaction(async (tx) => {
      const [u] = await tx
        .update(dutyHandbacks)
        .set({ departmentAgrees: input.agrees, departmentComment: input.comment.trim(), departmentBy: p.userId, departmentAt: new Date(), status: 'pending_review' })
        .where(and(eq(dutyHandbacks.id, id), eq(dutyHandbacks.status, 'pending_department')))
        .returning();
      if (!u) throw new AppError(DutyErrors.DUTY_HANDBACK_WRONG_STAGE, this.stage(r));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'duty.handback_answer', entityType: 'duty_handback', entityId: id, treePath: r.treePath, detail: { agrees: input.agrees } });
      return u;
    });
    return (await this.out([row]))[0]!;
  }

  /** The reviewer's decision; returned moves the item to the taken-back list as a new version. */
  async decide(ctx: AuthedContext, id: number, input: S.DecideHandbackIn): Promise<S.HandbackOut> {
    const p = ctx.principal;
    const r = await this.row(p, id);
    if (!r.treePath.startsWith(p.treePath)) throw new AppError(DutyErrors.DUTY_HANDBACK_NOT_FOUND);
    if (r.status !== 'pending_review') throw new AppError(DutyErrors.DUTY_HANDBACK_WRONG_STAGE, this.stage(r));
    const township = await this.lists.township(p, r.townshipNodeId, 'manage');
    const dept = await this.tree.getDepartment(r.departmentId);
    const row = await this.platform.db.transaction(async (tx) => {
      let versionNo: number | null = null;
      if (input.decision === 'return') {
        const [item] = await tx.select().from(dutyItems).where(eq(dutyItems.id, r.itemId));
        if (!item || item.removedAt) throw new AppError(DutyErrors.DUTY_ITEM_NOT_ON_LIST, { name: r.itemName, township: township.name });
        if (item.listKind === 'taken_back') throw new AppError(DutyErrors.DUTY_ITEM_ALREADY_TAKEN_BACK, { name: item.name });
        const res = await this.lists.change(
          ctx, township, { kind: 'handback', reason: `退回上级部门：${item.name}（退回申请 #${r.id}，${dept?.name ?? ''}）：${input.reason.trim()}`, detail: { handbackId: r.id, from: item.listKind, ...listParams(item.listKind) } },
          async (inner) => {
            await this.lists.moveRow(inner, item, 'taken_back', { departmentId: r.departmentId, departmentName: dept?.name ?? item.departmentName, carrier: dept?.name ?? item.carrier });
            return item.id;
          },
          tx,
        );
        versionNo = res.version;
      }
      const [u] = await tx
        .update(dutyHandbacks)
        .set({ status: input.decision === 'return' ? 'returned' : 'kept', decisionReason: input.reason.trim(), decidedBy: p.userId, decidedAt: new Date(), versionNo })
        .where(and(eq(dutyHandbacks.id, id), eq(dutyHandbacks.status, 'pending_review')))
        .returning();
      if (!u) throw new AppError(DutyErrors.DUTY_HANDBACK_WRONG_STAGE, this.stage(r));
      await this.platform.audit.record(tx, ctx, { category: 'write', action: `duty.handback_${input.decision}`, entityType: 'duty_handback', entityId: id, treePath: r.treePath, detail: { item: r.itemName, reason: input.reason, version: versionNo } });
      return u;
    });
    return (await this.out([row]))[0]!;
  }

  // ---- evidence files -----------------------------------------------------------------------

  /** Stores one evidence file (the township, while the request is open). */
  async attach(ctx: AuthedContext, id: number, file: { filename: string; stream: Readable }): Promise<S.HandbackOut> {
    const p = ctx.principal;
    const r = await this.row(p, id);
    if (!r.treePath.startsWith(p.treePath) || !p.permissions.has('duty:manage')) throw new AppError(DutyErrors.DUTY_HANDBACK_NOT_FOUND);
    if (r.status !== 'pending_department' && r.status !== 'pending_review') throw new AppError(DutyErrors.DUTY_HANDBACK_WRONG_STAGE, this.stage(r));
    if (r.attachments.length >= MAX_EVIDENCE_FILES) throw new AppError(DutyErrors.DUTY_EVIDENCE_TOO_MANY, { max: MAX_EVIDENCE_FILES }, 'file');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const fileId = randomUUID();
    const path = join(this.dir, fileId);
    const hash = createHash('sm3');
    let size = 0;
    let head = Buffer.alloc(0);
    try {
      await pipeline(
        file.stream,
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            size += chunk.length;
            if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
            hash.update(chunk);
            cb(null, chunk);
          },
        }),
        createWriteStream(path, { mode: 0o600 }),
      );
      if ((file.stream as Readable & { truncated?: boolean }).truncated) throw Object.assign(new Error('truncated'), { code: 'FST_REQ_FILE_TOO_LARGE' });
    } catch (err) {
      await rm(path, { force: true });
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        throw new AppError(DutyErrors.DUTY_EVIDENCE_INVALID, { reason_zh: `文件超过 ${Math.round(this.platform.config.uploadLimitBytes / 1048576)} MB`, reason_en: `the file is larger than ${Math.round(this.platform.config.uploadLimitBytes / 1048576)} MB` }, 'file');
      throw err;
    }
    // eslint-disable-next-line no-control-regex
    const fileName = (file.filename || 'evidence').replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 200);
    const contentType = size ? sniff(head, fileName) : null;
    if (!contentType) {
      await rm(path, { force: true });
      throw new AppError(DutyErrors.DUTY_EVIDENCE_INVALID, { reason_zh: size ? `“${fileName}”不是这几类文件` : '文件是空的', reason_en: size ? `"${fileName}" is none of these` : 'the file is empty' }, 'file');
    }
    const entry = { id: fileId, fileName, size, digest: hash.digest('hex'), contentType };
    let row: Row;
    try {
      row = await this.platform.db.transaction(async (tx) => {
        const [u] = await tx.update(dutyHandbacks).set({ attachments: sql`${dutyHandbacks.attachments} || ${JSON.stringify([entry])}::jsonb` }).where(eq(dutyHandbacks.id, id)).returning();
        await this.platform.audit.record(tx, ctx, { category: 'write', action: 'duty.handback_evidence', entityType: 'duty_handback', entityId: id, treePath: r.treePath, detail: { fileName, size, digest: entry.digest } });
        return u!;
      });
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return (await this.out([row]))[0]!;
  }

  async evidence(ctx: AuthedContext, id: number, fileId: string): Promise<{ fileName: string; contentType: string; size: number; stream: Readable }> {
    const r = await this.row(ctx.principal, id);
    const a = r.attachments.find((x) => x.id === fileId);
    if (!a) throw new AppError(DutyErrors.DUTY_HANDBACK_NOT_FOUND);
    const path = join(this.dir, a.id);
    await stat(path);
    await this.platform.db.transaction((tx) => this.platform.audit.record(tx, ctx, { category: 'read', action: 'duty.handback_evidence_read', entityType: 'duty_handback', entityId: id, treePath: r.treePath, detail: { fileName: a.fileName } }));
    return { fileName: a.fileName, contentType: a.contentType, size: a.size, stream: createReadStream(path) };
  }

  private async out(rows: Row[]): Promise<S.HandbackOut[]> {
    const db = this.platform.db;
    const names = await this.tree.names(rows.map((r) => r.townshipNodeId));
    const depts = new Map((await this.tree.listDepartments()).map((d) => [d.id, d.name]));
    const items = rows.length ? await db.select().from(dutyItems).where(inArray(dutyItems.id, rows.map((r) => r.itemId))) : [];
    const itemBy = new Map(items.map((i) => [i.id, i]));
    const people = await this.tree.people(rows.flatMap((r) => [r.requestedBy, r.departmentBy, r.decidedBy]));
    const person = (id: number | null) => (id && people.get(id)) || null;
    return rows.map((r) => {
      const i = itemBy.get(r.itemId);
      return {
        id: r.id, township: { id: r.townshipNodeId, name: names.get(r.townshipNodeId) ?? '' }, item: { id: r.itemId, name: i?.name ?? r.itemName, listKind: i?.listKind ?? r.fromList, onList: !!i && !i.removedAt }, fromList: r.fromList,
        department: { id: r.departmentId, name: depts.get(r.departmentId) ?? '' }, reasonKind: r.reasonKind, reasonText: r.reasonText, evidence: r.evidence,
        attachments: r.attachments.map((a) => ({ id: a.id, fileName: a.fileName, size: a.size, contentType: a.contentType })), status: r.status, requestedBy: person(r.requestedBy), createdAt: r.createdAt.toISOString(),
        departmentAgrees: r.departmentAgrees, departmentComment: r.departmentComment, departmentBy: person(r.departmentBy), departmentAt: r.departmentAt?.toISOString() ?? null,
        decisionReason: r.decisionReason, decidedBy: person(r.decidedBy), decidedAt: r.decidedAt?.toISOString() ?? null, versionNo: r.versionNo,
      };
    });
  }
}
