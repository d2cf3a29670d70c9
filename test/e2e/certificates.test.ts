// Certificates in a real browser: a community worker issues a residence certificate and prints it
// (with progress while the server draws it), anyone opens its verification page from the QR code's
// address (no log-in) and sees it genuine; the worker revokes it with a category and a note, and the
// same page, and the typed short code, now say revoked with the category only. Every verdict has its
// own icon. Also the public service guide, on a phone.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { starterCatalogue } from '../../src/modules/certificates/defaults.js';
import { apiAs, launchBrowser, loginAs, newPage, screenshot, type TestPage } from './support/index.js';

const url = inject('e2eUrl');
let browser: Browser;
type Api = Awaited<ReturnType<typeof apiAs>>;
let community: Api;

interface Row { id: number; name: string }

/** Page errors and console errors, leaving out the 401 of the log-in page's first "who am I". */
const realProblems = (tp: TestPage) => tp.problems.filter((p) => !/Failed to load resource: the server responded with a status of 401/.test(p));

beforeAll(async () => {
  browser = await launchBrowser();
  community = await apiAs(url, 'community');
  // The demo city comes with the starter catalogue.
  const kinds = (await (await fetch(`${url}/api/public/certificates/kinds`)).json()) as { code: string }[];
  expect(kinds.map((k) => k.code)).toEqual(expect.arrayContaining(starterCatalogue.map((k) => k.code)));
});
afterAll(async () => {
  await browser?.close();
});

describe('issue, verify, revoke', () => {
  let staff: TestPage;
  let person: Row;
  let verifyUrl = '';
  let code = '';
  let number = '';

  beforeAll(async () => {
    staff = await newPage(browser, url);
    await loginAs(staff.page, 'community');
    // Someone who meets the residence certificate's conditions and whose name is unique in the community.
    const { body } = await community<{ items: Row[] }>('GET', '/residents?limit=200&ageMin=20');
    for (const r of body.items) {
      if (body.items.filter((o) => o.name.startsWith(r.name)).length !== 1) continue;
      const check = await community<{ ok: boolean }>('POST', '/certificates/check', { residentId: r.id, kind: 'residence' });
      if (check.body.ok) {
        person = r;
        break;
      }
    }
    expect(person).toBeDefined();
  });
  afterAll(() => staff.close());

  it('issues a residence certificate with every condition shown', async () => {
    const { page } = staff;
    await page.getByTestId('menu-cert-issue').click();
    await page.getByTestId('cert-resident').click();
    await page.keyboard.type(person.name);
    await page.locator('.ant-select-item-option', { hasText: person.name }).first().click();
    await page.getByTestId('cert-kind').click();
    await page.locator('.ant-select-item-option', { hasText: '居住证明' }).first().click();
    await page.getByTestId('cert-check-ok').first().waitFor();
    expect(await page.getByTestId('cert-check').textContent()).toContain('在本社区居住满 6 个月');
    await page.getByTestId('cert-purpose').fill('申领居住证');
    await expect.poll(async () => (await page.getByTestId('cert-preview').textContent()) ?? '').toContain('此证明仅用于申领居住证');
    await screenshot(page, 'certificates-issue-check');
    await page.getByTestId('cert-issue').click();
    await page.getByTestId('cert-issued-number').waitFor();
    number = ((await page.getByTestId('cert-issued-number').textContent()) ?? '').replace(/^.*：/, '').trim();
    code = ((await page.getByTestId('cert-issued-code').textContent()) ?? '').trim();
    verifyUrl = (await page.getByTestId('cert-verify-link').getAttribute('href')) ?? '';
    expect(number).toMatch(/^\d{12}-\d{4}-\d{5}$/);
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(verifyUrl).toMatch(/\/verify\?p=[A-Z2-7]+$/);
    await screenshot(page, 'certificates-issued');
    expect(realProblems(staff)).toEqual([]);
  });

  it('prints with progress: drawing, downloading, then the PDF opens in a new tab', async () => {
    const { page, context } = staff;
    // A busy server: the PDF takes a while to come, as it does on a loaded machine.
    await page.route('**/api/certificates/*/pdf', async (route) => {
      await new Promise((r) => setTimeout(r, 2500));
      await route.continue();
    });
    const popup = context.waitForEvent('page');
    await page.getByTestId('cert-print').click();
    const progress = page.getByTestId('cert-print-progress');
    await progress.waitFor();
    expect(await progress.getAttribute('data-phase')).toBe('drawing');
    await expect.poll(async () => (await page.getByTestId('cert-print-status').textContent()) ?? '').toMatch(/正在生成 PDF（已用 [12] 秒）/);
    await page.waitForTimeout(400); // the dialog's opening animation
    await screenshot(page, 'certificates-print-progress');
    const tab = await popup;
    await expect.poll(async () => progress.getAttribute('data-phase'), { timeout: 30_000 }).toBe('opened');
    await expect.poll(() => tab.url()).toMatch(/^blob:/);
    expect(await page.getByTestId('cert-print-status').textContent()).toContain('已在新标签页打开');
    await screenshot(page, 'certificates-print-opened');
    await tab.close();
    await page.getByTestId('cert-print-close').click();
    await page.unroute('**/api/certificates/*/pdf');
    expect(realProblems(staff)).toEqual([]);
  });

  it('opens the verification page from the QR address, without logging in: genuine', async () => {
    const pub = await newPage(browser, url, { size: 'phone' });
    try {
      await pub.page.goto(new URL(verifyUrl).pathname + new URL(verifyUrl).search);
      await pub.page.getByTestId('verdict').waitFor();
      expect(await pub.page.getByTestId('verdict').getAttribute('data-status')).toBe('valid');
      expect(await pub.page.getByTestId('verdict-title').textContent()).toBe('真实有效');
      expect(await pub.page.getByTestId('verdict-icon').getAttribute('data-icon')).toBe('safety-certificate');
      expect(await pub.page.getByTestId('verdict-text').textContent()).toContain(person.name);
      await screenshot(pub.page, 'certificates-verify-valid-phone');
      expect(pub.problems).toEqual([]);
    } finally {
      await pub.close();
    }
  });

  it('revokes it with a reason; the verification page says revoked at once', async () => {
    const { page } = staff;
    await page.goto(`/certificates?q=${encodeURIComponent(number)}`);
    await page.getByTestId('cert-row-number').first().click();
    await page.getByTestId('cert-revoke').click();
    await page.getByTestId('cert-revoke-reason').fill('居民告知用途有误，作废后重新出具');
    // A category is required: without one nothing is revoked.
    await page.getByTestId('cert-revoke-confirm').click();
    await page.getByText('请选择作废类别').waitFor();
    await page.getByTestId('cert-revoke-category').click();
    await page.locator('.ant-select-item-option', { hasText: '信息变更' }).click();
    await page.getByTestId('cert-revoke-confirm').click();
    await expect.poll(async () => (await page.locator('.ant-drawer').textContent()) ?? '').toContain('作废原因：居民告知用途有误');
    expect(await page.getByTestId('cert-revoked-detail').textContent()).toContain('作废类别：信息变更');
    await screenshot(page, 'certificates-revoked-detail');

    const pub = await newPage(browser, url);
    try {
      await pub.page.goto(new URL(verifyUrl).pathname + new URL(verifyUrl).search);
      await pub.page.getByTestId('verdict').waitFor();
      expect(await pub.page.getByTestId('verdict').getAttribute('data-status')).toBe('revoked');
      expect(await pub.page.getByTestId('verdict-revoked').textContent()).toContain('作废类别：信息变更');
      // The worker's note is for staff: it is nowhere on the public page.
      expect(await pub.page.locator('body').textContent()).not.toContain('居民告知用途有误');
      expect(await pub.page.getByTestId('verdict-icon').getAttribute('data-icon')).toBe('stop');
      await screenshot(pub.page, 'certificates-verify-revoked');
      // The short code typed by hand gives the same answer.
      await pub.page.goto('/verify');
      await pub.page.getByTestId('verify-code').fill(code.toLowerCase().replace('-', ''));
      await pub.page.getByTestId('verify-submit').click();
      await expect.poll(async () => pub.page.getByTestId('verdict').getAttribute('data-status')).toBe('revoked');
      // A code that was never issued.
      await pub.page.getByTestId('verify-code').fill('ZZZZZ-ZZZZZ');
      await pub.page.getByTestId('verify-submit').click();
      await expect.poll(async () => pub.page.getByTestId('verdict').getAttribute('data-status')).toBe('not_found');
      expect(await pub.page.getByTestId('verdict-icon').getAttribute('data-icon')).toBe('file-search');
      expect(pub.problems).toEqual([]);
    } finally {
      await pub.close();
    }
  });
});

