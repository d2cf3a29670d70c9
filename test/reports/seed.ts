// A small community whose every resident is known to the test, written through the registry's
// bulk writer (validated, versioned, audited) so that reports read real base data. Expected
// figures are computed in the tests from the same list, in plain code.
import { sql } from 'drizzle-orm';
import { systemContext } from '../../src/platform/context.js';
import type { TreeNode } from '../../src/modules/tree/index.js';
import type { TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';

export interface Person {
  grid: TreeNode;
  name?: string;
  sex: '1' | '2';
  birth: string;
  residence?: 'registered' | 'resident' | 'floating';
  /** Index of the household within the seed (people with the same index share one). */
  household: number;
  labels?: { code: string; since?: string; until?: string | null; attributes?: Record<string, unknown> }[];
  visits?: { at: Date; kind?: string }[];
  status?: 'active' | 'moved_out';
}

export interface Seeded {
  residentIds: number[];
  householdIds: Map<number, number>;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['建国', '秀英', '桂兰', '志强', '丽娟', '海燕', '国华', '玉梅', '明', '芳'];

export async function seedPeople(t: TestApp, people: Person[], visitorId = 1): Promise<Seeded> {
  const bulk = t.built.modules.registry.service.bulk;
  const ctx = systemContext('report-test');
  const node = (g: TreeNode) => ({ id: g.id, path: g.path, districtCode: g.districtCode! });
  return t.built.platform.db.transaction(async (tx) => {
    const households = new Map<number, TreeNode>();
    for (const p of people) if (!households.has(p.household)) households.set(p.household, p.grid);
    const hhKeys = [...households.keys()];
    const hhEnc = bulk.encodeAll('household', hhKeys.map((k) => ({ fields: { householdNo: `T${Date.now() % 100000}${k}`, kind: 'family' }, node: node(households.get(k)!) })));
    const hhIds = await bulk.insertEncoded(tx, ctx, 'household', hhEnc.values, { source: 'system' });
    const householdIds = new Map(hhKeys.map((k, i) => [k, hhIds[i]!]));
    const enc = bulk.encodeAll(
      'resident',
      people.map((p, i) => ({
        fields: {
          name: p.name ?? `${SURNAMES[i % 10]}${GIVEN[(i * 7) % 10]}`, idNumber: idNumber({ birth: p.birth, sex: p.sex }), residenceStatus: p.residence ?? 'registered',
          householdId: householdIds.get(p.household), address: '兴华街1号',
        },
        node: node(p.grid),
      })),
    );
    if (enc.rejected.length) throw new Error(`seed rejected: ${JSON.stringify(enc.rejected)}`);
    const residentIds = await bulk.insertEncoded(tx, ctx, 'resident', enc.values, { source: 'system' });
    const labels = people.flatMap((p, i) => (p.labels ?? []).map((l) => ({ residentId: residentIds[i]!, code: l.code, since: l.since ?? '2020-01-01', until: l.until ?? null, attributes: l.attributes })));
    if (labels.length) await bulk.insertLabels(tx, ctx, labels, 'system');
    const visits = people.flatMap((p, i) => (p.visits ?? []).map((v) => ({ residentId: residentIds[i]!, visitorId, visitedAt: v.at, kind: v.kind ?? 'care' })));
    if (visits.length) await bulk.insertVisits(tx, visits);
    const moved = people.map((p, i) => (p.status === 'moved_out' ? residentIds[i]! : 0)).filter(Boolean);
    if (moved.length) await tx.execute(sql.raw(`UPDATE resident SET status = 'moved_out' WHERE id IN (${moved.join(',')})`));
    return { residentIds, householdIds };
  });
}

/** Whole years between a birth date and a reference date (YYYY-MM-DD). */
export function ageOn(birth: string, ref: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = ref.split('-').map(Number) as [number, number, number];
  return ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
}

/** A birth date that makes someone `age` on `ref` (born on 15 June, or earlier in the year when needed). */
export function bornAged(age: number, ref: string): string {
  const [ry, rm, rd] = ref.split('-').map(Number) as [number, number, number];
  const md = rm > 6 || (rm === 6 && rd >= 15) ? '06-15' : '01-10';
  const y = md === '06-15' ? ry - age : ry - age - (rm > 1 || rd >= 10 ? 0 : 1);
  return `${y}-${md}`;
}
