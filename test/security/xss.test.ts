// Issue 18, item 3: a grid named <img src=x onerror=alert(document.domain)> ran script in every
// viewer's browser through Leaflet's bindTooltip(name). Names reach libraries that take HTML only
// as text nodes or escaped; the browser test (test/e2e/xss.test.ts) shows it on the real map.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../web/src/lib/escape.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';

const WEB = join(import.meta.dirname, '..', '..', 'web', 'src');
const PAYLOAD = '<img src=x onerror=alert(document.domain)>';

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(tsx?|jsx?)$/.test(name) ? [{ file: p.slice(WEB.length + 1), text: readFileSync(p, 'utf8') }] : [];
  });
}

describe('the web app hands names to HTML-taking libraries only as text', () => {
  const files = sources(WEB);

  it('Leaflet tooltips, popups and contents get DOM nodes made by textNode(), never strings', () => {
    const calls = files.flatMap((f) => [...f.text.matchAll(/\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\(\s*([^,)]*)/g)].map((m) => ({ file: f.file, call: m[1], arg: m[2]!.trim() })));
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c.arg, `${c.file}: ${c.call}(${c.arg}`).toMatch(/^textNode\(/);
  });

  it('nothing assigns HTML strings to elements', () => {
    for (const f of files) {
      expect(f.text, f.file).not.toMatch(/\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write/);
    }
  });

  it('ECharts formatter functions escape what they put in', () => {
    let checked = 0;
    for (const f of files) {
      for (const m of f.text.matchAll(/formatter:\s*\(([^)]*)\)\s*=>\s*([^\n]*)/g)) {
        const body = m[2]!;
        if (!/tooltip/.test(f.text.slice(Math.max(0, m.index! - 80), m.index!))) continue; // labels are drawn on canvas, as text
        // Every interpolation in the template goes through escapeHtml.
        const interpolations = body.split('${').length - 1;
        checked += 1;
        expect(body.split('${escapeHtml(').length - 1, `${f.file}: ${body}`).toBe(interpolations);
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('escapeHtml leaves no markup', () => {
    expect(escapeHtml(PAYLOAD)).toBe('&lt;img src=x onerror=alert(document.domain)&gt;');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
    expect(escapeHtml(null)).toBe('');
  });
});

describe('a grid with markup in its name', () => {
  let t: TestApp;
  let tree: Subtree;
  beforeAll(async () => {
    t = await testApp();
    tree = await makeSubtree(t);
  });
  afterAll(() => t.close());

  it('is stored and served as the text it is, as JSON under the content-security policy', async () => {
    const street = await loginAs(t, { role: 'street_staff', node: tree.street });
    const boundary = { type: 'Polygon', coordinates: [[[112.5, 37.8], [112.51, 37.8], [112.51, 37.81], [112.5, 37.8]]] };
    const created = await t.call('POST', '/api/tree/nodes', { token: street.token, body: { parentId: tree.community.id, level: 'grid', code: `${tree.community.code}077`, name: PAYLOAD, boundary } });
    expect(created.statusCode).toBe(201);
    const map = await t.call('GET', `/api/tree/map?nodeId=${tree.community.id}`, { token: street.token });
    expect(map.headers['content-type']).toMatch(/^application\/json/);
    expect(map.headers['x-content-type-options']).toBe('nosniff');
    expect(String(map.headers['content-security-policy'])).toContain("script-src 'self'");
    const names = (map.json().features as { properties: { name: string } }[]).map((f) => f.properties.name);
    expect(names).toContain(PAYLOAD);
  });
});
