// Export (导出): any list a caller can filter on screen, as an xlsx file streamed page by page.
// It holds exactly what the caller may see (a department only its granted fields and records),
// ID numbers and phones masked unless the grant says otherwise, and every page sent is logged in
// the audit log as an export naming the records in it. The first column carries the record
// number, so an exported sheet, corrected, can be imported back onto the same records.
import type { Readable } from 'node:stream';
import type { Platform } from '../../platform/platform.js';
import type { RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { fieldsOf, type FieldDef, type RecordAccess, type RecordKind, type RecordListFilter, type RecordOut, type RegistryService, type ResidentFilter } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { ExchangeErrors } from './errors.js';
import { SPECIAL, targetsOf } from './headers.js';
import { kindNames } from './importer.js';
import { beijingTime } from '../../platform/dates.js';
import { attachmentHeader } from '../../platform/documents/http.js';
import { StreamedWorkbook, type SheetColumn } from '../../platform/documents/xlsx-stream.js';

const PAGE = 1000;

interface Column extends SheetColumn {
  value(item: Record<string, unknown>): string | number | null;
}

function codeName(def: FieldDef, v: unknown, lang: 'zh' | 'en'): string | null {
  if (v === null || v === undefined || v === '') return null;
  const c = def.codes?.[String(v)];
  return c ? c[lang] : String(v);
}

function widthFor(def: FieldDef): number {
  if (def.secret === 'idNumber') return 22;
  if (def.secret === 'phone') return 15;
  if (def.type === 'date') return 12;
  if (def.type === 'text' || (def.maxLength ?? 0) >= 100) return 30;
  if (def.type === 'code') return 12;
  return 14;
}

export class ExportService {
  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly tree: TreeService,
  ) {}

  /** The columns a caller may see of a kind: the record number, readable fields, place and labels. */
  private columns(kind: RecordKind, access: RecordAccess, lang: 'zh' | 'en', extra: { households?: Map<number, string>; buildings?: Map<number, string>; labelNames?: Map<string, string> }): Column[] {
    const canRead = (k: string) => access.readable === 'all' || access.readable.has(k);
    const cols: Column[] = [{ header: lang === 'zh' ? '记录编号' : 'Record no.', width: 10, value: (i) => i.id as number }];
    for (const def of fieldsOf(kind)) {
      if (!canRead(def.key) || def.key === 'status' || def.key === 'gridId' || def.key === 'nodeId') continue;
      if (def.type === 'reference') {
        if (def.key === 'householdId' && extra.households) cols.push({ header: lang === 'zh' ? '户号' : 'Household no.', width: 14, text: true, value: (i) => (i.householdId ? (extra.households!.get(i.householdId as number) ?? null) : null) });
        if (def.key === 'buildingId' && extra.buildings) cols.push({ header: lang === 'zh' ? (kind === 'house' ? '楼栋名称' : '所在楼栋') : 'Building', width: 16, value: (i) => (i.buildingId ? (extra.buildings!.get(i.buildingId as number) ?? null) : null) });
        continue;
      }
      cols.push({
        header: lang === 'zh' ? def.zh : def.en,
        width: widthFor(def),
        text: Boolean(def.secret) || def.type === 'string',
        value: (i) => {
          const v = i[def.key];
          if (def.type === 'code') return codeName(def, v, lang);
          if (v === null || v === undefined) return null;
          return typeof v === 'number' ? v : String(v);
        },
      });
      if (kind === 'resident' && def.key === 'birthDate') cols.push({ header: lang === 'zh' ? '年龄' : 'Age', width: 6, value: (i) => (typeof i.age === 'number' ? i.age : null) });
    }
    if (kind === 'resident' && extra.labelNames) {
      cols.push({ header: lang === 'zh' ? '重点人群' : 'Labels', width: 24, value: (i) => ((i.labels as { code: string }[] | undefined) ?? []).map((l) => extra.labelNames!.get(l.code) ?? l.code).join('、') || null });
    }
    cols.push({ header: lang === 'zh' ? (kind === 'facility' ? '所属社区/网格' : '所属网格') : 'Grid', width: 16, value: (i) => (i.gridName as string | undefined) ?? null });
    cols.push({ header: lang === 'zh' ? '状态' : 'Status', width: 8, value: (i) => codeName(fieldsOf(kind).find((d) => d.key === 'status')!, i.status, lang) });
    return cols;
  }

  async residents(ctx: RequestContext, f: Omit<ResidentFilter, 'limit' | 'offset'>): Promise<{ fileName: string; disposition: string; stream: Readable }> {
    const pages = this.registry.lookups.scanResidents(ctx, f, PAGE);
    return this.stream(ctx, 'resident', pages, f);
  }

  async records(ctx: RequestContext, kind: RecordKind, f: RecordListFilter): Promise<{ fileName: string; disposition: string; stream: Readable }> {
    if (kind === 'resident') throw new AppError(ExchangeErrors.EXPORT_KIND_INVALID, { kind }, 'kind');
    const pages = this.registry.lookups.scanRecords(ctx, kind, f, PAGE);
    return this.stream(ctx, kind, pages, f);
  }

  private async stream(ctx: RequestContext, kind: RecordKind, pages: AsyncGenerator<{ items: RecordOut[]; access: RecordAccess }>, filter: object) {
    const lang = ctx.lang;
    // The first page is read before answering, so a bad filter or a missing right is a clean error, not a broken download.
    const first = await pages.next();
    const access = first.done ? await this.registry.lookups.access(ctx, kind) : first.value.access;
    const labelNames = new Map((await this.registry.lookups.labelKinds(true)).map((k) => [k.code, lang === 'zh' ? k.nameZh : k.nameEn]));
    const place = await this.tree.describe(ctx.principal!.nodeId);
    const stamp = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
    const fileName = `${kindNames[kind][lang === 'zh' ? 'zh' : 'en']}${lang === 'zh' ? '名单' : ''}-${place?.name ?? ''}-${stamp}.xlsx`;
    const out = new StreamedWorkbook();
    const audit = this.platform.audit;
    const db = this.platform.db;
    const readable = (k: string) => access.readable === 'all' || access.readable.has(k);
    const write = async () => {
      const households = kind === 'resident' && readable('householdId') ? new Map<number, string>() : undefined;
      const buildings = (kind === 'house' || kind === 'organisation') && readable('buildingId') ? new Map<number, string>() : undefined;
      const cols = this.columns(kind, access, lang, { households, buildings, labelNames });
      const ws = out.sheet(kindNames[kind][lang === 'zh' ? 'zh' : 'en'], cols, { autoFilter: true });
      let count = 0;
      let page = 0;
      let masked = false;
      const emit = async (items: RecordOut[]) => {
        if (households) {
          const ids = [...new Set(items.map((i) => i.householdId as number | null).filter((x): x is number => !!x && !households.has(x)))];
          for (const [id, no] of await this.registry.lookups.namesOf(db, 'household', ids)) households.set(id, no);
        }
        if (buildings) {
          const ids = [...new Set(items.map((i) => i.buildingId as number | null).filter((x): x is number => !!x && !buildings.has(x)))];
          for (const [id, name] of await this.registry.lookups.namesOf(db, 'building', ids)) buildings.set(id, name);
        }
        for (const item of items) {
          ws.addRow(cols.map((c) => c.value(item))).commit();
          if (item.maskedFields.length) masked = true;
        }
        count += items.length;
        page += 1;
        // Logged as each page goes out: an interrupted download is still on record for what it sent.
        await audit.recordNow(db, ctx, {
          category: 'export', action: `${kind}.export`, entityType: kind, treePath: ctx.principal!.treePath,
          detail: { page, ids: items.map((i) => i.id), filter, maskedFields: [...new Set(items.flatMap((i) => i.maskedFields))] },
        });
      };
      if (!first.done) await emit(first.value.items);
      for await (const p of pages) await emit(p.items);
      if (count === 0) {
        await audit.recordNow(db, ctx, { category: 'export', action: `${kind}.export`, entityType: kind, treePath: ctx.principal!.treePath, detail: { page: 0, ids: [], filter } });
      }
      ws.commit();
      const info = out.sheet(lang === 'zh' ? '导出说明' : 'About', [{ header: lang === 'zh' ? '项目' : 'Item', width: 16 }, { header: lang === 'zh' ? '内容' : 'Value', width: 70 }]);
      const rows: [string, string][] = lang === 'zh'
        ? [['导出人', ctx.principal!.displayName], ['导出时间', beijingTime(new Date())], ['范围', place?.trail.join(' / ') ?? ''], ['筛选条件', JSON.stringify(filter)], ['记录数', String(count)],
          ['说明', masked ? '身份证号和手机号已按规定遮蔽；本次导出已记入审计日志。' : '本次导出已记入审计日志。'], ['回导', '保留“记录编号”列，修改后可直接导入，系统按编号更新原记录；遮蔽的号码不会覆盖原值。']]
        : [['Exported by', ctx.principal!.displayName], ['At', `${beijingTime(new Date())} (UTC+8)`], ['Area', place?.trail.join(' / ') ?? ''], ['Filter', JSON.stringify(filter)], ['Records', String(count)],
          ['Note', masked ? 'ID numbers and phones are masked; this export is in the audit log.' : 'This export is in the audit log.'], ['Re-import', 'Keep the record-number column: an edited sheet imports back onto the same records; masked numbers never overwrite.']];
      for (const r of rows) info.addRow(r).commit();
      info.commit();
      await out.finish();
    };
    write().catch((err: Error) => {
      this.platform.log.error({ err, kind }, 'export failed');
      out.fail(err);
    });
    return { fileName, disposition: attachmentHeader(fileName), stream: out.stream };
  }

  /**
   * A blank sheet to fill in: the headings the importer knows for a kind (required ones marked *),
   * one example row, and the accepted values of every coded column on a second sheet.
   */
  async blankTemplate(kind: RecordKind): Promise<{ fileName: string; disposition: string; stream: Readable }> {
    const labelKinds = (await this.registry.lookups.labelKinds()).map((k) => ({ code: k.code, nameZh: k.nameZh, nameEn: k.nameEn, owner: k.owner, active: k.active }));
    const targets = targetsOf(kind, labelKinds).filter((t) => t.key !== SPECIAL.id && t.type !== 'label');
    const example = exampleRows[kind] ?? {};
    const out = new StreamedWorkbook();
    const write = async () => {
      const ws = out.sheet(kindNames[kind].zh, targets.map((t) => ({ header: `${t.required ? '*' : ''}${t.zh}`, width: Math.max(10, t.zh.length * 2 + 4), text: true })));
      ws.addRow(targets.map((t) => example[t.key] ?? null)).commit();
      ws.commit();
      const codes = out.sheet('填写说明', [{ header: '列', width: 18 }, { header: '可填写的值', width: 100 }]);
      codes.addRow(['说明', '带 * 的列必须填写；列的顺序可以调整，也可以删去不用的列；第 2 行是示例，导入前请删除。']).commit();
      if (kind === 'resident') {
        codes.addRow(['证件号码', '18 位居民身份证号（末位可为 X），15 位老号码会自动转换；请把该列设为“文本”格式，以免 Excel 丢失末几位。']).commit();
        codes.addRow(['重点人群', `多个用顿号分隔，可填：${labelKinds.filter((k) => k.active).map((k) => k.nameZh).join('、')}`]).commit();
      }
      codes.addRow(['所属网格', '网格名称或 15 位网格编码；不填则用导入时选择的默认网格。']).commit();
      for (const def of fieldsOf(kind)) {
        if (!def.codes || def.system) continue;
        codes.addRow([def.zh, Object.values(def.codes).map((c) => c.zh).join('、')]).commit();
      }
      codes.commit();
      await out.finish();
    };
    write().catch((err: Error) => out.fail(err));
    const fileName = `${kindNames[kind].zh}导入模板.xlsx`;
    return { fileName, disposition: attachmentHeader(fileName), stream: out.stream };
  }
}

const exampleRows: Partial<Record<RecordKind, Record<string, string>>> = {
  resident: { name: '张三', idType: '居民身份证', idNumber: '140109194803020024', sex: '女', birthDate: '1948-03-02', phone: '13812345678', ethnicity: '汉族', maritalStatus: '丧偶', residenceStatus: '户籍人口', address: '迎泽区桃园路 12 号 3 单元 201', relationToHead: '户主', [SPECIAL.householdNo]: 'H0001', [SPECIAL.labels]: '独居老人、高龄老人' },
  household: { householdNo: 'H0001', kind: '家庭户' },
  building: { name: '1号楼', address: '桃园路 12 号', kind: '住宅楼', floors: '6', unitCount: '3', builtYear: '1998' },
  house: { [SPECIAL.building]: '1号楼', unitNo: '3', floor: '2', roomNo: '201', areaM2: '68.5', usage: '自住' },
  organisation: { name: '桃园便民超市', kind: '商铺', legalRepName: '李四', phone: '0351-1234567', address: '桃园路 10 号', employees: '4' },
  facility: { name: '滨体幸福食堂', kind: '幸福食堂', operator: '滨体社区', openingHours: '11:00-13:00', address: '桃园路 8 号', capacity: '60' },
};

