// The printed certificate as a resident and a counter see it: a QR code a phone reads from a
// print (rendered at 100 dpi and decoded by zbar and by jsQR), the 已过期 stamp on a reprint after
// the validity date, 社区 or 村 from the unit's kind, the serif face, a seal that leaves the unit's
// name and the date legible, and the warning when the public address is not configured.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import jsQRModule from 'jsqr';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { publicAddressWarning } from '../../src/modules/certificates/index.js';
import { QR_SIZE_MM, sealLayout, signatureBlock } from '../../src/modules/certificates/render.js';
import { systemContext } from '../../src/platform/context.js';
import { loginAs } from '../support/app.js';
import { addDays, todayCn } from '../../src/platform/dates.js';
import { asLegacyQc1, issue, resident, world, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(() => w.t.close());

const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null;

function tmp(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'qc-print-'));
  writeFileSync(join(dir, 'c.pdf'), bytes);
  return dir;
}

/** The first page at `dpi`, greyscale, as a scanner or a phone photo of a print would see it. */
function renderPage(bytes: Buffer, dpi: number): { dir: string; pgm: string } {
  const dir = tmp(bytes);
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', join(dir, 'c.pdf'), join(dir, 'page')]);
  return { dir, pgm: join(dir, 'page-1.pgm') };
}

function zbar(pgm: string): string | null {
  try {
    const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', pgm], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() || null;
  } catch {
    return null; // zbarimg exits with 4 when it finds no code
  }
}

function jsqr(pgmFile: string): string | null {
  const pgm = readFileSync(pgmFile);
  const header = pgm.subarray(0, 64).toString('latin1').match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error('not a PGM');
  const [, width, height] = header.map(Number) as [number, number, number];
  const pixels = pgm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([pixels[i]!, pixels[i]!, pixels[i]!, 255], i * 4);
  return jsQR(rgba, width, height)?.data ?? null;
}

const text = (bytes: Buffer) => execFileSync('pdftotext', ['-layout', join(tmp(bytes), 'c.pdf'), '-'], { encoding: 'utf8' });

async function issued(name: string, opts: { today?: string } = {}) {
  const rid = await resident(w, { name });
  if (opts.today) {
    const s = w.t.built.modules.certificates.service;
    return s.certificates.issue(systemContext('test'), { residentId: rid, kind: 'residence', purpose: '申领居住证' }, opts);
  }
  const res = await issue(w, { residentId: rid, kind: 'residence', purpose: '申领居住证' });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: number; verifyUrl: string; pdfUrl: string; verifyCode: string; number: string };
}

const print = async (id: number) => {
  const res = await w.t.call('GET', `/api/certificates/${id}/pdf`, { token: w.worker });
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
};

describe('the QR code reads from a print', () => {
  it('decodes from a 100-dpi render with zbar and with jsQR', async () => {
    const c = await issued('扫码测试');
    const { pgm } = renderPage(await print(c.id), 100);
    expect(zbar(pgm)).toBe(c.verifyUrl);
    expect(jsqr(pgm)).toBe(c.verifyUrl);
    // The decoded address verifies as genuine.
    expect((await w.t.call('POST', '/api/public/certificates/verify', { body: { payload: zbar(pgm)! } })).json().status).toBe('valid');
  });

  it('is printed large: modules of at least 0.7 mm (a version 15 code at 34 mm had 0.42 mm)', async () => {
    const c = await issued('模块尺寸');
    const QRCode = (await import('qrcode')).default;
    const { qrSegments } = await import('../../src/modules/certificates/statement.js');
    const version = QRCode.create(qrSegments(c.verifyUrl), { errorCorrectionLevel: 'M' }).version;
    expect(version).toBeLessThanOrEqual(11);
    const modules = version * 4 + 17 + 4; // with the 2-module quiet zone each side drawn in the square
    expect(QR_SIZE_MM / modules).toBeGreaterThanOrEqual(0.7);
  });

  it('keeps an older QC1 certificate printable and its QR code readable at 150 dpi', async () => {
    const c = await issued('旧版打印');
    const legacy = await asLegacyQc1(w, c.id);
    const { pgm } = renderPage(await print(c.id), 150);
    expect(jsqr(pgm)).toBe(legacy.verifyUrl);
  });
});

