// testApp(): the real app on a fresh database, driven with app.inject. Factories create valid
// parents on their own, through the real services, so each test states only what it cares about.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { Role, GridWorkerKind } from '../../src/platform/auth/roles.js';
import { systemContext } from '../../src/platform/context.js';
import { testDataKeys } from '../../src/platform/crypto.js';
import type { TreeNode } from '../../src/modules/tree/index.js';
import { freshDatabase } from './db.js';
import { idNumber, mobile } from './people.js';

export const TEST_PASSWORD = 'Grid-Worker-2026!';

/** What testApp() changes from the production defaults (see there). */
export const testDefaults: Partial<Config> = {
  mfaRequiredRoles: [],
  rateLoginAddress: null,
  rateLoginAccount: null,
  ratePublic: null,
  rateVerify: null,
  rateVerifyCode: null,
  rateVerifyCodePrefix: null,
};

export interface TestApp {
  built: BuiltApp;
  database: Database;
  config: Config;
  close(): Promise<void>;
  /** app.inject with a bearer token and JSON body. */
  call(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; remoteAddress?: string }): Promise<LightMyRequestResponse>;
  login(username: string, password?: string, totp?: string): Promise<string>;
}

/** `logStream`: build the app with the server's real log options, writing to this stream (to check what is logged). */
export async function testApp(overrides: Partial<Config> = {}, opts: { logStream?: import('node:stream').Writable } = {}): Promise<TestApp> {
  const database = await freshDatabase();
  const config = loadConfig({}, {
    env: 'test', dataDir: mkdtempSync(join(tmpdir(), 'qingche-data-')), mqttPort: 0, jobsEnabled: false, logLevel: 'silent', port: 0,
    // Suites log in many times a minute from one address as administrators: rate limits and the
    // second factor's default for administrators and auditors are off unless a test turns them
    // on (test/security does, and test/platform/auth.test.ts checks the production defaults).
    ...testDefaults,
    ...overrides,
  });
  const built = await buildApp(opts.logStream ? { config: { ...config, logLevel: 'info' }, database, keys: testDataKeys(), logStream: opts.logStream } : { config, database, keys: testDataKeys(), logger: false });
  await built.app.ready();
  const t: TestApp = {
    built,
    database,
    config,
    async close() {
      await built.close();
      await database.close();
    },
    call(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      return built.app.inject({ method: method as never, url, headers, payload: opts.body as never, ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}) });
    },
    async login(username, password = TEST_PASSWORD, totp) {
      const res = await t.call('POST', '/api/auth/login', { body: { username, password, ...(totp ? { totp } : {}) } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      return (res.json() as { token: string }).token;
    },
  };
  return t;
}

let seq = 0;
function nextSeq(): number {
  seq += 1;
  return seq;
}

export interface Subtree {
  city: TreeNode;
  district: TreeNode;
  street: TreeNode;
  community: TreeNode;
  grid: TreeNode;
}

/** The city node (created once per database). */
export async function ensureCity(t: TestApp): Promise<TreeNode> {
  const tree = t.built.modules.tree.service;
  return (await tree.findByCode('140100')) ?? tree.createNode({ parentId: null, level: 'city', code: '140100', name: '太原市', validFrom: '2000-01-01' }, systemContext('test'));
}

/**
 * A fresh district > street > community > grid under the city. Each call makes a new subtree
 * with its own codes, so tests in one file stay apart.
 */
