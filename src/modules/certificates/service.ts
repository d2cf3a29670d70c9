// Issuing (一键证明): a worker picks a resident and a kind; base data fills the template, the
// preconditions are checked and answered in plain words, and the certificate is numbered, signed
// with the unit's key and stored; the PDF is drawn from what was stored. Also the issued list,
// revocation and per-unit counts.
import { and, asc, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import { queryRows, type Tx } from '../../db/client.js';
import { roleNames, type Role } from '../../platform/auth/roles.js';
import { isSystemPrincipal, type AuthedContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { scopeCondition, subtreeCondition } from '../../platform/scope.js';
import { codeTables, maskIdNumber, RegistryErrors, type RegistryService, type ResidentAddress } from '../registry/index.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import type { AssistedService } from './assisted.js';
import type { CatalogueService, KindVersion } from './catalogue.js';
import { addDays, ageOnDate, chineseDate, cnDateTime, displayVerifyCode, durationZh, monthsBetween, newVerifyCode, todayCn } from '../../platform/dates.js';
import { CertificateErrors } from './errors.js';
import { likeEscape, type HandbookEntry, type HandbookService } from './handbook.js';
import type { KeyService, Unit } from './keys.js';
import type { RevocationCategories } from './revocation.js';
import { evaluate, relationBetween, type CheckResult, type LabelFact, type SubjectFacts } from './preconditions.js';
import { renderCertificate } from './render.js';
import { compactStatement, encodePayload, formatStatement, parseStored, readableStatement, storedForm, textDigest, verificationUrl } from './statement.js';
import type { CertificateOut, CertificatePage, CertificateQuery, CertificateStats, CheckIn, CheckItem, CheckOut, IssueIn, PublishedKey, RevokeIn, RotateKeyIn, StatsQuery } from './schemas.js';
import { DEFAULT_SIGNER_ID } from './signing.js';
import { certificates } from './tables.js';
import { fill, placeholdersOf, templateVariables } from './template.js';

export type CertificateRow = typeof certificates.$inferSelect;

export type { CertificateOut, IssueIn as IssueInput } from './schemas.js';

type Person = Awaited<ReturnType<RegistryService['residentInClear']>> & Record<string, unknown>;

const HARDSHIP_LABELS = ['low_income', 'extreme_poverty', 'disabled'];

/** The address check as a line of the checks the worker sees before issuing. */
export function addressFinding(a: ResidentAddress): CheckResult {
  const rule = { zh: '现住址已核实（与所住房屋一致，且在维护周期内）', en: 'the address is checked (agrees with the linked house, confirmed within its review period)' };
  const since = a.reviewedAt ? a.reviewedAt.slice(0, 10) : null;
  if (a.status === 'mismatch') {
    return { type: 'address_checked', ok: false, rule, found: { zh: `登记的现住址“${a.text}”与所住房屋“${a.house}”不一致，请先更正其一`, en: `the address entered ("${a.text}") differs from the linked house ("${a.house}"); correct one of them first` } };
  }
  if (a.overdue) {
    return { type: 'address_checked', ok: false, rule, found: { zh: `现住址${since ? `自${since}起` : ''}未再核实，已超过维护周期，请走访核实后再出具`, en: `the address has not been confirmed${since ? ` since ${since}` : ''}, beyond its review period; confirm it on a visit first` } };
  }
  const from = a.status === 'text_only' ? { zh: '（未关联房屋，按登记的现住址）', en: ' (no house linked: as entered)' } : { zh: '（按所住房屋）', en: ' (from the linked house)' };
  return { type: 'address_checked', ok: !!a.address, rule, found: a.address ? { zh: `${a.address}${from.zh}`, en: `${a.address}${from.en}` } : { zh: '未登记现住址', en: 'no address recorded' } };
}

export function unitFullName(node: Pick<TreeNode, 'name' | 'kind'>): string {
  if (node.name.endsWith('委员会')) return node.name;
  return node.kind === 'villagers_committee' ? `${node.name}村民委员会` : `${node.name}居民委员会`;
}

export class CertificateService {
  /** Set by the module once the assisted-service part exists (the two refer to each other). */
  assisted!: AssistedService;
  /** The address the server actually listens on (set by the routes once it listens). */
  listening: () => string | null = () => null;

  constructor(
    private readonly platform: Platform,
    private readonly tree: TreeService,
    private readonly registry: RegistryService,
    private readonly catalogue: CatalogueService,
    private readonly handbook: HandbookService,
    readonly keys: KeyService,
    private readonly revocation: RevocationCategories,
  ) {}

  /** The address residents reach the public pages at (printed in QR codes). */
  baseUrl(): string {
    const c = this.platform.config;
    if (c.publicBaseUrl) return c.publicBaseUrl.replace(/\/+$/, '');
    const actual = this.listening();
    if (actual) return actual;
    const host = !c.host || c.host === '0.0.0.0' || c.host === '::' ? '127.0.0.1' : c.host;
    return `http://${host}:${c.port}`;
  }

  /** The community (or village) above a path: the unit that issues and signs. */
  async unitOf(path: string, db?: Tx): Promise<Unit & { node: TreeNode; trail: TreeNode[] }> {
    const trail = await this.tree.trailOf(path, db);
    const node = trail.find((n) => n.level === 'community');
    if (!node) throw new AppError(CertificateErrors.CERT_UNIT_UNKNOWN, {}, 'residentId');
    return { nodeId: node.id, code: node.code, name: unitFullName(node), path: node.path, node, trail };
  }

  /**
   * Gives a community a new signing key (the old one retires and still verifies what it signed),
   * answered as the key is published.
   */
  async rotateKey(ctx: AuthedContext, input: RotateKeyIn): Promise<PublishedKey> {
    const node = await this.tree.getVisibleNode(ctx.principal, input.unitNodeId);
    if (node.level !== 'community') throw new AppError(CertificateErrors.CERT_KEY_UNIT_INVALID, {}, 'unitNodeId');
    const unit = await this.unitOf(node.path);
    const k = await this.keys.rotate(ctx, unit, input.algorithm, input.algorithm === 'SM2' ? (input.signerId ?? DEFAULT_SIGNER_ID) : null, input.reason);
    const published = (await this.keys.published({ unitCode: unit.code })).find((p) => p.kid === k.kid);
    if (!published) throw new Error(`key ${k.kid} was not published`);
    return published;
  }

  /** The kind to issue, or the handbook entry that says where the resident should go instead. */
  private async kindFor(code: string): Promise<KindVersion> {
    try {
      const k = await this.catalogue.get(code);
      if (!k.active) throw new AppError(CertificateErrors.CERT_KIND_INACTIVE, { title: k.title }, 'kind');
      return k;
    } catch (err) {
      if (err instanceof AppError && err.code === 'CERT_KIND_NOT_FOUND') {
        const entry = await this.handbook.find(code);
        if (entry?.active) throw new AppError(CertificateErrors.CERT_NO_LONGER_ISSUED, { title: entry.title, authority: entry.authority }, 'kind', { handbook: entry });
      }
      throw err;
    }
  }

  private async person(ctx: AuthedContext, id: number, purpose: string, field: string): Promise<Person> {
    try {
      return (await this.registry.residentInClear(ctx, id, purpose)) as Person;
    } catch (err) {
      if (err instanceof AppError && err.code === RegistryErrors.RECORD_NOT_FOUND.code) throw new AppError(RegistryErrors.RECORD_NOT_FOUND, {}, field);
      throw err;
    }
  }

  private assertActive(p: Person, lang: 'zh' | 'en') {
    const status = String(p.status ?? 'active');
    if (status !== 'active') throw new AppError(CertificateErrors.CERT_SUBJECT_INACTIVE, { status: codeTables.status[status]?.[lang] ?? status }, 'residentId');
  }

  private async householdSize(ctx: AuthedContext, householdId: number | null): Promise<number | null> {
    if (!householdId) return null;
    const r = await this.registry.lookups.residents(ctx, { householdId, limit: 1, offset: 0 });
    return r.total;
  }

  private async hardshipText(labels: LabelFact[]): Promise<string | null> {
    const kinds = new Map((await this.registry.lookups.labelKinds(true)).map((k) => [k.code, k]));
    const parts: string[] = [];
    for (const l of labels) {
      if (!HARDSHIP_LABELS.includes(l.code)) continue;
      const k = kinds.get(l.code);
      const name = k?.nameZh ?? l.code;
      const a = l.attributes ?? {};
      if (l.code === 'low_income') {
        const extra = [a.certificateNo ? `低保证号${String(a.certificateNo)}` : '', typeof a.monthlyAmount === 'number' ? `月保障金额${a.monthlyAmount}元` : ''].filter(Boolean).join('，');
        parts.push(extra ? `${name}（${extra}）` : name);
      } else if (l.code === 'disabled') {
        const codes = k?.attributeSchema ?? {};
        const cat = a.category ? codes.category?.codes?.[String(a.category)] : undefined;
        const grade = a.grade ? codes.grade?.codes?.[String(a.grade)] : undefined;
        parts.push(cat || grade ? `${name}（${cat ? `${cat}残疾` : '残疾'}${grade ?? ''}）` : name);
      } else parts.push(name);
    }
    return parts.length ? parts.join('、') : null;
  }

  /**
   * Reads what the kind needs (each read logged with its purpose) and checks it: the
   * preconditions in plain words and the placeholders that base data cannot fill.
   */
  private async evaluateIssue(ctx: AuthedContext, kind: KindVersion, input: IssueIn, today: string) {
    if (kind.needsRelated && !input.relatedResidentId) throw new AppError(CertificateErrors.CERT_RELATED_REQUIRED, { title: kind.title }, 'relatedResidentId');
    if (input.relatedResidentId && input.relatedResidentId === input.residentId) throw new AppError(CertificateErrors.CERT_RELATED_INVALID, {}, 'relatedResidentId');
    const purposeNote = `出具证明：${kind.title}`;
    const subject = await this.person(ctx, input.residentId, purposeNote, 'residentId');
    this.assertActive(subject, ctx.lang);
    const related = kind.needsRelated && input.relatedResidentId ? await this.person(ctx, input.relatedResidentId, purposeNote, 'relatedResidentId') : null;
    if (related) this.assertActive(related, ctx.lang);
    const used = new Set(placeholdersOf(kind.template));
    const householdId = (subject.householdId as number | null) ?? null;
    const needsSize = used.has('householdSize') || kind.preconditions.some((p) => p.type === 'lives_alone');
    const size = needsSize ? await this.householdSize(ctx, householdId) : null;
    const relation = related
      ? relationBetween(
          { relationToHead: (subject.relationToHead as string | null) ?? null, sex: String(subject.sex ?? '0'), birthDate: (subject.birthDate as string | null) ?? null },
          { relationToHead: (related.relationToHead as string | null) ?? null, sex: String(related.sex ?? '0'), birthDate: (related.birthDate as string | null) ?? null },
        )
      : null;
    const sameHousehold = !!related && !!householdId && related.householdId === householdId;
    const labels: LabelFact[] = subject.labels.map((l) => ({ code: l.code, attributes: (l.attributes ?? {}) as Record<string, unknown> }));
    const facts: SubjectFacts = {
      today, birthDate: (subject.birthDate as string | null) ?? null, residentSince: (subject.residentSince as string | null) ?? null, residenceStatus: (subject.residenceStatus as string | null) ?? null,
      labels, householdId, householdSize: size,
      ...(related ? { related: { name: String(related.name), sameHousehold, relation: sameHousehold ? relation : null } } : {}),
    };
    const names = await this.catalogue.labelNames();
    const checks = kind.preconditions.map((p) => evaluate(p, facts, names));
    // The address printed is the checked one (docs/decisions/0021): the linked house's, when the
    // free text agrees with it; and only when it was confirmed within its review period.
    let address = (subject.address as string | null) ?? null;
    if (used.has('address')) {
      const a = await this.registry.lookups.addressOf({ id: input.residentId, houseId: subject.houseId, address: subject.address });
      address = a.address;
      // With no address at all, the missing-data answer says what to fill in.
      if (a.status !== 'none') checks.push(addressFinding(a));
    }
    const validUntil = addDays(today, kind.validityDays);
    const code = (table: keyof typeof codeTables, v: unknown) => (v === null || v === undefined ? null : (codeTables[table] as Record<string, { zh: string }>)[String(v)]?.zh ?? null);
    const sex = (v: unknown) => (v === '1' ? '男' : v === '2' ? '女' : null);
    const months = facts.residentSince ? monthsBetween(facts.residentSince, today) : null;
    const unit = await this.unitOf(String(subject.treePath));
    const values: Record<string, string | null> = {
      name: String(subject.name ?? '') || null,
      sex: sex(subject.sex),
      birthDate: facts.birthDate ? chineseDate(facts.birthDate) : null,
      age: facts.birthDate ? String(ageOnDate(facts.birthDate, today)) : null,
      idType: code('idType', subject.idType),
      idNumber: subject.idNumber ?? null,
      ethnicity: code('ethnicity', subject.ethnicity),
      address,
      hukouAddress: (subject.hukouAddress as string | null) ?? null,
      residentSince: facts.residentSince ? chineseDate(facts.residentSince) : null,
      residenceDuration: months !== null && months >= 0 ? durationZh(months) : null,
      householdSize: size === null ? null : String(size),
      relatedName: related ? String(related.name) : null,
      relatedSex: related ? sex(related.sex) : null,
      relatedIdType: related ? code('idType', related.idType) : null,
      relatedIdNumber: related?.idNumber ?? null,
      relation: sameHousehold && relation ? relation.zh : null,
      hardship: used.has('hardship') ? await this.hardshipText(labels) : null,
      purpose: input.purpose.trim() || null,
      unitName: unit.name,
      unitKind: unit.node.kind === 'villagers_committee' ? '村' : '社区',
      issueDate: chineseDate(today),
      validUntil: chineseDate(validUntil),
    };
    const filled = fill(kind.template, values);
    return { subject, related, checks, filled, unit, validUntil, names };
  }

  private async describeChecks(checks: CheckResult[], lang: 'zh' | 'en') {
    const out: CheckItem[] = [];
    for (const c of checks) {
      const entry = c.referTo ? await this.handbook.find(c.referTo) : undefined;
      out.push({ ...c, text: `${c.rule[lang]}：${c.found[lang]}`, ...(entry ? { handbook: { code: entry.code, title: entry.title, authority: entry.authority } } : {}) });
    }
    return out;
  }

  private missingOf(missing: string[], lang: 'zh' | 'en') {
    return missing.map((m) => ({ placeholder: m, needs: templateVariables[m]?.needs[lang] ?? m }));
  }

  private assertIssuer(ctx: AuthedContext, kind: KindVersion) {
    const p = ctx.principal;
    if (isSystemPrincipal(p) || kind.issuerRoles.includes(p.role)) return;
    const names = kind.issuerRoles.map((r) => roleNames[r as Role]?.[ctx.lang] ?? r).join(ctx.lang === 'zh' ? '、' : ', ');
    throw new AppError(CertificateErrors.CERT_ISSUER_NOT_ALLOWED, { title: kind.title, roles: names }, 'kind');
  }

  /** Everything the issue button would do, short of issuing: which conditions hold, what is missing, the text. */
  async check(ctx: AuthedContext, input: CheckIn): Promise<CheckOut> {
    const kind = await this.kindFor(input.kind);
    const e = await this.evaluateIssue(ctx, kind, { ...input, purpose: input.purpose || '（用途）' }, todayCn());
    const checks = await this.describeChecks(e.checks, ctx.lang);
    const missing = this.missingOf(e.filled.missing, ctx.lang);
    return { kind: this.catalogue.present(kind, e.names, ctx.lang), ok: checks.every((c) => c.ok) && !missing.length, checks, missing, preview: missing.length ? null : e.filled.publicText };
  }

  /** Issues a certificate. `opts.today` dates it in the past (demo and tests only; the API always issues today). */
  async issue(ctx: AuthedContext, input: IssueIn, opts: { today?: string } = {}): Promise<CertificateOut> {
    const kind = await this.kindFor(input.kind);
    this.assertIssuer(ctx, kind);
    if (input.assistedRequestId) await this.assisted.assertLinkable(ctx, input.assistedRequestId, input.residentId);
    const today = opts.today ?? todayCn();
    const e = await this.evaluateIssue(ctx, kind, input, today);
    const failed = e.checks.filter((c) => !c.ok);
    if (failed.length) {
      const checks = await this.describeChecks(e.checks, ctx.lang);
      throw new AppError(
        CertificateErrors.CERT_PRECONDITION_FAILED,
        { failed_zh: failed.map((c) => `${c.rule.zh}（${c.found.zh}）`).join('；'), failed_en: failed.map((c) => `${c.rule.en} (${c.found.en})`).join('; ') },
        'residentId',
        { checks },
      );
    }
    if (e.filled.missing.length) {
      const missing = this.missingOf(e.filled.missing, 'zh');
      const missingEn = this.missingOf(e.filled.missing, 'en');
      throw new AppError(CertificateErrors.CERT_DATA_MISSING, { fields_zh: [...new Set(missing.map((m) => m.needs))].join('、'), fields_en: [...new Set(missingEn.map((m) => m.needs))].join(', ') }, e.filled.missing.includes('purpose') ? 'purpose' : 'residentId', { missing: ctx.lang === 'zh' ? missing : missingEn });
    }
    const unit = e.unit;
    const row = await this.platform.db.transaction(async (tx) => {
      const key = await this.keys.activeKey(tx, unit, ctx);
      const year = Number(today.slice(0, 4));
      const counted = await queryRows<{ last: number }>(
        tx,
        sql`INSERT INTO certificate_counter (unit_node_id, year, last) VALUES (${unit.nodeId}, ${year}, 1)
            ON CONFLICT (unit_node_id, year) DO UPDATE SET last = certificate_counter.last + 1 RETURNING last`,
      );
      const number = `${unit.code}-${year}-${String(counted[0]!.last).padStart(5, '0')}`;
      const verifyCode = newVerifyCode();
      const idNumber = e.subject.idNumber ?? null;
      const fields = {
        kid: key.kid, number, verifyCode, kind: kind.kindCode, unitCode: unit.code, subjectName: String(e.subject.name), subjectIdMasked: idNumber ? maskIdNumber(idNumber) : '-',
        issuedOn: today, validUntil: e.validUntil, digest: textDigest(e.filled.publicText),
      };
      // The compact QC2 form keeps the QR code small; QC1 only for what it cannot hold.
      const compact = compactStatement(fields);
      const bytes = compact ?? Buffer.from(formatStatement({ ...fields, algorithm: key.algorithm as 'SM2' | 'Ed25519', signerId: key.signerId }), 'utf8');
      const statement = storedForm(compact ? 'QC2' : 'QC1', bytes);
      const signature = this.keys.signer(key).sign(bytes);
      const [inserted] = await tx
        .insert(certificates)
        .values({
          number, verifyCode, kindCode: kind.kindCode, kindVersion: kind.version, title: kind.title, residentId: input.residentId, relatedResidentId: e.related ? input.relatedResidentId! : null,
          subjectName: String(e.subject.name), subjectIdMasked: idNumber ? maskIdNumber(idNumber) : '-', unitNodeId: unit.nodeId, unitName: unit.name, treePath: unit.path, districtCode: unit.node.districtCode!,
          purpose: input.purpose.trim(), recipient: input.recipient?.trim() || null, bodyEnc: this.platform.cipher.encrypt(e.filled.text), publicText: e.filled.publicText,
          statement, signature: signature.toString('base64url'), kid: key.kid, algorithm: key.algorithm, issuedOn: today, validUntil: e.validUntil,
          issuedBy: ctx.principal.userId, issuedByName: ctx.principal.displayName, assistedRequestId: input.assistedRequestId ?? null,
        })
        .returning();
      await this.platform.audit.record(tx, ctx, [
        {
          category: 'write', action: 'certificate.issue', entityType: 'certificate', entityId: inserted!.id, subjectId: input.residentId, treePath: unit.path, districtCode: unit.node.districtCode,
          reason: inserted!.purpose, detail: { number, kind: kind.kindCode, kindVersion: kind.version, kid: key.kid, relatedResidentId: inserted!.relatedResidentId },
        },
        ...(inserted!.relatedResidentId ? [{ category: 'write' as const, action: 'certificate.issue_related', entityType: 'certificate', entityId: inserted!.id, subjectId: inserted!.relatedResidentId, treePath: unit.path, districtCode: unit.node.districtCode, detail: { number } }] : []),
      ]);
      if (input.assistedRequestId) await this.assisted.attachCertificate(tx, ctx, input.assistedRequestId, inserted!);
      return inserted!;
    });
    return this.present(row);
  }

  present(r: CertificateRow, today = todayCn()): CertificateOut {
    const payload = encodePayload(r.statement, Buffer.from(r.signature, 'base64url'));
    const parsed = parseStored(r.statement);
    return {
      id: r.id, number: r.number, verifyCode: displayVerifyCode(r.verifyCode), kind: r.kindCode, kindVersion: r.kindVersion, title: r.title, residentId: r.residentId, relatedResidentId: r.relatedResidentId,
      subjectName: r.subjectName, subjectIdMasked: r.subjectIdMasked, unitNodeId: r.unitNodeId, unitName: r.unitName, purpose: r.purpose, recipient: r.recipient, publicText: r.publicText,
      issuedAt: r.issuedAt.toISOString(), issuedOn: r.issuedOn, validUntil: r.validUntil, issuedByName: r.issuedByName, status: r.status,
      state: r.status === 'revoked' ? 'revoked' : r.validUntil < today ? 'expired' : 'valid',
      revokedAt: r.revokedAt?.toISOString() ?? null, revokedByName: r.revokedByName, revokeReason: r.revokeReason, revokeCategory: r.revokeCategory, printCount: r.printCount, lastPrintedAt: r.lastPrintedAt?.toISOString() ?? null,
      verifyCount: r.verifyCount, lastVerifiedAt: r.lastVerifiedAt?.toISOString() ?? null, algorithm: r.algorithm, kid: r.kid, statement: r.statement,
      statementFormat: r.statement.startsWith('QC2:') ? 'QC2' : 'QC1', statementText: parsed.ok ? readableStatement(parsed.statement) : r.statement, signature: r.signature,
      verifyUrl: verificationUrl(this.baseUrl(), payload), pdfUrl: `/api/certificates/${r.id}/pdf`, assistedRequestId: r.assistedRequestId,
    };
  }

  private async row(ctx: AuthedContext, id: number, db: Tx | undefined = undefined, lock = false): Promise<CertificateRow> {
    const q = (db ?? this.platform.db).select().from(certificates).where(and(eq(certificates.id, id), scopeCondition(ctx.principal, certificates.treePath))).limit(1);
    const rows = lock ? await q.for('update') : await q;
    if (!rows[0]) throw new AppError(CertificateErrors.CERT_NOT_FOUND, {}, 'id');
    return rows[0];
  }

  async get(ctx: AuthedContext, id: number): Promise<CertificateOut> {
    const r = await this.row(ctx, id);
    await this.platform.audit.recordNow(this.platform.db, ctx, { category: 'read', action: 'certificate.read', entityType: 'certificate', entityId: id, subjectId: r.residentId, treePath: r.treePath, districtCode: r.districtCode });
    return this.present(r);
  }

  async list(ctx: AuthedContext, f: CertificateQuery): Promise<CertificatePage> {
    const conds: SQL[] = [scopeCondition(ctx.principal, certificates.treePath)];
    if (f.nodeId) conds.push(subtreeCondition((await this.tree.getVisibleNode(ctx.principal, f.nodeId)).path, certificates.treePath));
    const today = todayCn();
    if (f.kind) conds.push(eq(certificates.kindCode, f.kind));
    if (f.state === 'revoked') conds.push(eq(certificates.status, 'revoked'));
    else if (f.state === 'valid') conds.push(and(eq(certificates.status, 'issued'), gte(certificates.validUntil, today))!);
    else if (f.state === 'expired') conds.push(and(eq(certificates.status, 'issued'), sql`${certificates.validUntil} < ${today}`)!);
    if (f.from) conds.push(gte(certificates.issuedOn, f.from));
    if (f.to) conds.push(lte(certificates.issuedOn, f.to));
    if (f.residentId) conds.push(eq(certificates.residentId, f.residentId));
    if (f.q) {
      const q = f.q.trim();
      const code = q.replace(/[\s-]/g, '').toUpperCase();
      conds.push(sql`(${certificates.number} LIKE ${`%${likeEscape(q)}%`} OR ${certificates.verifyCode} = ${code} OR ${certificates.subjectName} LIKE ${`${likeEscape(q)}%`})`);
    }
    const where = and(...conds);
    const [rows, count] = await Promise.all([
      this.platform.db.select().from(certificates).where(where).orderBy(desc(certificates.issuedAt), desc(certificates.id)).limit(f.limit).offset(f.offset),
      this.platform.db.select({ n: sql<number>`count(*)::int` }).from(certificates).where(where),
    ]);
    if (rows.length) {
      await this.platform.audit.recordNow(this.platform.db, ctx, { category: 'read', action: 'certificate.list', entityType: 'certificate', treePath: ctx.principal.treePath, detail: { ids: rows.map((r) => r.id), residents: [...new Set(rows.map((r) => r.residentId))] } });
    }
    return { items: rows.map((r) => this.present(r, today)), total: count[0]?.n ?? 0, limit: f.limit, offset: f.offset };
  }

  /** Revokes with a category (shown publicly) and a note (for staff); both are required. */
  async revoke(ctx: AuthedContext, id: number, input: RevokeIn): Promise<CertificateOut> {
    const why = input.reason.trim();
    const category = await this.revocation.assertUsable(input.category);
    const row = await this.platform.db.transaction(async (tx) => {
      const r = await this.row(ctx, id, tx, true);
      if (r.status === 'revoked') throw new AppError(CertificateErrors.CERT_ALREADY_REVOKED, { at: cnDateTime(r.revokedAt!) }, 'id');
      const [u] = await tx.update(certificates).set({ status: 'revoked', revokedAt: new Date(), revokedByName: ctx.principal.displayName, revokeReason: why, revokeCategory: category.code }).where(eq(certificates.id, id)).returning();
      await this.platform.audit.record(tx, ctx, { category: 'write', action: 'certificate.revoke', entityType: 'certificate', entityId: id, subjectId: r.residentId, treePath: r.treePath, districtCode: r.districtCode, reason: why, detail: { number: r.number, category: category.code } });
      return u!;
    });
    return this.present(row);
  }

  /**
   * The PDF, drawn from what was stored and signed; every print is in the audit log. A revoked
   * certificate is refused; one past its validity prints as a record copy with a 已过期 stamp.
   */
  async pdf(ctx: AuthedContext, id: number): Promise<{ bytes: Uint8Array; filename: string }> {
    const today = todayCn();
    const r = await this.platform.db.transaction(async (tx) => {
      const row = await this.row(ctx, id, tx, true);
      if (row.status === 'revoked') throw new AppError(CertificateErrors.CERT_REVOKED, { at: cnDateTime(row.revokedAt!), reason: row.revokeReason ?? '' }, 'id');
      await tx.update(certificates).set({ printCount: sql`${certificates.printCount} + 1`, lastPrintedAt: new Date() }).where(eq(certificates.id, id));
      await this.platform.audit.record(tx, ctx, { category: 'export', action: 'certificate.print', entityType: 'certificate', entityId: id, subjectId: row.residentId, treePath: row.treePath, districtCode: row.districtCode, detail: { number: row.number, copy: row.printCount + 1, ...(row.validUntil < today ? { expired: true } : {}) } });
      return row;
    });
    return { bytes: await this.render(r, today), filename: `${r.number}.pdf` };
  }

  /** Draws a stored certificate (no audit: callers record why). */
  async render(r: CertificateRow, today = todayCn()): Promise<Uint8Array> {
    const trail = (await this.tree.trailOf(r.treePath)).filter((n) => n.level !== 'community' && n.level !== 'grid').map((n) => n.name);
    return renderCertificate({
      title: r.title, number: r.number, verifyCode: r.verifyCode, trail, unitName: r.unitName, recipient: r.recipient, text: this.platform.cipher.decrypt(r.bodyEnc),
      issuedOn: r.issuedOn, validUntil: r.validUntil, issuedByName: r.issuedByName, algorithm: r.algorithm, kid: r.kid,
      qrText: verificationUrl(this.baseUrl(), encodePayload(r.statement, Buffer.from(r.signature, 'base64url'))), verifyBase: this.baseUrl(), expired: r.validUntil < today,
    });
  }

  /** Issued certificates per unit and kind in the caller's area (and how many were revoked). */
  async stats(ctx: AuthedContext, f: StatsQuery): Promise<CertificateStats> {
    const root = f.nodeId ? (await this.tree.getVisibleNode(ctx.principal, f.nodeId)).path : ctx.principal.treePath;
    const conds: SQL[] = [scopeCondition(ctx.principal, certificates.treePath), subtreeCondition(root, certificates.treePath)];
    if (f.from) conds.push(gte(certificates.issuedOn, f.from));
    if (f.to) conds.push(lte(certificates.issuedOn, f.to));
    const rows = await this.platform.db
      .select({
        unitNodeId: certificates.unitNodeId, unitName: certificates.unitName, kind: certificates.kindCode, title: certificates.title,
        issued: sql<number>`count(*)::int`, revoked: sql<number>`(count(*) FILTER (WHERE ${certificates.status} = 'revoked'))::int`, assisted: sql<number>`(count(*) FILTER (WHERE ${certificates.assistedRequestId} IS NOT NULL))::int`,
      })
      .from(certificates)
      .where(and(...conds))
      .groupBy(certificates.unitNodeId, certificates.unitName, certificates.kindCode, certificates.title)
      .orderBy(asc(certificates.unitName), asc(certificates.kindCode));
    return rows;
  }
}

export type { HandbookEntry };
