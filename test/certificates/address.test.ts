// Two addresses that disagree (docs/decisions/0021): the linked house is the source of truth, a
// free-text 现住址 that says another place is flagged on the card and in the to-do list, and a
// certificate prints only an address that has been checked: the house's when the two agree, the
// text when no house is linked, nothing while they contradict each other or the review is overdue.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressesAgree, checkAddress, houseAddress, type HouseParts } from '../../src/modules/registry/address.js';
import { issue, resident, world, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(() => w.t.close());

async function record(kind: string, body: Record<string, unknown>): Promise<number> {
  const res = await w.t.call('POST', `/api/records/${kind}`, { token: w.worker, body: { gridId: w.a.grid.id, ...body } });
  if (res.statusCode !== 201) throw new Error(`${kind}: ${res.statusCode} ${res.body}`);
  return res.json().id as number;
}

async function house(b: { name: string; address: string; kind?: string }, h: { unitNo?: string | null; roomNo: string }): Promise<number> {
  const buildingId = await record('building', { name: b.name, address: b.address, kind: b.kind ?? 'residential' });
  return record('house', { buildingId, unitNo: h.unitNo ?? null, roomNo: h.roomNo, floor: 3 });
}

const card = async (id: number) => (await w.t.call('GET', `/api/residents/${id}`, { token: w.worker })).json();
const staleIds = async () => {
  const r = (await w.t.call('GET', '/api/stale?limit=200', { token: w.worker })).json();
  return { ids: (r.items as { recordId: number; problem?: string }[]).filter((i) => i.problem === 'address_mismatch').map((i) => i.recordId), body: r };
};

describe('the house is the source of truth', () => {
  it('flags 迎泽东街3号 against a house at 迎泽东街1号, and refuses to print either', async () => {
    const hid = await house({ name: '1号楼', address: '迎泽东街1号' }, { unitNo: '2', roomNo: '301' });
    const rid = await resident(w, { name: '两处住址', address: '迎泽东街3号', houseId: hid });
    const c = await card(rid);
    expect(c.address).toMatchObject({ status: 'mismatch', text: '迎泽东街3号', house: '迎泽东街1号1号楼2单元301室', address: null });
    expect(c.house.fullAddress).toBe('迎泽东街1号1号楼2单元301室');
    // The to-do list names it first, as a problem rather than an overdue review.
    const { ids, body } = await staleIds();
    expect(ids).toContain(rid);
    expect(body.items[0].problem).toBe('address_mismatch');
    expect(body.addressMismatches).toBe(ids.length);
    expect(body.items.find((i: { recordId: number }) => i.recordId === rid).policyName).toBe('现住址与所住房屋不一致');
    // Before issuing, the worker sees why; issuing is refused and nothing is issued.
    const check = (await w.t.call('POST', '/api/certificates/check', { token: w.worker, body: { residentId: rid, kind: 'residence' } })).json();
    const line = check.checks.find((x: { type: string }) => x.type === 'address_checked');
    expect(line).toMatchObject({ ok: false });
    expect(line.text).toContain('迎泽东街3号');
    expect(line.text).toContain('迎泽东街1号1号楼2单元301室');
    const res = await issue(w, { residentId: rid, kind: 'residence' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('CERT_PRECONDITION_FAILED');
    expect(res.json().error.message).toContain('不一致');

    // Corrected to agree: the card and the list are clear, and the certificate prints the house's address.
    const patched = await w.t.call('PATCH', `/api/residents/${rid}`, { token: w.worker, body: { version: c.resident.version, address: '迎泽东街1号' } });
    expect(patched.statusCode).toBe(200);
    expect((await card(rid)).address).toMatchObject({ status: 'agrees', address: '迎泽东街1号1号楼2单元301室' });
    expect((await staleIds()).ids).not.toContain(rid);
    const ok = await issue(w, { residentId: rid, kind: 'residence' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().publicText).toContain('现住址为迎泽东街1号1号楼2单元301室');
  });

  it('prints the house’s address when the text is empty, and the text when no house is linked', async () => {
    const hid = await house({ name: '5号楼', address: '滨河西路9号' }, { unitNo: '1', roomNo: '502' });
    const onlyHouse = await resident(w, { name: '只有房屋', address: null, houseId: hid });
    expect((await card(onlyHouse)).address.status).toBe('house_only');
    expect((await issue(w, { residentId: onlyHouse, kind: 'residence' })).json().publicText).toContain('现住址为滨河西路9号5号楼1单元502室');
    const onlyText = await resident(w, { name: '只有文字', address: '滨河西路25号3号楼2单元401室' });
    expect((await card(onlyText)).address.status).toBe('text_only');
    expect((await issue(w, { residentId: onlyText, kind: 'residence' })).json().publicText).toContain('现住址为滨河西路25号3号楼2单元401室');
  });

  it('refuses an address whose review is overdue: it has not been checked', async () => {
    const rid = await resident(w, { name: '久未核实', address: '滨河西路30号' });
    await w.t.database.db.execute(sql`UPDATE record_review SET reviewed_at = now() - interval '800 days', due_at = now() - interval '435 days' WHERE record_kind = 'resident' AND record_id = ${rid}`);
    expect((await card(rid)).address.overdue).toBe(true);
    const res = await issue(w, { residentId: rid, kind: 'residence' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toContain('未再核实');
    // A visit that confirms the record is the check.
    await w.t.call('POST', '/api/visits', { token: w.worker, body: { residentId: rid, kind: 'routine', confirm: true } });
    expect((await issue(w, { residentId: rid, kind: 'residence' })).statusCode).toBe(201);
  });
});

describe('one rule, in TypeScript and in SQL', () => {
  const b = (name: string, address: string, kind = 'residential'): Omit<HouseParts, 'unitNo' | 'roomNo'> => ({ buildingName: name, buildingAddress: address, buildingKind: kind });
  const cases: { text: string; h: HouseParts; agrees: boolean }[] = [
    { text: '迎泽东街1号', h: { ...b('1号楼', '迎泽东街1号'), unitNo: '2', roomNo: '301' }, agrees: true },
    { text: '迎泽东街1号1号楼2单元301室', h: { ...b('1号楼', '迎泽东街1号'), unitNo: '2', roomNo: '301' }, agrees: true },
    { text: '迎泽东街1号 2单元301室', h: { ...b('1号楼', '迎泽东街1号'), unitNo: '2', roomNo: '301' }, agrees: true },
    { text: '迎泽东街１号１号楼２单元３０１室（东户）', h: { ...b('1号楼', '迎泽东街1号'), unitNo: '2', roomNo: '301' }, agrees: true },
    { text: '迎泽东街3号', h: { ...b('1号楼', '迎泽东街1号'), unitNo: '2', roomNo: '301' }, agrees: false },
    { text: '迎泽东街1号1号楼2单元401室', h: { ...b('1号楼', '迎泽东街1号'), unitNo: '2', roomNo: '301' }, agrees: false },
    { text: '迎泽东街12号', h: { ...b('1号楼', '迎泽东街1号'), unitNo: null, roomNo: '101' }, agrees: false },
    { text: '东社村8号院', h: { ...b('东社村8号院', '东社村8号', 'rural_house'), unitNo: null, roomNo: '1' }, agrees: true },
    { text: '东社村9号院', h: { ...b('东社村8号院', '东社村8号', 'rural_house'), unitNo: null, roomNo: '1' }, agrees: false },
  ];

  it('derives the house’s address', () => {
    expect(houseAddress(cases[0]!.h)).toBe('迎泽东街1号1号楼2单元301室');
    expect(houseAddress(cases[7]!.h)).toBe('东社村8号院');
    expect(checkAddress('  ', null).status).toBe('none');
  });

  it('gives the same answer on the resident card (TypeScript) and in the to-do list (SQL)', async () => {
    for (const [i, c] of cases.entries()) {
      expect(addressesAgree(c.text, c.h), c.text).toBe(c.agrees);
      const hid = await house({ name: c.h.buildingName, address: c.h.buildingAddress, kind: c.h.buildingKind }, { unitNo: c.h.unitNo, roomNo: c.h.roomNo });
      const rid = await resident(w, { name: `规则${'甲乙丙丁戊己庚辛壬癸'[i]}`, address: c.text, houseId: hid });
      expect((await card(rid)).address.status, c.text).toBe(c.agrees ? 'agrees' : 'mismatch');
      expect((await staleIds()).ids.includes(rid), c.text).toBe(!c.agrees);
    }
  });
});
