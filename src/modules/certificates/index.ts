// Public face of the certificates module (一键证明, 减证便民, 帮办代办). Other modules use
// CertificatesService; they never read this module's tables.
import type { Platform } from '../../app.js';
import type { AppModule } from '../../platform/module.js';
import type { RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { AssistedService } from './assisted.js';
import { CatalogueService } from './catalogue.js';
import { HandbookService } from './handbook.js';
import { KeyService } from './keys.js';
import { certificateRoutes } from './routes.js';
import { CertificateService } from './service.js';
import { VerificationService } from './verify.js';

export { CertificateErrors } from './errors.js';
export { starterCatalogue, nationalHandbook, type KindInput, type HandbookInput } from './defaults.js';
export { seedCertificatesDemo } from './demo.js';
export type { CertificateOut, IssueInput } from './service.js';
export type { Verdict, VerdictStatus } from './verify.js';
export { DEFAULT_SIGNER_ID, type Algorithm } from './signing.js';
export { decodePayload, formatStatement, parseStatement, textDigest, STATEMENT_FORMAT } from './statement.js';

export class CertificatesService {
  readonly catalogue: CatalogueService;
  readonly handbook: HandbookService;
  readonly keys: KeyService;
  readonly certificates: CertificateService;
  readonly verification: VerificationService;
  readonly assisted: AssistedService;

  constructor(
    readonly platform: Platform,
    readonly tree: TreeService,
    readonly registry: RegistryService,
  ) {
    this.catalogue = new CatalogueService(platform, registry);
    this.handbook = new HandbookService(platform);
    this.keys = new KeyService(platform);
    this.certificates = new CertificateService(platform, tree, registry, this.catalogue, this.handbook, this.keys);
    this.verification = new VerificationService(platform, this.keys);
    this.assisted = new AssistedService(platform, tree, registry);
    this.certificates.assisted = this.assisted;
  }
}

export function createCertificatesModule(platform: Platform, deps: { tree: TreeService; registry: RegistryService }): AppModule<CertificatesService> {
  const service = new CertificatesService(platform, deps.tree, deps.registry);
  return {
    name: 'certificates',
    service,
    routes: certificateRoutes(service),
    init: () => service.handbook.ensureDefaults(),
    start: async () => service.verification.start(),
    stop: () => service.verification.stop(),
  };
}
