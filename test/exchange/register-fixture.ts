// A community register (居民花名册) as a community keeps it in Excel or WPS, generated for tests:
// two merged title rows above the header, Chinese headers, 楼栋/单元/房号 merged down over the
// members of each household, birth dates typed every way people type them (1956.03.12,
// 1956年3月12日, 19560312, Excel date cells, 1956/3/12, 出生年月 1956.03), phones in every style
// (138-5618-9989, 138 5618 9989, +86 …, landlines 0351-6123456, two numbers in one cell, a
// 10-digit typo), labels in a 重点人群 column (独居老人, 低保户, 退役军人, 残疾人, 留守儿童 …), and
// the mistakes real registers hold: wrong check digits, ID numbers Excel turned into numbers,
// sexes that contradict the ID number, impossible dates, a person listed twice, several problems
// on one row, labels that do not fit the person (a 35-year-old 独居老人).
//
// Deterministic for a seed. Every planted problem is recorded per row, so a test can state
// exactly what an import of the sheet must give.
import ExcelJS from 'exceljs';
import { idCheckChar } from '../../src/modules/registry/validation.js';

/** What was planted in a row. Hard problems make the row unimportable as it stands. */
export type Planted =
  | 'id_check' // wrong GB 11643 check character
  | 'id_length' // 17 digits
  | 'id_number_cell' // an 18-digit ID number stored as a number (digits lost)
  | 'sex_mismatch' // 性别 contradicts the ID number
  | 'date_impossible' // 1990.02.30
  | 'duplicate' // the same person again further down
  | 'phone_invalid' // 1381234567, 6123456: not a number anyone can call
  | 'phone_two' // two numbers in one cell
  | 'label_department' // 低保户, 退役军人, 残疾人 … (kept by a department)
  | 'label_implausible' // 独居老人 aged 35, 留守儿童 aged 40
  | 'label_unknown'; // 困难户: no such label kind

export const hardProblems: ReadonlySet<Planted> = new Set(['id_check', 'id_length', 'id_number_cell', 'sex_mismatch', 'date_impossible', 'duplicate']);

export interface RegisterRow {
  rowNo: number;
  name: string;
  idNumber: string;
  building: string;
  unit: string;
  room: string;
  phone: string;
  labels: string[];
  planted: Planted[];
}

export interface Register {
  buffer: Buffer;
  rows: RegisterRow[];
  /** Distinct buildings and houses (building|unit|room) the sheet names. */
  buildings: string[];
  houses: string[];
  headerRow: number;
}

export interface RegisterOptions {
  rows?: number;
  seed?: number;
  communityName?: string;
  /** Address codes (6 digits) the ID numbers are drawn from; vary them to keep two registers apart. */
  addressCodes?: string[];
  /** Add a 楼栋地址 column. */
  buildingAddress?: boolean;
  /** Put in front of building names (花园 → 花园3号楼), to stay clear of buildings a place already has. */
  buildingPrefix?: string;
}

/** Small, seeded PRNG (mulberry32): the same seed gives the same sheet. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const MALE = ['建国', '建华', '国强', '志刚', '海涛', '文斌', '俊杰', '宇航', '浩然', '子轩', '明', '伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '鹏', '昊天', '晨阳', '振华', '德福', '永祥', '长青', '保国'];
const FEMALE = ['秀英', '桂兰', '玉兰', '淑珍', '丽', '敏', '静', '燕', '艳', '娟', '霞', '芳', '丽华', '婷婷', '欣怡', '梓涵', '雨桐', '思琪', '佳怡', '慧敏', '春梅', '美兰', '翠花', '凤英'];
const ETHNIC = ['汉族', '汉族', '汉族', '汉族', '汉族', '汉', '回族', '满族', '蒙古族'];
const POLITICAL = ['群众', '群众', '群众', '中共党员', '党员', '共青团员', '团员'];
const EDUCATION = ['小学', '初中', '初中', '高中', '中专', '大专', '本科', '大学本科', '研究生', '文盲'];
const HUKOU = ['山西省太原市万柏林区', '山西省太原市迎泽区', '山西省太原市小店区', '山西省晋中市榆次区', '山西省吕梁市离石区', '河北省石家庄市长安区', '山西省忻州市忻府区'];

export function registerHeaders(withBuildingAddress = false): string[] {
  return [
    '序号', '楼栋', ...(withBuildingAddress ? ['楼栋地址'] : []), '单元', '房号', '户主姓名', '姓名', '与户主关系', '性别', '民族', '身份证号码', '出生日期', '年龄', '联系电话',
    '政治面貌', '文化程度', '人员类别', '户籍地址', '重点人群', '备注',
  ];
}

/**
 * Builds the register. Households of one to five live in houses of buildings 1号楼 … 12号楼
 * (units 1-4, rooms 101-602); about 1 row in 7 carries a planted problem, some several.
 */
