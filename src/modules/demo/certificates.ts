// Demo content for certificates: the starter catalogue, and in the featured community (滨体社区)
// a few certificates of each kind issued by its worker (one revoked), and assisted-service
// requests in every state, so that every page has something real to show. Everything goes
// through the services, as a worker would do it.
import type { BuiltApp } from '../../app.js';
import { rolePermissions, type Role } from '../../platform/auth/roles.js';
import { systemContext, type AuthedContext } from '../../platform/context.js';
import { addDays, todayCn } from '../../platform/dates.js';
import { starterCatalogue } from '../certificates/index.js';

export interface CertificatesDemoResult {
  kinds: number;
  issued: number;
  revoked: number;
  assisted: number;
}

/** The demo community worker as a request context (as if they had logged in). */
async function workerContext(built: BuiltApp, username: string): Promise<AuthedContext | null> {
  const u = await built.platform.auth.findUserByName(username);
  if (!u) return null;
  const role = u.role as Role;
  return {
    principal: {
      kind: 'user', userId: u.id, tokenId: null, username: u.username, displayName: u.displayName, role, permissions: new Set(rolePermissions[role]), nodeId: u.nodeId, treePath: u.treePath,
      departmentId: u.departmentId ?? null, gridWorkerKind: null, sessionDigest: null,
    },
    lang: 'zh',
    ip: 'local',
    requestId: `demo-certificates-${Date.now().toString(36)}`,
  };
}

/**
 * Loads the starter catalogue (when the catalogue is empty) and, when the demo community worker
 * exists, issues sample certificates and takes sample assisted-service requests. Idempotent: a
 * second run finds certificates already there and only tops up the catalogue.
 */