describe('what the paper says', () => {
  it('stamps a reprint after the validity date 已过期 and records it as such', async () => {
    const valid = await issued('有效重印');
    expect(text(await print(valid.id))).not.toContain('已过期');
    const old = await issued('过期重印', { today: addDays(todayCn(), -200) });
    const t = text(await print(old.id)).replace(/\s/g, '');
    expect(t).toContain('已过期');
    expect(t).toContain('本证明已过期（有效期至');
    expect(t).toContain('此件为存档副本，不作证明使用');
    const audit = await queryRows<{ detail: { expired?: boolean } }>(w.t.database.db, sql`SELECT detail FROM audit_log WHERE action = 'certificate.print' AND entity_id = ${String(old.id)}`);
    expect(audit[0]!.detail.expired).toBe(true);
    // It verifies as expired, not forged: it was signed with the dates it carries.
    expect((await w.t.call('GET', `/api/public/certificates/verify?code=${old.verifyCode}`)).json().status).toBe('expired');
  });

  it('says 本社区 for a residents’ committee and 本村 for a villagers’ committee', async () => {
    const c = await issued('社区居民');
    const t = text(await print(c.id)).replace(/\s/g, '');
    expect(t).toContain('在本社区居住');
    expect(t).not.toContain('社区（村）');
    const tree = w.t.built.modules.tree.service;
    const village = await tree.createNode({ parentId: w.a.street.id, level: 'community', code: `${w.a.street.code}201`, name: '东社村', validFrom: '2000-01-01' }, systemContext('test'));
    expect(village.kind).toBe('villagers_committee');
    const vgrid = await tree.createNode({ parentId: village.id, level: 'grid', code: `${village.code}001`, name: '东社村一组', kind: 'rural', validFrom: '2000-01-01' }, systemContext('test'));
    const vworker = (await loginAs(w.t, { role: 'community_worker', node: village })).token;
    const rid = await resident(w, { name: '村民甲' }, { token: vworker, grid: vgrid });
    const res = await issue(w, { residentId: rid, kind: 'residence' }, vworker);
    expect(res.statusCode).toBe(201);
    expect(res.json().unitName).toBe('东社村村民委员会');
    expect(res.json().publicText).toContain('在本村居住');
    // A template saved with the old wording reads right too.
    const { fill } = await import('../../src/modules/certificates/template.js');
    expect(fill('兹证明{name}在本社区（村）居住。', { name: '甲', unitKind: '村' }).text).toBe('兹证明甲在本村居住。');
  });

  it('sets the certificate in Noto Serif SC', async () => {
    const c = await issued('宋体');
    const fonts = execFileSync('pdffonts', [join(tmp(await print(c.id)), 'c.pdf')], { encoding: 'utf8' });
    expect(fonts).toMatch(/NotoSerifSC/);
    expect(fonts).not.toMatch(/NotoSansSC/);
  });

  it('keeps the seal’s arc above the unit’s name and the date, and 证明专用章 clear of the date', () => {
    const radius = (21 * 72) / 25.4;
    const signSize = 14;
    for (const name of ['东村村民委员会', '滨体社区居民委员会', '滨河西路第二社区居民委员会', '迎泽区柳巷街道桥东社区居民委员会']) {
      const b = signatureBlock(500, signSize, radius);
      const seal = sealLayout(name, radius, b.clearAbove);
      const unitTop = b.unitY + signSize * 0.88 - b.cy;
      const dateTop = b.dateY + signSize * 0.88 - b.cy;
      const dateBottom = b.dateY - signSize * 0.15 - b.cy;
      expect(seal.arcBottom, name).toBeGreaterThan(unitTop);
      expect(seal.arcBottom, name).toBeGreaterThan(dateTop + signSize);
      expect(seal.bottom.y + seal.bottom.size * 0.88, name).toBeLessThan(dateBottom - 2);
      // The star stays between the arc and the unit's name.
      expect(seal.star.y - seal.star.outer, name).toBeGreaterThan(unitTop);
      expect(seal.glyphs[0]!.size, name).toBeGreaterThan(6);
    }
  });
});

describe('the public address', () => {
  it('warns at start-up when QC_PUBLIC_BASE_URL is not set, and not when it is', async () => {
    expect(publicAddressWarning('https://zwfw.example.gov.cn')).toBeNull();
    expect(publicAddressWarning('')!.zh).toContain('QC_PUBLIC_BASE_URL');
    const warn = vi.spyOn(w.t.built.platform.log, 'warn');
    const module = w.t.built.modules.list.find((m) => m.name === 'certificates')!;
    await module.start!();
    expect(warn.mock.calls.some((c) => String(c[1]).includes('QC_PUBLIC_BASE_URL is not set'))).toBe(true);
    warn.mockRestore();
    await module.stop!();
  });
});
