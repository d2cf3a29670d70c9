// Chromium for browser tests: Debian's own build through playwright-core (nothing downloads a
// browser), pages at desktop or phone size, log-in as a demo user, screenshots into test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD, ROOT } from './server.js';

export const CHROMIUM = process.env.QC_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export const viewports = {
  desktop: { width: 1366, height: 860 },
  /** An ordinary phone: 375 px wide, the width a grid worker's screen must work at. */
  phone: { width: 375, height: 740 },
  /** A current phone (390×844), where tap targets are measured. */
  phone390: { width: 390, height: 844 },
} as const;

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Errors the page threw and console errors it printed (a test can assert there were none). */
  problems: string[];
  close(): Promise<void>;
}

export async function newPage(browser: Browser, baseURL: string, opts: { size?: keyof typeof viewports; locale?: string } = {}): Promise<TestPage> {
  const phone = opts.size === 'phone' || opts.size === 'phone390';
  const context = await browser.newContext({
    baseURL,
    viewport: viewports[opts.size ?? 'desktop'],
    deviceScaleFactor: phone ? 2 : 1,
    isMobile: phone,
    hasTouch: phone,
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { page, context, problems, close: () => context.close() };
}

/** Logs in through the log-in page and waits for the app's frame. */
export async function loginAs(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/');
  await page.getByTestId('login-submit').waitFor();
  await page.locator('input#username').fill(username);
  await page.locator('input#password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor();
}

/**
 * Tap targets smaller than 44 × 44 px among what is on screen now: buttons, links, tabs, menu
 * entries, inputs, selects, date pickers, checkboxes, filter tabs (a control's wrapper is
 * measured, not the bare input inside it). Returns a line for each, empty when all are big enough.
 */
export async function smallTapTargets(page: Page, min = 44): Promise<string[]> {
  // Written as page code in a string: the server's type-check has no DOM types.
  return page.evaluate<string[]>(`(() => {
    const min = ${min};
    const wrappers = '.ant-select, .ant-checkbox-wrapper, .ant-radio-wrapper, .ant-picker, .ant-segmented-item, .ant-input-affix-wrapper, .ant-input-number';
    const sel = 'button, a[href], [role=tab], [role=button], [role=switch], [role=menuitem], [role=checkbox], [role=combobox], input:not([type=hidden]), textarea, ' + wrappers;
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      if (el.parentElement && el.parentElement.closest(wrappers)) continue; // measured as its wrapper
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) continue;
      if (el.closest('[aria-hidden=true], .ant-tabs-nav-operations-hidden')) continue;
      if (r.width < min || r.height < min) out.push(el.tagName.toLowerCase() + ' "' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '" ' + Math.round(r.width) + '×' + Math.round(r.height) + ' (' + String(el.className).slice(0, 50) + ')');
    }
    return out;
  })()`);
}

export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: opts.fullPage ?? true });
  return path;
}

/** Calls the API as a demo user (for arranging data a test needs). */
export async function apiAs(baseURL: string, username: string, password = DEMO_PASSWORD) {
  const login = await fetch(`${baseURL}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!login.ok) throw new Error(`log-in as ${username} failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${baseURL}/api${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

/**
 * Waits for a toast (antd message) that contains `text`. A toast lives three seconds, so this
 * watches in the page itself rather than polling from the test, which can miss it on a busy machine.
 */
export async function toastSeen(page: Page, text: string | RegExp, timeout = 30_000): Promise<string> {
  const notice = page.locator('.ant-message-notice', { hasText: text }).first();
  await notice.waitFor({ state: 'attached', timeout });
  return (await notice.textContent().catch(() => null)) ?? '';
}
