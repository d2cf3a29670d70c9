// The certificates module's services together (目录, 手册, 签章密钥, 开具, 核验, 帮办代办, 撤销类别):
// what index.ts hands to the routes and to other modules.
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import type { Platform } from '../../platform/platform.js';
import type { RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { AssistedService, assistedCategories, assistedChannels, assistedStatuses } from './assisted.js';
import { CatalogueService } from './catalogue.js';
import { HandbookService } from './handbook.js';
import { KeyService } from './keys.js';
import { RevocationCategories } from './revocation.js';
import type { MetaOut } from './schemas.js';
import { CertificateService } from './service.js';
import { algorithms, DEFAULT_SIGNER_ID } from './signing.js';
import { templateVariables } from './template.js';
import { VerificationService } from './verify.js';

export class CertificatesService {
  readonly catalogue: CatalogueService;
  readonly handbook: HandbookService;
  readonly keys: KeyService;
  readonly certificates: CertificateService;
  readonly verification: VerificationService;
  readonly assisted: AssistedService;
  readonly revocation: RevocationCategories;

  constructor(
    readonly platform: Platform,
    readonly tree: TreeService,
    readonly registry: RegistryService,
  ) {
    this.handbook = new HandbookService(platform);
    this.catalogue = new CatalogueService(platform, registry, this.handbook);
    this.keys = new KeyService(platform);
    this.revocation = new RevocationCategories(platform);
    this.certificates = new CertificateService(platform, tree, registry, this.catalogue, this.handbook, this.keys, this.revocation);
    this.verification = new VerificationService(platform, this.keys, this.revocation);
    this.assisted = new AssistedService(platform, tree, registry);
    this.certificates.assisted = this.assisted;
  }

  /** Template placeholders, precondition kinds, signature algorithms and the assisted-service code tables (for the editors and forms). */
  meta(lang: 'zh' | 'en'): MetaOut {
    return {
      placeholders: Object.entries(templateVariables).map(([key, v]) => ({ key, zh: v.zh, en: v.en, source: v.source, needs: v.needs[lang] })),
      preconditionTypes: ['resident_months', 'age_min', 'labels_any', 'lives_alone', 'residence_status', 'related_in_household'],
      algorithms: [...algorithms], defaultSignerId: DEFAULT_SIGNER_ID,
      assisted: { categories: assistedCategories, channels: assistedChannels, statuses: assistedStatuses },
    };
  }

  /** How many certificates were ever issued (the demo seeds only into an empty register). */
  async issuedCount(): Promise<number> {
    const [row] = await queryRows<{ n: number }>(this.platform.db, sql`SELECT count(*)::int AS n FROM certificate`);
    return row?.n ?? 0;
  }

  /** Demo seeding only: makes a request look as if it was taken `daysAgo` days ago and is overdue. */
  async backdateAssistedForDemo(requestId: number, daysAgo: number, dueOn: string): Promise<void> {
    await this.platform.db.execute(sql`UPDATE assisted_request SET created_at = now() - make_interval(days => ${daysAgo}), due_on = ${dueOn} WHERE id = ${requestId}`);
  }
}