export async function seedCertificatesDemo(built: BuiltApp, opts: { worker?: string; log?: (m: string) => void } = {}): Promise<CertificatesDemoResult> {
  const s = built.modules.certificates.service;
  const system = systemContext('demo-seed');
  const log = opts.log ?? (() => undefined);
  const result: CertificatesDemoResult = { kinds: 0, issued: 0, revoked: 0, assisted: 0 };
  const existing = new Set((await s.catalogue.current(true)).map((k) => k.kindCode));
  const handbookCodes = await s.handbook.codes();
  for (const [i, k] of starterCatalogue.entries()) {
    if (existing.has(k.code)) continue;
    await s.catalogue.create(system, { ...k, sortOrder: (i + 1) * 10, changeNote: '初始目录' }, handbookCodes);
    result.kinds += 1;
  }
  const ctx = await workerContext(built, opts.worker ?? 'community');
  if (!ctx) return result;
  if ((await s.issuedCount()) > 0) return result;

  const registry = built.modules.registry.service;
  const community = ctx.principal.nodeId;
  const find = async (f: Partial<Parameters<typeof registry.lookups.residents>[1]>) => (await registry.lookups.residents(ctx, { nodeId: community, limit: 40, offset: 0, ...f })).items;
  const tryIssue = async (input: Parameters<typeof s.certificates.issue>[1]) => {
    try {
      const c = await s.certificates.issue(ctx, input);
      result.issued += 1;
      return c;
    } catch (err) {
      log(`certificate demo: ${input.kind} for resident ${input.residentId} not issued: ${(err as Error).message}`);
      return null;
    }
  };

  const adults: Awaited<ReturnType<typeof find>> = [];
  for (const r of await find({ ageMin: 25, ageMax: 59 })) {
    if (!r.residentSince || String(r.residentSince) >= addDays(todayCn(), -200)) continue;
    // Some demo residents carry an address that contradicts their house (the to-do list shows them): not these.
    if ((await s.certificates.check(ctx, { residentId: r.id, kind: 'residence', purpose: '申领居住证' })).ok) adults.push(r);
  }
  for (const r of adults.slice(0, 3)) await tryIssue({ residentId: r.id, kind: 'residence', purpose: '申领居住证', recipient: null });
  if (adults[3]) await tryIssue({ residentId: adults[3].id, kind: 'residence', purpose: '办理子女入学登记', recipient: '太原市万柏林区教育局' });
  if (adults[4]) {
    const wrong = await tryIssue({ residentId: adults[4].id, kind: 'residence', purpose: '办理社保转移', recipient: null });
    if (wrong) {
      await s.certificates.revoke(ctx, wrong.id, { category: 'issued_in_error', reason: '居民告知用途写错，已作废并重新出具' });
      result.revoked += 1;
      await tryIssue({ residentId: adults[4].id, kind: 'residence', purpose: '办理医保关系转移', recipient: null });
    }
  }
  // One issued long enough ago to be past its validity, so the verification page has an expired one to show.
  if (adults[5]) {
    try {
      await s.certificates.issue(ctx, { residentId: adults[5].id, kind: 'residence', purpose: '办理居住证续签', recipient: null }, { today: addDays(todayCn(), -200) });
      result.issued += 1;
    } catch (err) {
      log(`certificate demo: the expired sample was not issued: ${(err as Error).message}`);
    }
  }
  const alone = await find({ labels: ['elderly_alone'] });
  // A small demo city may have nobody living alone in the community: the elderly are eligible too.
  const elderly = [...alone, ...(await find({ ageMin: 65 })).filter((r) => !alone.some((a) => a.id === r.id))];
  const hardship = await find({ labels: ['low_income', 'extreme_poverty', 'disabled'] });
  for (const r of hardship.slice(0, 2)) await tryIssue({ residentId: r.id, kind: 'hardship', purpose: '申请医疗费用减免', recipient: '山西省人民医院' });
  const heads = (await find({ ageMin: 30, ageMax: 70 })).filter((r) => r.relationToHead === '02' && r.householdId);
  for (const h of heads.slice(0, 6)) {
    const members = (await registry.lookups.residents(ctx, { householdId: h.householdId as number, limit: 10, offset: 0 })).items;
    const spouse = members.find((m) => m.relationToHead === '10');
    if (spouse) {
      await tryIssue({ residentId: h.id, relatedResidentId: spouse.id, kind: 'kinship_household', purpose: '代办配偶的医保报销', recipient: null });
      break;
    }
  }

  // Assisted service: elderly people (living alone first), in every state.
  const plans = [
    { category: 'medical_insurance', channel: 'visit', description: '老人腿脚不便，委托网格员代办门诊慢特病医保报销', close: '已在医保窗口提交材料，报销款已到账' },
    { category: 'pension', channel: 'phone', description: '老人不会用手机刷脸，需上门协助完成养老金领取资格认证', progress: '已预约周四上门，带平板协助认证' },
    { category: 'certificate', channel: 'walk_in', description: '子女代为提出：申请老年助餐补贴需要社区证明', certificate: true },
    { category: 'utilities', channel: 'grid', description: '暖气费缴费卡丢失，代为补办并缴费' },
    { category: 'medical', channel: 'hotline', description: '12345 转办：老人需要每月代购降压药', overdue: true },
  ] as const;
  for (const [i, p] of plans.entries()) {
    const r = elderly[i];
    if (!r) break;
    const req = await s.assisted.create(ctx, { residentId: r.id, category: p.category, channel: p.channel, description: p.description });
    result.assisted += 1;
    if ('close' in p) {
      const mid = await s.assisted.step(ctx, req.id, { status: 'in_progress', note: '已联系老人，收齐材料', expectedVersion: req.version });
      await s.assisted.step(ctx, req.id, { status: 'done', result: p.close, expectedVersion: mid.version });
    } else if ('progress' in p) {
      await s.assisted.step(ctx, req.id, { status: 'in_progress', note: p.progress, expectedVersion: req.version });
    } else if ('certificate' in p) {
      const livesAlone = alone.some((a) => a.id === r.id);
      const c = await tryIssue({ residentId: r.id, kind: livesAlone ? 'living_alone' : 'residence', purpose: '申请老年助餐补贴', recipient: null, assistedRequestId: req.id });
      if (c) {
        const now = await s.assisted.get(ctx, req.id);
        await s.assisted.step(ctx, req.id, { status: 'done', result: `${c.title}已出具（${c.number}），送至老人家中`, expectedVersion: now.version });
      }
    } else if ('overdue' in p) {
      // Taken twelve days ago and not yet done: the list and the counts show it as late.
      await s.backdateAssistedForDemo(req.id, 12, addDays(todayCn(), -5));
    }
  }
  log(`certificates: ${result.kinds} catalogue kinds, ${result.issued} issued (${result.revoked} revoked), ${result.assisted} assisted-service requests`);
  return result;
}