export async function makeSubtree(t: TestApp, opts: { districtCode?: string } = {}): Promise<Subtree> {
  const tree = t.built.modules.tree.service;
  const ctx = systemContext('test');
  const city = await ensureCity(t);
  const n = nextSeq();
  const districtCode = opts.districtCode ?? `1401${String(n % 20 + 1).padStart(2, '0')}`;
  const district = (await tree.findByCode(districtCode)) ?? (await tree.createNode({ parentId: city.id, level: 'district', code: districtCode, name: `测试区${n}`, validFrom: '2000-01-01' }, ctx));
  let streetNo = n % 900 + 1;
  let street: TreeNode | undefined;
  while (!street) {
    const code = `${districtCode}${String(streetNo).padStart(3, '0')}`;
    if (!(await tree.findByCode(code))) street = await tree.createNode({ parentId: district.id, level: 'street', code, name: `测试街道${n}`, validFrom: '2000-01-01' }, ctx);
    streetNo += 1;
  }
  const community = await tree.createNode({ parentId: street.id, level: 'community', code: `${street.code}001`, name: `测试社区${n}`, validFrom: '2000-01-01' }, ctx);
  const grid = await tree.createNode({ parentId: community.id, level: 'grid', code: `${community.code}001`, name: `第一网格${n}`, kind: 'urban', validFrom: '2000-01-01' }, ctx);
  return { city, district, street, community, grid };
}

export async function makeGrid(t: TestApp, community: TreeNode, name = '新网格'): Promise<TreeNode> {
  const tree = t.built.modules.tree.service;
  const siblings = await tree.children(community.id, true);
  return tree.createNode({ parentId: community.id, level: 'grid', code: `${community.code}${String(siblings.length + 1).padStart(3, '0')}`, name, kind: 'urban', validFrom: '2000-01-01' }, systemContext('test'));
}

/** A staff account on a node, active, with TEST_PASSWORD and no forced password change. */
export async function makeUser(
  t: TestApp,
  opts: { role: Role; node: TreeNode; username?: string; displayName?: string; departmentId?: number; gridWorkerKind?: GridWorkerKind; mustChangePassword?: boolean },
) {
  const username = opts.username ?? `${opts.role.replace(/_/g, '')}${nextSeq()}`;
  const dept = opts.departmentId ? await t.built.modules.tree.service.getDepartment(opts.departmentId) : undefined;
  const user = await t.built.platform.auth.createUser(
    {
      username, displayName: opts.displayName ?? username, role: opts.role, nodeId: opts.node.id, treePath: dept?.treePath ?? opts.node.path, departmentId: opts.departmentId ?? null, password: TEST_PASSWORD,
      gridWorkerKind: opts.gridWorkerKind ?? null, mustChangePassword: opts.mustChangePassword ?? false,
    },
    systemContext('test'),
  );
  return user;
}

/** A user and a logged-in token in one step. */
export async function loginAs(t: TestApp, opts: Parameters<typeof makeUser>[1]): Promise<{ user: Awaited<ReturnType<typeof makeUser>>; token: string }> {
  const user = await makeUser(t, opts);
  return { user, token: await t.login(user.username) };
}

const testNames = ['王秀英', '李建国', '张桂兰', '刘志强', '陈淑珍', '杨卫东', '赵玉梅', '黄国华'];

/**
 * A resident registered through the registry's own service, as a community worker would: with no
 * grid given, a fresh street > community > grid is made first. Returns the resident's id and
 * the grid it lives in. Fields not given get valid values (a checked ID number, a mobile).
 */
export async function makeResident(
  t: TestApp,
  opts: { grid?: TreeNode; name?: string; idNumber?: string | null; phone?: string | null; birth?: string; sex?: '1' | '2'; fields?: Record<string, unknown> } = {},
): Promise<{ id: number; grid: TreeNode }> {
  const grid = opts.grid ?? (await makeSubtree(t)).grid;
  const n = nextSeq();
  const input = {
    gridId: grid.id,
    name: opts.name ?? testNames[n % testNames.length]!,
    idNumber: opts.idNumber === undefined ? idNumber({ birth: opts.birth, sex: opts.sex }) : opts.idNumber,
    phone: opts.phone === undefined ? mobile() : opts.phone,
    ...opts.fields,
  };
  const id = await t.built.modules.registry.service.store.create(systemContext('test', grid.path), 'resident', input, { source: 'community' });
  return { id, grid };
}
