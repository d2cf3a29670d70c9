// Finding text the application wrote itself in the wrong language. In English, every visible
// text node, placeholder, title and label of a page must be free of Chinese characters and
// full-width punctuation, except inside elements marked as user data (`data-user`, drawn by
// <UserText>: names, addresses, typed notes, the demo city's own names) or explicitly marked as
// Chinese (`lang="zh…"`, e.g. the language switch's own "中文").
import type { Browser, Page } from 'playwright-core';
import type { Permission } from '../../../src/platform/auth/roles.js';
import { apiAs, loginAs, newPage } from './browser.js';

export interface Leak {
  /** The offending text (trimmed, at most 80 characters). */
  text: string;
  /** Where it is: a short CSS-like path of the element (tag, test id, class). */
  where: string;
  /** text, placeholder, title, aria-label or document title. */
  kind: string;
}

/** Collects every visible piece of CJK text outside user data on the page as it is now. */
// Written as a string so that no build step (esbuild's name-keeping helpers) leaks into the page.
const COLLECT = String.raw`(() => {
  // CJK ideographs, radicals, kana, CJK punctuation (、。「」〔〕) and full-width forms (（）：，).
  const cjk = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/;
  const exempt = (el) => el.closest('[data-user], [lang^="zh"]') !== null;
  const visible = (el) => (el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) : true);
  const describe = (el) => {
    const parts = [];
    let e = el;
    for (let i = 0; e && e !== document.body && i < 4; i++, e = e.parentElement) {
      const id = e.getAttribute('data-testid');
      const cls = [...e.classList].filter((c) => !c.startsWith('css-')).slice(0, 2).join('.');
      parts.unshift(e.tagName.toLowerCase() + (id ? '[' + id + ']' : '') + (cls ? '.' + cls : ''));
    }
    return parts.join(' > ');
  };
  const out = [];
  const seen = new Set();
  const add = (text, el, kind) => {
    const t = text.trim().replace(/\s+/g, ' ').slice(0, 80);
    const key = kind + '|' + t;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ text: t, where: describe(el), kind });
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue || '';
    if (!cjk.test(text)) continue;
    const el = n.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || exempt(el) || !visible(el)) continue;
    add(text, el, 'text');
  }
  for (const attr of ['placeholder', 'title', 'aria-label', 'alt']) {
    for (const el of document.querySelectorAll('[' + attr + ']')) {
      const v = el.getAttribute(attr) || '';
      if (cjk.test(v) && !exempt(el) && visible(el)) add(v, el, attr);
    }
  }
  if (cjk.test(document.title)) add(document.title, document.body, 'document title');
  return out;
})()`;

/** Collects every visible piece of CJK text outside user data on the page as it is now. */
export async function cjkLeaks(page: Page): Promise<Leak[]> {
  return (await page.evaluate(COLLECT)) as Leak[];
}

/** Waits until the page has loaded its data: no requests in flight, no skeleton, no spinner. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 20_000 }).catch(() => undefined);
  await page
    .waitForFunction("!document.querySelector('.ant-skeleton, .ant-spin-spinning, .ant-table-placeholder .ant-spin')", undefined, { timeout: 15_000 })
    .catch(() => undefined);
  await page.waitForTimeout(150);
}

/**
 * Counts the page's own requests in flight (installed before the app runs), so that a walk can
 * wait for exactly the app's calls to finish instead of for half a second of network silence.
 */
export const COUNT_REQUESTS = String.raw`(() => {
  if (window.__qcInflight !== undefined) return;
  window.__qcInflight = 0;
  const real = window.fetch.bind(window);
  window.fetch = (...args) => {
    window.__qcInflight++;
    return real(...args).finally(() => setTimeout(() => { window.__qcInflight--; }, 0));
  };
})()`;

const QUIET = "window.__qcInflight === 0 && !document.querySelector('.ant-skeleton, .ant-spin-spinning, .ant-table-placeholder .ant-spin')";

/** Settles a page reached inside the app: quiet twice, 120 ms apart (a fetch that starts another). */
async function settleInApp(page: Page): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await page.waitForFunction(QUIET, undefined, { timeout: 20_000, polling: 50 }).catch(() => undefined);
    await page.waitForTimeout(120);
  }
}

/** Opens `path` the way a click on a link does: the router changes page, the app stays loaded. */
async function openInApp(page: Page, path: string): Promise<void> {
  const p = JSON.stringify(path);
  await page.evaluate(`window.history.pushState({}, '', ${p}); window.dispatchEvent(new PopStateEvent('popstate', { state: {} }))`);
  await page.waitForFunction(`window.location.pathname + window.location.search === ${p}`, undefined, { timeout: 10_000 });
}

// ---- walking the router ------------------------------------------------------------------------

/** Run in every page before the app: the language is English (as the switch leaves it). */
export const ENGLISH = "localStorage.setItem('qc_lang', 'en')";

export interface RouteDecl {
  path: string;
  permission?: Need;
}

/**
 * The routes of the web router, from the feature registry the app builds its router from
 * (web/src/features/index.ts), so that a page added there is walked without editing the test.
 * Loaded at run time: the web code is type-checked with its own configuration, not the server's.
 */
export async function webRoutes(): Promise<{ routes: RouteDecl[]; publicRoutes: RouteDecl[]; homes: string[] }> {
  const registry = new URL('../../../web/src/features/index.ts', import.meta.url).pathname;
  const m = (await import(/* @vite-ignore */ registry)) as { features: { routes: RouteDecl[]; home?: { path: string }[] }[]; publicRoutes: RouteDecl[] };
  return {
    routes: m.features.flatMap((f) => f.routes.map((r) => ({ path: r.path, permission: r.permission }))),
    publicRoutes: m.publicRoutes.map((r) => ({ path: r.path })),
    // The pages a role lands on (dashboards, the inbox): each role sees its own there.
    homes: m.features.flatMap((f) => (f.home ?? []).map((h) => h.path)),
  };
}

