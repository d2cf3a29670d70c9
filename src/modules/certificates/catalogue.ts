// The catalogue (证明事项清单): what a community may still issue, each kind with its basis,
// purpose, process, materials, preconditions, issuers, validity and template. Every edit is a new
// version; certificates name the version they were issued under, so a past certificate can always
// be explained by the rules of its day.
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { roleNames, rolePermissions, roles, type Role } from '../../platform/auth/roles.js';
import type { AuthedContext, RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { RegistryService } from '../registry/index.js';
import type { KindInput } from './defaults.js';
import { CertificateErrors } from './errors.js';
import { describePrecondition, type LabelNames } from './preconditions.js';
import { certificateKinds, certificateKindVersions } from './tables.js';
import { checkTemplate, needsOf, sampleOf } from './template.js';
import { kindEnglish } from './english.js';
import type { HandbookService } from './handbook.js';
import type { KindEditIn, KindHistory, KindOut, NewKindIn, PublicSearchOut } from './schemas.js';

export type { KindOut } from './schemas.js';

export type KindVersion = typeof certificateKindVersions.$inferSelect;

const CODE_RE = /^[a-z][a-z0-9_]{1,39}$/;

export class CatalogueService {
  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly handbook: HandbookService,
  ) {}

  /** The catalogue in the caller's language (the public list holds active kinds only). */
  async kinds(lang: 'zh' | 'en', includeInactive = false): Promise<KindOut[]> {
    const names = await this.labelNames();
    return (await this.current(includeInactive)).map((k) => this.present(k, names, lang));
  }

  /** One kind with every version it has had. */
  async history(code: string, lang: 'zh' | 'en'): Promise<KindHistory> {
    const names = await this.labelNames();
    const current = await this.get(code);
    const versions = await this.versions(code);
    return { current: this.present(current, names, lang), versions: versions.map((v) => this.present(v, names, lang)) };
  }

  /**
   * What a resident asks for, matched against the catalogue (issued here) and the handbook
   * (issued elsewhere): every word must match the kind's title, purpose or code.
   */
  async search(q: string, lang: 'zh' | 'en'): Promise<PublicSearchOut> {
    const words = q.trim().toLowerCase().split(/[\s,，、]+/).filter(Boolean);
    const names = await this.labelNames();
    const kinds = (await this.current(false)).filter((k) => words.every((w) => `${k.title} ${k.purpose} ${k.kindCode}`.toLowerCase().includes(w)));
    return { kinds: kinds.map((k) => this.present(k, names, lang)), handbook: await this.handbook.list(q, { limit: 20 }) };
  }

  /** Adds a kind (version 1), as an administrator. */
  async add(ctx: AuthedContext, input: NewKindIn): Promise<KindOut> {
    const row = await this.create(ctx, input, await this.handbook.codes());
    return this.present(row, await this.labelNames(), ctx.lang);
  }

  /** Saves an edit as a new version; the version sent must be the current one. */
  async edit(ctx: AuthedContext, code: string, input: KindEditIn): Promise<KindOut> {
    const { version, ...rest } = input;
    const row = await this.update(ctx, code, rest, version, await this.handbook.codes());
    return this.present(row, await this.labelNames(), ctx.lang);
  }

  async labelNames(): Promise<LabelNames> {
    return new Map((await this.registry.lookups.labelKinds(true)).map((k) => [k.code, { zh: k.nameZh, en: k.nameEn }]));
  }

  present(v: KindVersion, names: LabelNames, lang: 'zh' | 'en'): KindOut {
    return {
      code: v.kindCode, version: v.version, title: v.title, basis: v.basis, purpose: v.purpose, process: v.process, materials: v.materials,
      preconditions: v.preconditions.map((p) => ({ ...p, text: describePrecondition(p, names)[lang] })),
      needsRelated: v.needsRelated,
      needs: needsOf(v.template).map((n) => n[lang]),
      issuerRoles: v.issuerRoles,
      issuers: v.issuerRoles.map((r) => roleNames[r as Role]?.[lang] ?? r).join(lang === 'zh' ? '、' : ', '),
      validityDays: v.validityDays, template: v.template, sample: sampleOf(v.template, lang), active: v.active, changedAt: v.changedAt.toISOString(), changedBy: v.changedByName, changeNote: v.changeNote,
      en: kindEnglish(v),
    };
  }

  /** The current version of every kind (active ones only unless asked), in catalogue order. */
  async current(includeInactive: boolean, db: DbOrTx = this.platform.db): Promise<KindVersion[]> {
    const rows = await db
      .select({ v: certificateKindVersions })
      .from(certificateKinds)
      .innerJoin(certificateKindVersions, and(eq(certificateKindVersions.kindCode, certificateKinds.code), eq(certificateKindVersions.version, certificateKinds.currentVersion)))
      .orderBy(asc(certificateKinds.sortOrder), asc(certificateKinds.code));
    return rows.map((r) => r.v).filter((v) => includeInactive || v.active);
  }

  async get(code: string, db: DbOrTx = this.platform.db): Promise<KindVersion> {
    const rows = await db
      .select({ v: certificateKindVersions })
      .from(certificateKinds)
      .innerJoin(certificateKindVersions, and(eq(certificateKindVersions.kindCode, certificateKinds.code), eq(certificateKindVersions.version, certificateKinds.currentVersion)))
      .where(eq(certificateKinds.code, code))
      .limit(1);
    if (!rows[0]) throw new AppError(CertificateErrors.CERT_KIND_NOT_FOUND, { code }, 'kind');
    return rows[0].v;
  }

  async version(code: string, version: number, db: DbOrTx = this.platform.db): Promise<KindVersion | undefined> {
    const rows = await db.select().from(certificateKindVersions).where(and(eq(certificateKindVersions.kindCode, code), eq(certificateKindVersions.version, version))).limit(1);
    return rows[0];
  }

  async versions(code: string): Promise<KindVersion[]> {
    await this.get(code);
    return this.platform.db.select().from(certificateKindVersions).where(eq(certificateKindVersions.kindCode, code)).orderBy(desc(certificateKindVersions.version));
  }

  /** Checks an admin's input; every problem names its field. */
  private async validate(input: Omit<KindInput, 'code'>, names: LabelNames): Promise<void> {
    const bad = (field: string, zh: string, en: string, fieldZh: string, fieldEn: string) => {
      throw new AppError(CertificateErrors.CERT_KIND_INVALID, { field_zh: fieldZh, field_en: fieldEn, reason_zh: zh, reason_en: en }, field);
    };
    if (!input.title.trim()) bad('title', '不能为空', 'must not be empty', '证明名称', 'title');
    if (!input.basis.trim()) bad('basis', '必须写明设定依据（法律法规或保留清单）', 'must state the legal or policy basis', '设定依据', 'basis');
    const problem = checkTemplate(input.template, input.needsRelated);
    if (problem) bad('template', problem.zh, problem.en, '证明模板', 'template');
    for (const [i, p] of input.preconditions.entries()) {
      if (p.type === 'labels_any') {
        const unknown = p.labels.filter((l) => !names.has(l));
        if (unknown.length) bad(`preconditions.${i}.labels`, `没有这些标签：${unknown.join('、')}`, `unknown labels: ${unknown.join(', ')}`, '出具条件', 'preconditions');
      }
      if (p.type === 'related_in_household' && !input.needsRelated) bad(`preconditions.${i}`, '“同户亲属”条件需要勾选“需要选择另一人”', 'the same-household condition needs the kind to take a second person', '出具条件', 'preconditions');
    }
    if (input.needsRelated && !input.preconditions.some((p) => p.type === 'related_in_household')) {
      bad('preconditions', '需要另一人的证明必须有“同户且登记关系能说明”的条件', 'a kind about two people must require them to be in one household with a stated relation', '出具条件', 'preconditions');
    }
    if (!input.issuerRoles.length) bad('issuerRoles', '至少选择一个出具角色', 'choose at least one issuing role', '出具人员', 'issuers');
    for (const r of input.issuerRoles) {
      if (!(roles as readonly string[]).includes(r) || !rolePermissions[r as Role].includes('certificates:issue')) {
        bad('issuerRoles', `角色 ${r} 没有出具证明的权限`, `role ${r} cannot issue certificates`, '出具人员', 'issuers');
      }
    }
  }

  private async referencedHandbookCheck(input: Omit<KindInput, 'code'>, handbookCodes: Set<string>): Promise<void> {
    for (const [i, p] of input.preconditions.entries()) {
      if (p.referTo && !handbookCodes.has(p.referTo)) {
        throw new AppError(CertificateErrors.CERT_KIND_INVALID, { field_zh: '出具条件', field_en: 'preconditions', reason_zh: `减证便民指南中没有“${p.referTo}”`, reason_en: `no handbook entry "${p.referTo}"` }, `preconditions.${i}.referTo`);
      }
    }
  }

  async create(ctx: RequestContext, input: NewKindIn, handbookCodes: Set<string>, tx?: Tx): Promise<KindVersion> {
    if (!CODE_RE.test(input.code)) {
      throw new AppError(CertificateErrors.CERT_KIND_INVALID, { field_zh: '代码', field_en: 'code', reason_zh: '应为小写字母开头的字母、数字或下划线（2-40 位）', reason_en: 'lower-case letters, digits and underscores, starting with a letter (2-40)' }, 'code');
    }
    const names = await this.labelNames();
    await this.validate(input, names);
    await this.referencedHandbookCheck(input, handbookCodes);
    const run = async (tx: Tx) => {
      const inserted = await tx.insert(certificateKinds).values({ code: input.code, currentVersion: 1, sortOrder: input.sortOrder ?? 0 }).onConflictDoNothing().returning();
      if (!inserted.length) throw new AppError(CertificateErrors.CERT_KIND_EXISTS, { code: input.code }, 'code');
      const [row] = await tx.insert(certificateKindVersions).values({ ...this.versionValues(input), kindCode: input.code, version: 1, changedBy: ctx.principal?.userId ?? null, changedByName: ctx.principal?.displayName ?? 'system', changeNote: input.changeNote ?? null }).returning();
      await this.platform.audit.record(tx, ctx, { category: 'admin', action: 'certificate_kind.create', entityType: 'certificate_kind', entityId: input.code, detail: { version: 1, title: input.title } });
      return row!;
    };
    return tx ? run(tx) : this.platform.db.transaction(run);
  }

  /** Saves an edit as a new version; `expectedVersion` guards against overwriting someone else's edit. */
  async update(ctx: RequestContext, code: string, input: Omit<KindInput, 'code'> & { changeNote?: string | null; sortOrder?: number }, expectedVersion: number, handbookCodes: Set<string>): Promise<KindVersion> {
    const names = await this.labelNames();
    await this.validate(input, names);
    await this.referencedHandbookCheck(input, handbookCodes);
    return this.platform.db.transaction(async (tx) => {
      const head = await tx.select().from(certificateKinds).where(eq(certificateKinds.code, code)).for('update');
      if (!head[0]) throw new AppError(CertificateErrors.CERT_KIND_NOT_FOUND, { code }, 'code');
      if (head[0].currentVersion !== expectedVersion) throw new AppError(CertificateErrors.CERT_KIND_VERSION_CONFLICT, { current: head[0].currentVersion, expected: expectedVersion }, 'version');
      const version = head[0].currentVersion + 1;
      const [row] = await tx.insert(certificateKindVersions).values({ ...this.versionValues(input), kindCode: code, version, changedBy: ctx.principal?.userId ?? null, changedByName: ctx.principal?.displayName ?? 'system', changeNote: input.changeNote ?? null }).returning();
      await tx.update(certificateKinds).set({ currentVersion: version, updatedAt: new Date(), ...(input.sortOrder !== undefined ? { sortOrder: input.sortOrder } : {}) }).where(eq(certificateKinds.code, code));
      await this.platform.audit.record(tx, ctx, { category: 'admin', action: 'certificate_kind.update', entityType: 'certificate_kind', entityId: code, reason: input.changeNote ?? null, detail: { version, title: input.title, active: input.active } });
      return row!;
    });
  }

  private versionValues(input: Omit<KindInput, 'code'>) {
    return {
      title: input.title.trim(), basis: input.basis.trim(), purpose: input.purpose.trim(), process: input.process.trim(), materials: input.materials.map((m) => m.trim()).filter(Boolean),
      preconditions: input.preconditions, needsRelated: input.needsRelated, issuerRoles: input.issuerRoles, validityDays: input.validityDays, template: input.template.trim(), active: input.active,
    };
  }
}