export async function buildRegister(opts: RegisterOptions = {}): Promise<Register> {
  const total = opts.rows ?? 1000;
  const r = rng(opts.seed ?? 20240312);
  const community = opts.communityName ?? '滨体社区';
  const addressCodes = opts.addressCodes ?? ['140109', '140105', '140106', '140107', '140108', '140110'];
  const year = new Date().getUTCFullYear();
  const usedIds = new Set<string>();
  const usedHouses = new Set<string>();

  const idFor = (birth: string, sex: '1' | '2'): string => {
    for (;;) {
      let seq = r.int(0, 999);
      if (seq % 2 !== (sex === '1' ? 1 : 0)) seq = (seq + 1) % 1000;
      const first17 = `${r.pick(addressCodes)}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
      const id = first17 + idCheckChar(first17);
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };
  const birthFor = (age: number): string => {
    const y = year - age - 1 + (r.chance(0.5) ? 1 : 0);
    const m = r.int(1, 12);
    const d = r.int(1, 28);
    // Keep the age exact: born before today's month of this year.
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  const ageOf = (birth: string) => {
    const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
    const now = new Date();
    let a = now.getUTCFullYear() - y;
    if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) a -= 1;
    return a;
  };

  /** A birth date written the way this sheet's typists write them. */
  const dateCell = (birth: string, style: number): unknown => {
    const [y, m, d] = birth.split('-') as [string, string, string];
    switch (style % 7) {
      case 0:
        return `${y}.${m}.${d}`; // 1956.03.12
      case 1:
        return `${y}年${Number(m)}月${Number(d)}日`; // 1956年3月12日
      case 2:
        return `${y}${m}${d}`; // 19560312 as text
      case 3:
        return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))); // an Excel date cell
      case 4:
        return `${y}/${Number(m)}/${Number(d)}`; // 1956/3/12
      case 5:
        return Number(`${y}${m}${d}`); // 19560312 typed as a number
      default:
        return `${y}.${m}`; // 出生年月 only: 1956.03
    }
  };

  /** A valid phone written in one of the styles registers hold. */
  const phoneCell = (style: number): { cell: unknown; shown: string } => {
    const mob = `1${r.pick(['38', '39', '37', '36', '35', '50', '51', '58', '59', '86', '87', '88', '55', '56', '33', '53', '80', '89'])}${String(r.int(0, 99_999_999)).padStart(8, '0')}`;
    const land = `0351-${r.int(2, 8)}${String(r.int(0, 999_999)).padStart(6, '0')}`;
    switch (style % 9) {
      case 0:
      case 1:
        return { cell: mob, shown: mob };
      case 2:
        return { cell: `${mob.slice(0, 3)}-${mob.slice(3, 7)}-${mob.slice(7)}`, shown: mob }; // 138-5618-9989
      case 3:
        return { cell: `${mob.slice(0, 3)} ${mob.slice(3, 7)} ${mob.slice(7)}`, shown: mob }; // 138 5618 9989
      case 4:
        return { cell: `+86 ${mob}`, shown: mob }; // +86 13856189989
      case 5:
        return { cell: Number(mob), shown: mob }; // typed as a number
      case 6:
        return { cell: land, shown: land }; // 0351-6123456
      case 7:
        return { cell: `(0351)${land.slice(5)}`, shown: land }; // (0351)6123456
      default:
        return { cell: `+86-${mob.slice(0, 3)}-${mob.slice(3, 7)}-${mob.slice(7)}`, shown: mob };
    }
  };

  type Person = { name: string; sex: '1' | '2'; birth: string; relation: string };
  const rows: RegisterRow[] = [];
  const sheetRows: unknown[][] = [];
  const buildings = new Set<string>();
  const merges: { from: number; to: number }[] = [];
  const withAddr = Boolean(opts.buildingAddress);
  const headerRow = 3;
  let rowNo = headerRow;
  let serial = 0;
  let planted = 0;
  const duplicateSource: { cells: unknown[]; row: RegisterRow }[] = [];

  while (rows.length < total) {
    // A house not yet used.
    let building: string;
    let unit: string;
    let room: string;
    do {
      building = `${opts.buildingPrefix ?? ''}${r.int(1, 12)}号楼`;
      unit = String(r.int(1, 4));
      room = `${r.int(1, 6)}0${r.int(1, 2)}`;
    } while (usedHouses.has(`${building}|${unit}|${room}`));
    usedHouses.add(`${building}|${unit}|${room}`);
    buildings.add(building);
    const surname = r.pick([...SURNAMES]);
    const headSex: '1' | '2' = r.chance(0.7) ? '1' : '2';
    const kind = r.next();
    const members: Person[] = [];
    const given = (sex: '1' | '2') => r.pick(sex === '1' ? MALE : FEMALE);
    if (kind < 0.12) {
      // An old person living alone.
      const sex: '1' | '2' = r.chance(0.6) ? '2' : '1';
      members.push({ name: surname + given(sex), sex, birth: birthFor(r.int(66, 92)), relation: '户主' });
    } else if (kind < 0.3) {
      // An elderly couple.
      const a = r.int(60, 85);
      members.push({ name: surname + given('1'), sex: '1', birth: birthFor(a), relation: '户主' });
      members.push({ name: r.pick([...SURNAMES]) + given('2'), sex: '2', birth: birthFor(a - r.int(0, 4)), relation: '妻' });
    } else {
      const a = r.int(28, 58);
      members.push({ name: surname + given(headSex), sex: headSex, birth: birthFor(a), relation: '户主' });
      const spouseSex: '1' | '2' = headSex === '1' ? '2' : '1';
      if (r.chance(0.85)) members.push({ name: r.pick([...SURNAMES]) + given(spouseSex), sex: spouseSex, birth: birthFor(a - r.int(-3, 4)), relation: spouseSex === '2' ? '妻' : '夫' });
      const kids = r.int(0, 2);
      for (let k = 0; k < kids; k++) {
        const sex: '1' | '2' = r.chance(0.5) ? '1' : '2';
        members.push({ name: surname + given(sex), sex, birth: birthFor(Math.max(1, a - r.int(22, 32))), relation: sex === '1' ? (k ? '次子' : '长子') : k ? '次女' : '长女' });
      }
      if (r.chance(0.2)) {
        const sex: '1' | '2' = r.chance(0.5) ? '1' : '2';
        members.push({ name: surname + given(sex), sex, birth: birthFor(a + r.int(24, 30)), relation: sex === '1' ? '父亲' : '母亲' });
      }
    }
    const first = rowNo + 1;
    const head = members[0]!.name;
    for (const [i, m] of members.entries()) {
      if (rows.length >= total) break;
      rowNo += 1;
      serial += 1;
      const problems: Planted[] = [];
      const age = ageOf(m.birth);
      let id = idFor(m.birth, m.sex);
      let idCell: unknown = id;
      let birthCell = dateCell(m.birth, serial);
      let sexCell = m.sex === '1' ? '男' : '女';
      const ph = i === 0 || age >= 18 ? phoneCell(serial * 7 + i) : { cell: '', shown: '' };
      let phoneCellValue = ph.cell;
      const labels: string[] = [];
      if (members.length === 1 && age >= 60) labels.push('独居老人');
      else if (age >= 80) labels.push('高龄老人');
      else if (members.length === 2 && age >= 60 && i === 0 && r.chance(0.5)) labels.push('空巢老人');
      if (age < 16 && r.chance(0.08)) labels.push('留守儿童');

      // About one row in seven carries something to correct or to notice; some several.
      const roll = r.next();
      if (roll < 0.16) {
        planted += 1;
        const k = planted % 17;
        const add = (p: Planted) => problems.push(p);
        if (k === 0) {
          id = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
          idCell = id;
          add('id_check');
        } else if (k === 1) {
          id = id.slice(0, 17);
          idCell = id;
          add('id_length');
        } else if (k === 2) {
          idCell = Number(id.slice(0, 17)) * 10;
          add('id_number_cell');
        } else if (k === 3) {
          sexCell = m.sex === '1' ? '女' : '男';
          add('sex_mismatch');
        } else if (k === 4 || k === 10) {
          phoneCellValue = r.chance(0.5) ? `138${String(r.int(0, 9_999_999)).padStart(7, '0')}` : String(r.int(2_000_000, 8_999_999));
          add('phone_invalid');
        } else if (k === 5) {
          phoneCellValue = `${String(ph.shown || '13934567890')}/0351-${r.int(2, 8)}${String(r.int(0, 999_999)).padStart(6, '0')}`;
          add('phone_two');
        } else if (k === 6 || k === 11) {
          labels.push(r.pick(['低保户', '低保']));
          add('label_department');
        } else if (k === 7 || k === 12) {
          labels.push(r.pick(['退役军人', '退伍军人']));
          add('label_department');
        } else if (k === 8 || k === 13) {
          labels.push('残疾人');
          add('label_department');
        } else if (k === 9) {
          // A label that does not fit the person.
          if (age >= 60) labels.push('留守儿童');
          else labels.splice(0, labels.length, '独居老人');
          add('label_implausible');
        } else if (k === 14) {
          labels.push('困难户');
          add('label_unknown');
        } else if (k === 15) {
          // Several problems at once: a wrong check digit, a phone typo and an implausible label.
          id = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
          idCell = id;
          phoneCellValue = `138${String(r.int(0, 9_999_999)).padStart(7, '0')}`;
          if (age < 60) labels.splice(0, labels.length, '独居老人');
          else labels.push('留守儿童');
          add('id_check');
          add('phone_invalid');
          add('label_implausible');
        } else {
          // An impossible date and a 17-digit ID number on one row.
          birthCell = `${m.birth.slice(0, 4)}.02.30`;
          id = id.slice(0, 17);
          idCell = id;
          add('date_impossible');
          add('id_length');
        }
      }
      const cells: unknown[] = [
        serial, i === 0 ? building : null, ...(withAddr ? [i === 0 ? `${community}${building}` : null] : []), i === 0 ? unit : null, i === 0 ? room : null, i === 0 ? head : null,
        m.name, m.relation, sexCell, r.pick(ETHNIC), idCell, birthCell, age, phoneCellValue, r.pick(POLITICAL), age < 6 ? '学龄前' : r.pick(EDUCATION),
        r.chance(0.85) ? '户籍' : r.pick(['流动', '常住', '流动人口']), r.pick(HUKOU), labels.join('、'), '',
      ];
      const row: RegisterRow = { rowNo, name: m.name, idNumber: id, building, unit, room, phone: ph.shown, labels, planted: problems };
      rows.push(row);
      sheetRows.push(cells);
      if (!problems.length && age >= 18 && duplicateSource.length < 3 && r.chance(0.01)) duplicateSource.push({ cells, row });
    }
    if (rowNo > first) merges.push({ from: first, to: rowNo });
  }
  // A person listed twice: registers are merged from several sheets.
  for (const d of duplicateSource) {
    if (rows.length < 3) break;
    const at = rows.length - 1 - rows.slice().reverse().findIndex((x) => !x.planted.length && x.rowNo > d.row.rowNo + 50);
    if (at < 0 || at >= rows.length) continue;
    const target = rows[at]!;
    const cells = sheetRows[target.rowNo - headerRow - 1]!;
    const src = d.cells;
    // Same person, as written in the other sheet: name, sex, ID number and birth date copied.
    const off = withAddr ? 1 : 0;
    for (const c of [5, 7, 9, 10, 11].map((x) => x + off)) cells[c] = src[c];
    cells[6 + off] = '其他';
    Object.assign(target, { name: d.row.name, idNumber: d.row.idNumber, labels: [], planted: ['duplicate'] as Planted[] });
    cells[17 + off] = '';
  }

  const wb = new ExcelJS.Workbook();
  wb.creator = 'WPS 表格';
  const ws = wb.addWorksheet('花名册');
  const headers = registerHeaders(withAddr);
  const last = String.fromCharCode(64 + headers.length);
  ws.addRow([`${community}居民花名册`]);
  ws.mergeCells(`A1:${last}1`);
  ws.getCell('A1').font = { bold: true, size: 16 };
  ws.getCell('A1').alignment = { horizontal: 'center' };
  ws.addRow([`填报单位：${community}居民委员会　　　　填报时间：${year}年3月　　　　（楼栋、单元、房号按户合并）`]);
  ws.mergeCells(`A2:${last}2`);
  ws.addRow(headers);
  ws.getRow(3).font = { bold: true };
  const idCol = headers.indexOf('身份证号码') + 1;
  ws.getColumn(idCol).numFmt = '@';
  for (const cells of sheetRows) {
    const row = ws.addRow(cells);
    // Date cells carry a date format, as Excel gives a cell typed as a date; the rest of the column is General.
    cells.forEach((c, i) => {
      if (c instanceof Date) row.getCell(i + 1).numFmt = 'yyyy-mm-dd';
    });
  }
  // 楼栋, (楼栋地址,) 单元, 房号 and 户主姓名 merged down over each household.
  const mergedCols = [2, ...(withAddr ? [3] : []), 3 + (withAddr ? 1 : 0), 4 + (withAddr ? 1 : 0), 5 + (withAddr ? 1 : 0)];
  for (const m of merges) for (const c of mergedCols) ws.mergeCells(m.from, c, m.to, c);
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return { buffer, rows, buildings: [...buildings].sort(), houses: [...usedHouses].sort(), headerRow };
}

/** Counts of what the sheet holds, by planted problem (a row may carry several). */
export function plantedCounts(rows: RegisterRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) for (const p of row.planted) out[p] = (out[p] ?? 0) + 1;
  return out;
}