type Api = Awaited<ReturnType<typeof apiAs>>;
type Need = Permission | readonly Permission[] | undefined;

const first = async (api: Api, path: string): Promise<number | null> => {
  const r = await api<{ items?: { id: number }[] }>('GET', path);
  return r.status === 200 ? (r.body.items?.[0]?.id ?? null) : null;
};

/** Addresses for the routes with parameters, as the given user would reach them (none: nothing to open). */
export function routeResolvers(baseURL: string): Record<string, (api: Api) => Promise<string[]>> {
  return {
    '/residents/:id': async (api) => {
      const id = (await first(api, '/residents?limit=1')) ?? (await first(await apiAs(baseURL, 'community'), '/residents?limit=1'));
      return [`/residents/${id}`];
    },
    '/records/:kind': async () => ['household', 'house', 'building', 'organisation', 'facility'].map((k) => `/records/${k}`),
    '/exchange/imports/:id': async (api) => {
      const id = await first(api, '/imports?limit=1');
      return id ? [`/exchange/imports/${id}`] : [];
    },
    '/reports/due/:id': async (api) => {
      const r = await api<{ items?: { id: number; status: string }[] }>('GET', '/reports/due?limit=50');
      // Every report still to fill (each built-in one), so the filling page is what is walked.
      return (r.body.items ?? []).filter((d) => d.status !== 'submitted').map((d) => `/reports/due/${d.id}`);
    },
    '/channel/tasks/:id': async (api) => {
      const id = await first(api, '/channel/tasks?limit=1');
      return id ? [`/channel/tasks/${id}`] : [];
    },
    '/duty-lists/:id/versions': async (api) => {
      // The versions of the first township the user may read lists of (a street sees its own).
      const r = await api<{ townships?: { id: number }[] }>('GET', '/duty-lists/overview');
      const id = r.status === 200 ? r.body.townships?.[0]?.id : undefined;
      return id ? [`/duty-lists/${id}/versions`] : [];
    },
    '/reports/submissions/:id': async (api) => {
      const id = await first(api, '/reports/submissions?limit=1');
      return id ? [`/reports/submissions/${id}`] : [];
    },
    '/reports/templates/:id': async (api) => {
      const r = await api<{ id: number }[]>('GET', '/reports/templates');
      return (Array.isArray(r.body) ? r.body : []).slice(0, 6).map((t) => `/reports/templates/${t.id}`);
    },
    '/reports/templates/:id/edit': async (api) => {
      const r = await api<{ id: number; status: string }[]>('GET', '/reports/templates');
      const list = Array.isArray(r.body) ? r.body : [];
      const t = list.find((x) => x.status === 'draft') ?? list[0];
      return t ? [`/reports/templates/${t.id}/edit`] : [];
    },
  };
}

export interface PageLeaks {
  path: string;
  leaks: Leak[];
}

export const can = (perms: readonly Permission[], need: Need) => !need || (typeof need === 'string' ? [need] : need).some((p) => perms.includes(p as Permission));

/**
 * Opens every route the user may see, in English, and returns what each page leaked. `skip`:
 * routes another role has walked already (a page behind a permission looks the same to each
 * role that holds it, so one walk of it is enough); routes open to everyone are always walked.
 */
export async function walkInEnglish(browser: Browser, baseURL: string, username: string, routes: readonly { path: string; permission?: Need }[], skip: ReadonlySet<string> = new Set()): Promise<{ visited: string[]; walked: string[]; found: PageLeaks[] }> {
  const api = await apiAs(baseURL, username);
  const me = (await api<{ permissions: Permission[] }>('GET', '/auth/me')).body;
  const resolvers = routeResolvers(baseURL);
  const tp = await newPage(browser, baseURL, { locale: 'en-US' });
  const found: PageLeaks[] = [];
  const visited: string[] = [];
  const walked: string[] = [];
  try {
    await tp.context.addInitScript(ENGLISH);
    await tp.context.addInitScript(COUNT_REQUESTS);
    await loginAs(tp.page, username);
    // The first page loads the app; every later one is reached inside it, as a click on a menu
    // item reaches it (a full reload per page would spend most of the walk loading the bundle).
    let loaded = false;
    for (const r of routes) {
      if (!can(me.permissions, r.permission)) continue;
      if (r.permission && skip.has(r.path)) continue;
      const resolve = resolvers[r.path];
      if (r.path.includes(':') && !resolve) throw new Error(`no address for ${r.path}: add one to routeResolvers`);
      const paths = resolve ? await resolve(api) : [r.path];
      for (const path of paths) {
        if (loaded) await openInApp(tp.page, path);
        else await tp.page.goto(path);
        loaded = true;
        await tp.page.getByTestId('user-menu').waitFor();
        await settleInApp(tp.page);
        visited.push(path);
        const leaks = await cjkLeaks(tp.page);
        if (leaks.length) found.push({ path, leaks });
      }
      walked.push(r.path);
    }
  } finally {
    await tp.close();
  }
  return { visited, walked, found };
}

export const formatLeaks = (found: PageLeaks[]) => found.map((f) => `${f.path}\n${f.leaks.map((l) => `    ${l.kind}: "${l.text}"  at ${l.where}`).join('\n')}`).join('\n');
