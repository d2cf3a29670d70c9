// The work channel in a real browser: a street blows the whistle and a summoned department
// acknowledges it on the page; the response-time charts draw; the community's inbox works on a
// phone (finger-sized targets) and in English; the holiday calendar shows the shipped year.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launchBrowser, loginAs, newPage, smallTapTargets } from './support/index.js';
import { cjkLeaks, ENGLISH, settle } from './support/language.js';

const url = inject('e2eUrl');
let browser: Browser;
let whistleId: number;

beforeAll(async () => {
  browser = await launchBrowser();
  const street = await apiAs(url, 'street');
  const depts = (await street<{ id: number; code: string }[]>('GET', '/departments')).body;
  const health = depts.find((d) => d.code === 'health') ?? depts[0]!;
  const r = await street<{ id: number }>('POST', '/whistles', { reason: 'joint_action', problem: '小区违建占用消防通道，街道无执法权', placeText: '兴华街道某小区 5 号楼', departmentIds: [health.id], deadlineWorkingDays: 2 });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  whistleId = r.body.id;
});
afterAll(async () => {
  await browser?.close();
});

describe('work channel pages', () => {
  it('a summoned department acknowledges a whistle on the page, and the charts draw', async () => {
    const tp = await newPage(browser, url);
    try {
      await loginAs(tp.page, 'weijian');
      await tp.page.goto('/whistles');
      const card = tp.page.getByTestId(`whistle-${whistleId}`);
      await card.waitFor();
      await tp.page.getByTestId(`whistle-step-${whistleId}`).click();
      await expect.poll(async () => (await card.textContent()) ?? '').toContain('到场报到');
      await tp.page.goto('/whistles/stats');
      await tp.page.getByTestId('chart-departments').locator('canvas').waitFor();
    } finally {
      await tp.close();
    }
  });

  it('the community inbox works on a phone, in English, with finger-sized targets', async () => {
    const tp = await newPage(browser, url, { size: 'phone390', locale: 'en-US' });
    try {
      await tp.context.addInitScript(ENGLISH);
      await loginAs(tp.page, 'community');
      await tp.page.goto('/channel/inbox');
      await tp.page.getByTestId('inbox-page').waitFor();
      await settle(tp.page);
      expect(await cjkLeaks(tp.page)).toEqual([]);
      expect(await smallTapTargets(tp.page)).toEqual([]);
    } finally {
      await tp.close();
    }
  });

  it('pages of the channel, whistles and calendar show no Chinese outside user data in English', async () => {
    for (const [user, path, testId] of [['street', '/channel/tasks', 'sent-page'], ['street', '/channel/tasks/new', 'new-task-page'], ['street', '/whistles', 'whistles-page'], ['street', '/whistles/stats', 'whistle-stats-page'], ['admin', '/calendar', 'calendar-page']] as const) {
      const tp = await newPage(browser, url, { locale: 'en-US' });
      try {
        await tp.context.addInitScript(ENGLISH);
        await loginAs(tp.page, user);
        await tp.page.goto(path);
        await tp.page.getByTestId(testId).waitFor();
        await settle(tp.page);
        expect(await cjkLeaks(tp.page), `${user} ${path}`).toEqual([]);
        if (path === '/calendar') expect(await tp.page.getByTestId(testId).textContent()).toContain('2026: 33 days off, 6 make-up days');
      } finally {
        await tp.close();
      }
    }
  });
});
