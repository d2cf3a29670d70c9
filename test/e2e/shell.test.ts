// The foundation's "done when", in a real browser: a community worker logs in, sees only their
// community, navigates the tree, switches the UI to English and back; the menu follows the role;
// screenshots of the desktop dashboard and a grid worker's phone to-do list land in test-results/.
import * as OTPAuth from 'otpauth';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launchBrowser, toastSeen, loginAs, newPage, screenshot, startServer, type E2eServer, type TestPage } from './support/index.js';

const url = inject('e2eUrl');
let browser: Browser;

/** Page errors and console errors; the browser's own notes on 401/404 answers are expected (the app shows them). */
const realProblems = (tp: TestPage) => tp.problems.filter((p) => !/Failed to load resource: the server responded with a status of 40[134]/.test(p));

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('a community worker', () => {
  let tp: TestPage;
  beforeAll(async () => {
    tp = await newPage(browser, url);
  });
  afterAll(() => tp.close());

  it('is refused with the server’s Chinese message for a wrong password, then logs in', async () => {
    const { page } = tp;
    await page.goto('/');
    await page.locator('input#username').fill('community');
    await page.locator('input#password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    await loginAs(page, 'community');
    await expect.poll(() => page.getByTestId('user-role').textContent()).toContain('社区工作者');
  });

  it('lands on the dashboard of their own community, with the branch above shown but not clickable', async () => {
    const { page } = tp;
    await page.getByTestId('dashboard').waitFor();
    expect(await page.locator('.qc-page-header h3').first().textContent()).toBe('滨体社区');
    const bar = page.getByTestId('placebar');
    expect(await bar.locator('.qc-crumb-current').textContent()).toBe('滨体社区');
    expect(await bar.locator('.qc-crumb-above').allTextContents()).toEqual(['太原市', '万柏林区', '兴华街道']);
    expect(await bar.locator('.ant-breadcrumb a').count()).toBe(0);
    await page.getByTestId('tile-registry.records').waitFor();
    await page.waitForTimeout(500);
    await screenshot(page, 'shell-dashboard-community-zh');
  });

  it('sees the same number of residents on the dashboard and in the list, and nobody from elsewhere', async () => {
    const { page } = tp;
    const onDashboard = (await page.getByTestId('stat-registry.records-resident').locator('.ant-statistic-content-value').textContent())!.replace(/\D/g, '');
    await page.getByTestId('menu-residents').click();
    await page.getByTestId('resident-table').waitFor();
    await expect.poll(async () => (await page.locator('.qc-page-subtitle').textContent()) ?? '').toContain(`共 ${onDashboard} 人`);
    // Every row belongs to one of the community's grids.
    const grids = await page.locator('[data-testid=resident-table] tbody tr.ant-table-row td:nth-child(9)').allTextContents();
    expect(grids.length).toBeGreaterThan(0);
    for (const g of grids) expect(g).toMatch(/^滨体社区第.网格$/);
  });

  it('cannot find another community in the tree search, nor open a resident of it by id', async () => {
    const { page } = tp;
    const street = await apiAs(url, 'street');
    const { body: other } = await street<{ items: { id: number; gridName: string }[] }>('GET', '/residents?limit=200');
    const outsider = other.items.find((r) => !r.gridName.startsWith('滨体社区'));
    expect(outsider, 'the demo street has other communities').toBeDefined();
    await page.getByTestId('open-tree').click();
    await page.getByTestId('tree-search').fill('社区');
    await page.waitForTimeout(800);
    const hits = await page.locator('.ant-select-dropdown:visible .ant-select-item-option').allTextContents();
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h).toContain('滨体社区');
    await page.keyboard.press('Escape');
    await page.goto(`/residents/${outsider!.id}`);
    await expect.poll(async () => (await page.locator('.ant-result').textContent()) ?? '').toContain('未找到该记录，或不在您的管辖范围内');
  });

  it('navigates the tree down to a grid and back up', async () => {
    const { page } = tp;
    await page.getByTestId('menu-dashboard').click();
    await page.getByTestId('dashboard').waitFor();
    const child = page.getByTestId('place-children').locator('button').first();
    const gridName = (await child.textContent())!.trim();
    await child.click();
    await expect.poll(async () => page.locator('.qc-page-header h3').first().textContent()).toBe(gridName);
    // A grid's dashboard shows its party organisation and chain of responsibility.
    await page.getByTestId('grid-leaders').waitFor();
    expect(await page.getByTestId('grid-leaders').textContent()).toContain('网格长');
    await page.waitForTimeout(400);
    await screenshot(page, 'shell-dashboard-grid');
    // Up again through the breadcrumb.
    await page.getByTestId('placebar').locator('.ant-breadcrumb a', { hasText: '滨体社区' }).click();
    await expect.poll(async () => page.locator('.qc-page-header h3').first().textContent()).toBe('滨体社区');
  });

  it('switches the whole UI to English, server messages included, and back to Chinese', async () => {
    const { page } = tp;
    await page.getByTestId('lang-switch').getByText('EN').click();
    await expect.poll(() => page.getByTestId('menu-dashboard').textContent()).toBe('Dashboard');
    await expect.poll(async () => (await page.getByTestId('tile-registry.records').locator('.ant-card-head-title').textContent()) ?? '').toBe('Base data');
    expect(await page.getByTestId('user-role').textContent()).toContain('Community worker');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await page.waitForTimeout(500);
    await screenshot(page, 'shell-dashboard-community-en');
    // The server answers in English too.
    await page.goto('/residents/999999999');
    await expect.poll(async () => (await page.locator('.ant-result').textContent()) ?? '').toContain('No such record in your area');
    // The choice survives a reload.
    await page.reload();
    await page.getByTestId('menu-dashboard').waitFor();
    expect(await page.getByTestId('menu-dashboard').textContent()).toBe('Dashboard');
    await page.getByTestId('lang-switch').getByText('中文').click();
    await expect.poll(() => page.getByTestId('menu-dashboard').textContent()).toBe('首页看板');
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
  });

  it('logs out back to the log-in page', async () => {
    const { page } = tp;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByTestId('login-submit').waitFor();
    expect(realProblems(tp)).toEqual([]);
  });
});