describe('every verdict has its own icon', () => {
  it('shows valid, revoked, expired, forged and not found each with a different icon', async () => {
    const list = async (state: string) => (await community<{ items: { verifyCode: string; verifyUrl: string }[] }>('GET', `/certificates?state=${state}&limit=1`)).body.items[0]!;
    const valid = await list('valid');
    const revoked = await list('revoked');
    const expired = await list('expired');
    // A forged payload: the genuine one with a flipped character in the middle of its signature.
    const p = new URL(valid.verifyUrl).searchParams.get('p')!;
    const i = p.length - 20;
    const forged = `${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}`;
    const pub = await newPage(browser, url, { size: 'phone' });
    const icons = new Map<string, string>();
    try {
      for (const [status, path] of [
        ['valid', `/verify?code=${valid.verifyCode}`], ['revoked', `/verify?code=${revoked.verifyCode}`], ['expired', `/verify?code=${expired.verifyCode}`],
        ['forged', `/verify?p=${forged}`], ['not_found', '/verify?code=ZZZZZ-ZZZZY'],
      ] as const) {
        await pub.page.goto(path);
        await expect.poll(async () => pub.page.getByTestId('verdict').getAttribute('data-status')).toBe(status);
        const icon = pub.page.getByTestId('verdict-icon');
        icons.set(status, (await icon.getAttribute('data-icon')) ?? '');
        // The icon is really drawn (an svg), not only named.
        expect(await icon.locator('svg').count()).toBe(1);
        await screenshot(pub.page, `certificates-verdict-${status}-phone`);
      }
      expect(new Set(icons.values()).size).toBe(5);
      expect(Object.fromEntries(icons)).toEqual({ valid: 'safety-certificate', revoked: 'stop', expired: 'clock-circle', forged: 'warning', not_found: 'file-search' });
      expect(pub.problems).toEqual([]);
    } finally {
      await pub.close();
    }
  });
});

describe('the public service guide', () => {
  it('finds where to get a certificate the community no longer issues, on a phone', async () => {
    const tp = await newPage(browser, url, { size: 'phone' });
    try {
      await tp.page.goto('/handbook');
      await tp.page.getByTestId('handbook-search').locator('input').fill('良民证');
      await tp.page.getByTestId('handbook-search').locator('input').press('Enter');
      await tp.page.getByTestId('handbook-no_criminal_record').waitFor();
      expect(await tp.page.getByTestId('handbook-no_criminal_record').textContent()).toContain('公安');
      await screenshot(tp.page, 'certificates-handbook-phone');
      expect(tp.problems).toEqual([]);
    } finally {
      await tp.close();
    }
  });
});
