// Separation of duties in the browser: the administrator asks for an auditor account (no password
// field, a reason instead), the auditor approves it on the approvals page with a reason and is
// shown the initial password once; the administrator sees the request approved, never the password.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launchBrowser, loginAs, newPage, screenshot } from './support/index.js';

const url = inject('e2eUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('an auditor account needs an auditor', () => {
  it('is asked for by the administrator and approved by the auditor, who alone sees the password', async () => {
    const admin = await newPage(browser, url);
    const auditor = await newPage(browser, url);
    try {
      // The administrator asks, in the accounts page.
      const { page } = admin;
      await loginAs(page, 'admin');
      await page.getByTestId('menu-admin-users').click();
      await page.getByTestId('user-new').click();
      await page.getByTestId('user-username').fill('audit.third');
      await page.getByTestId('user-displayName').fill('第三审计员');
      await page.getByTestId('user-new-role').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '审计员' }).first().click();
      await page.getByTestId('user-node').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-tree-title', { hasText: '太原市' }).first().click();
      expect(await page.getByTestId('user-password').count()).toBe(0);
      await page.getByTestId('user-reason').fill('审计科新增岗位');
      await screenshot(page, 'approvals-admin-asks', { fullPage: false });
      await page.getByRole('dialog').getByRole('button', { name: '确 定' }).click();
      await expect.poll(async () => (await page.locator('.ant-message').textContent()) ?? '').toContain('已提交审计员审批');

      // The auditor decides.
      await loginAs(auditor.page, 'auditor');
      await auditor.page.getByTestId('menu-approvals').click();
      const row = auditor.page.locator('[data-testid="approvals-table"] tr', { hasText: 'audit.third' });
      await row.waitFor();
      await screenshot(auditor.page, 'approvals-auditor-pending', { fullPage: false });
      await row.getByRole('button', { name: '批准' }).click();
      await auditor.page.getByTestId('decision-reason').fill('已核对任命文件');
      await auditor.page.getByRole('dialog').getByRole('button', { name: '确 定' }).click();
      const secret = auditor.page.getByTestId('approval-secret');
      await secret.waitFor();
      const password = ((await secret.textContent()) ?? '').trim();
      expect(password.length).toBeGreaterThanOrEqual(19);
      await screenshot(auditor.page, 'approvals-auditor-password-once', { fullPage: false });
      await auditor.page.getByRole('button', { name: '我已妥善保存' }).click();

      // The password opens the new account; the administrator sees "approved" and no password.
      const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'audit.third', password }) });
      expect(login.status).toBe(200);
      await page.getByTestId('menu-approvals').click();
      const mine = page.locator('[data-testid="approvals-table"] tr', { hasText: 'audit.third' });
      await expect.poll(async () => (await mine.textContent()) ?? '').toContain('已批准');
      expect(await page.content()).not.toContain(password);
      const api = await apiAs(url, 'admin');
      expect(JSON.stringify((await api('GET', '/approvals?mine=true')).body)).not.toContain(password);
      for (const tp of [admin, auditor]) expect(tp.problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([]);
    } finally {
      await admin.close();
      await auditor.close();
    }
  });
});