describe('the menu follows the role', () => {
  const cases: { user: string; has: string[]; lacks: string[]; home: RegExp }[] = [
    { user: 'community', has: ['dashboard', 'residents', 'stale'], lacks: ['admin-users', 'audit', 'lookup'], home: /\/dashboard$/ },
    { user: 'minzheng', has: ['lookup', 'my-grants'], lacks: ['residents', 'stale', 'admin-users', 'audit'], home: /\/lookup$/ },
    { user: 'admin', has: ['admin-users', 'admin-grants', 'admin-labels', 'admin-security'], lacks: ['residents', 'audit', 'lookup'], home: /\/dashboard$/ },
    { user: 'auditor', has: ['audit'], lacks: ['dashboard', 'residents', 'admin-users'], home: /\/audit$/ },
  ];
  for (const c of cases) {
    it(`${c.user}: ${c.has.join(', ')}`, async () => {
      const tp = await newPage(browser, url);
      try {
        await loginAs(tp.page, c.user);
        await expect.poll(() => tp.page.url()).toMatch(c.home);
        for (const k of c.has) expect(await tp.page.getByTestId(`menu-${k}`).count(), k).toBe(1);
        for (const k of c.lacks) expect(await tp.page.getByTestId(`menu-${k}`).count(), k).toBe(0);
        // A typed-in URL outside the role shows "not allowed", not a broken page.
        if (!c.has.includes('admin-users')) {
          await tp.page.goto('/admin/users');
          await expect.poll(async () => (await tp.page.locator('.ant-result-title').textContent()) ?? '').toBe('无权访问');
        }
        expect(realProblems(tp)).toEqual([]);
      } finally {
        await tp.close();
      }
    });
  }
});

