// Shared set-up for the certificate tests: an app with the starter catalogue, two communities
// with their workers, an admin, and a way to register residents (and households) as a worker would.
import { eq } from 'drizzle-orm';
import { type Algorithm } from '../../src/modules/certificates/index.js';
import { seedCertificatesDemo } from '../../src/modules/demo/certificates.js';
import { formatStatement, parseStored } from '../../src/modules/certificates/statement.js';
import { certificates } from '../../src/modules/certificates/tables.js';
import { addDays, todayCn } from '../../src/platform/dates.js';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';

export interface World {
  t: TestApp;
  a: Subtree;
  b: Subtree;
  worker: string;
  otherWorker: string;
  street: string;
  admin: string;
}

export async function world(overrides: Parameters<typeof testApp>[0] = {}): Promise<World> {
  const t = await testApp(overrides);
  const a = await makeSubtree(t);
  const b = await makeSubtree(t);
  const worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  const otherWorker = (await loginAs(t, { role: 'community_worker', node: b.community })).token;
  const street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
  const admin = (await loginAs(t, { role: 'admin', node: a.city })).token;
  await seedCertificatesDemo(t.built, { worker: 'no-such-user' });
  return { t, a, b, worker, otherWorker, street, admin };
}

export const monthsAgo = (m: number) => addDays(todayCn(), -Math.round(m * 30.5));

export async function household(w: World, token = w.worker, grid = w.a.grid): Promise<number> {
  const res = await w.t.call('POST', '/api/records/household', { token, body: { gridId: grid.id, householdNo: `H${Math.floor(Math.random() * 1e9)}` } });
  if (res.statusCode !== 201) throw new Error(`household: ${res.statusCode} ${res.body}`);
  return res.json().id as number;
}

export async function resident(w: World, fields: Record<string, unknown> = {}, opts: { token?: string; grid?: Subtree['grid']; birth?: string; sex?: '1' | '2' } = {}): Promise<number> {
  const body = {
    gridId: (opts.grid ?? w.a.grid).id, name: '王秀英', idNumber: idNumber({ birth: opts.birth ?? '1960-04-12', sex: opts.sex ?? '2' }), ethnicity: '01', address: '滨河西路25号3号楼2单元401室',
    residentSince: monthsAgo(30), ...fields,
  };
  const res = await w.t.call('POST', '/api/residents', { token: opts.token ?? w.worker, body });
  if (res.statusCode !== 201) throw new Error(`resident: ${res.statusCode} ${res.body}`);
  return res.json().id as number;
}

/** Department-owned labels (低保, 残疾) as the owning department would set them. */
export async function departmentLabel(w: World, residentId: number, code: string, attributes: Record<string, unknown> = {}) {
  await w.t.built.modules.registry.service.labels.set(systemContext('test-department'), residentId, { code, since: monthsAgo(12), attributes });
}

export async function issue(w: World, body: Record<string, unknown>, token = w.worker) {
  return w.t.call('POST', '/api/certificates', { token, body: { purpose: '申领居住证', ...body } });
}

/**
 * Turns a freshly issued certificate into one issued before the compact format existed: its
 * statement re-signed as QC1 text with the unit's own key, as the platform signed it then.
 */
export async function asLegacyQc1(w: World, certificateId: number): Promise<{ verifyUrl: string; statement: string }> {
  const s = w.t.built.modules.certificates.service;
  const [row] = await w.t.database.db.select().from(certificates).where(eq(certificates.id, certificateId));
  const parsed = parseStored(row!.statement);
  if (!parsed.ok) throw new Error('statement');
  const entry = await s.keys.verifier(row!.kid);
  const statement = formatStatement({ ...parsed.statement, algorithm: entry!.key.algorithm as Algorithm, signerId: entry!.key.signerId });
  const signature = s.keys.signer(entry!.key).sign(statement).toString('base64url');
  await w.t.database.db.update(certificates).set({ statement, signature }).where(eq(certificates.id, certificateId));
  const out = (await w.t.call('GET', `/api/certificates/${certificateId}`, { token: w.worker })).json() as { verifyUrl: string };
  return { verifyUrl: out.verifyUrl, statement };
}