describe('a grid worker on a phone', () => {
  it('starts on the to-do list, which fits a 375 px screen', async () => {
    const tp = await newPage(browser, url, { size: 'phone' });
    try {
      await loginAs(tp.page, 'grid');
      await expect.poll(() => tp.page.url()).toMatch(/\/stale$/);
      await tp.page.getByTestId('stale-list').locator('.qc-todo-item').first().waitFor();
      // Nothing spills sideways: the page is no wider than the phone.
      const width = Number(await tp.page.evaluate('document.documentElement.scrollWidth'));
      expect(width).toBeLessThanOrEqual(375);
      await screenshot(tp.page, 'shell-phone-todo-grid', { fullPage: false });
      // The menu opens as a drawer.
      await tp.page.getByTestId('menu-button').click();
      await tp.page.getByTestId('menu-residents').waitFor();
      await screenshot(tp.page, 'shell-phone-menu', { fullPage: false });
      expect(realProblems(tp)).toEqual([]);
    } finally {
      await tp.close();
    }
  });
});

describe('an administrator, and a new account whose role requires a second factor', () => {
  // These change city-wide settings (accounts, tokens, label kinds, policies), so they run on a server of their own.
  let server: E2eServer;
  beforeAll(async () => {
    server = await startServer({ port: process.env.QC_E2E_PRIVATE_PORT ? Number(process.env.QC_E2E_PRIVATE_PORT) : undefined });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates an account, resets its password, issues a machine token shown once, and adds a label kind', async () => {
    const tp = await newPage(browser, server.url);
    const { page } = tp;
    const pickOption = async (text: string) => page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
    const pickNode = async (testId: string, text: string) => {
      await page.getByTestId(testId).click();
      await page.locator('.ant-select-dropdown:visible .ant-select-tree-title', { hasText: text }).first().click();
    };
    try {
      await loginAs(page, 'admin');
      await page.getByTestId('menu-admin-users').click();
      await page.getByTestId('user-new').click();
      // (An auditor account would go to an auditor for approval: a reviewer is made at once.)
      await page.getByTestId('user-username').fill('auditor2');
      await page.getByTestId('user-displayName').fill('第二审核员');
      await page.getByTestId('user-new-role').click();
      await pickOption('减负审核员');
      await pickNode('user-node', '太原市');
      await page.getByTestId('user-password').fill('Audit#Second2026');
      await page.getByRole('dialog').getByRole('button', { name: '确 定' }).click();
      await toastSeen(page, '账号 auditor2 已创建');
      await page.locator('input[placeholder="用户名或姓名"]').fill('auditor2');
      await page.locator('input[placeholder="用户名或姓名"]').press('Enter');
      await expect.poll(async () => (await page.getByTestId('users-table').textContent()) ?? '').toContain('待改初始密码');
      await page.getByTestId('user-actions-auditor2').click();
      await page.getByRole('menuitem', { name: '重置密码' }).click();
      await page.getByRole('dialog').locator('input[type=password]').fill('Reset#Audit2026');
      await page.getByRole('dialog').getByRole('button', { name: '确 定' }).click();
      await toastSeen(page, '密码已重置');
      const reset = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'auditor2', password: 'Reset#Audit2026' }) });
      expect(reset.status).toBe(200);
      expect(((await reset.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);

      // A token for an entrance camera: the secret is shown once and works at once.
      await page.getByTestId('menu-admin-security').click();
      await page.getByTestId('token-new').click();
      await page.getByRole('dialog').locator('input#name').fill('滨体社区 1 号楼门禁');
      await pickNode('token-node', '太原市');
      await expect.poll(async () => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
      await page.getByRole('dialog').getByText('读取区划与网格').click();
      await page.getByRole('dialog').getByRole('button', { name: '确 定' }).click();
      const secret = ((await page.getByTestId('token-secret').textContent()) ?? '').trim();
      expect(secret).toMatch(/^qct_/);
      await screenshot(page, 'shell-admin-token-once', { fullPage: false });
      const tree = await fetch(`${server.url}/api/tree/home`, { headers: { authorization: `Bearer ${secret}` } });
      expect(tree.status).toBe(200);
      await page.getByRole('button', { name: '我已妥善保存' }).click();
      await expect.poll(async () => (await page.getByTestId('tokens-table').textContent()) ?? '').toContain('滨体社区 1 号楼门禁');
      expect(await page.getByTestId('tokens-table').textContent()).not.toContain(secret);

      // A label kind is data: added here, offered in the resident list at once.
      await page.getByTestId('menu-admin-labels').click();
      await page.getByTestId('label-kind-new').click();
      await page.getByRole('dialog').locator('input#code').fill('pregnant');
      await page.getByRole('dialog').locator('input#nameZh').fill('孕产妇');
      await page.getByRole('dialog').locator('input#nameEn').fill('Pregnant or new mother');
      await page.getByRole('dialog').getByRole('button', { name: '确 定' }).click();
      await expect.poll(async () => (await page.getByTestId('label-kinds').textContent()) ?? '').toContain('孕产妇');
      const labels = await (await fetch(`${server.url}/api/labels`, { headers: { authorization: `Bearer ${(await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'community', password: 'Qingche#2026' }) })).json() as { token: string }).token}` } })).json() as { code: string }[];
      expect(labels.map((l) => l.code)).toContain('pregnant');
      expect(realProblems(tp)).toEqual([]);
    } finally {
      await tp.close();
    }
  });

  it('is led through authenticator set-up and the initial password change, then logs in with a code', async () => {
    const admin = await apiAs(server.url, 'admin');
    const { body: hits } = await admin<{ id: number; name: string }[]>('GET', `/tree/search?q=${encodeURIComponent('滨体社区')}`);
    const node = hits.find((h) => h.name === '滨体社区')!;
    const created = await admin('POST', '/admin/users', { username: 'newworker', displayName: '新社工', role: 'community_worker', nodeId: node.id, password: 'Initial#Pass2026' });
    expect(created.status).toBe(201);
    expect((await admin('PUT', '/admin/role-policies/community_worker', { mfaRequired: true })).status).toBe(204);

    const tp = await newPage(browser, server.url);
    try {
      const { page } = tp;
      await page.goto('/');
      await page.locator('input#username').fill('newworker');
      await page.locator('input#password').fill('Initial#Pass2026');
      await page.getByTestId('login-submit').click();
      // First the authenticator: a QR code and the key as text.
      await page.getByTestId('totp-qr').waitFor();
      const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
      await screenshot(page, 'shell-totp-enrolment', { fullPage: false });
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
      await page.locator('input[placeholder="123456"]').fill(totp.generate());
      await page.getByRole('button', { name: '完成绑定' }).click();
      // Then the initial password, which must be replaced.
      await page.getByText('请修改初始密码').waitFor();
      await page.locator('input#currentPassword').fill('Initial#Pass2026');
      await page.locator('input#newPassword').fill('short');
      await page.locator('input#repeat').fill('short');
      await page.getByRole('button', { name: '修改密码' }).click();
      await expect.poll(async () => (await page.locator('.ant-form-item-explain-error').first().textContent()) ?? '').toContain('至少');
      await page.locator('input#newPassword').fill('Mine#Own-Pass2026');
      await page.locator('input#repeat').fill('Mine#Own-Pass2026');
      await page.getByRole('button', { name: '修改密码' }).click();
      await page.getByTestId('user-menu').waitFor();
      expect(await page.getByTestId('user-role').textContent()).toContain('滨体社区');

      // Next time the log-in page asks for the authenticator code (a fresh one: codes are single-use).
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: '退出登录' }).click();
      await page.locator('input#username').fill('newworker');
      await page.locator('input#password').fill('Mine#Own-Pass2026');
      await page.getByTestId('login-submit').click();
      await page.locator('input#totp').waitFor();
      await screenshot(page, 'shell-login-totp', { fullPage: false });
      await page.locator('input#totp').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
      await page.getByTestId('login-submit').click();
      await page.getByTestId('user-menu').waitFor();
      expect(realProblems(tp)).toEqual([]);
    } finally {
      await tp.close();
    }
  });
});
