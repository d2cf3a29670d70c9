// Public face of the certificates module (一键证明, 减证便民, 帮办代办). Other modules use
// CertificatesService; they never read this module's tables.
import type { Platform } from '../../platform/platform.js';
import type { AppModule } from '../../platform/module.js';
import type { RegistryService } from '../registry/index.js';
import type { TreeService } from '../tree/index.js';
import { warmUpRenderer } from './render.js';
import { certificateRoutes } from './routes.js';
import { CertificatesService } from './services.js';

export { CertificatesService } from './services.js';
export { CertificateErrors } from './errors.js';
export { starterCatalogue, nationalHandbook, type KindInput, type HandbookInput } from './defaults.js';
export { defaultRevokeCategories } from './revocation.js';
export type { CertificateOut, IssueIn as IssueInput, KindOut, HandbookOut, CheckOut, Verdict, VerdictStatus, AssistedOut, PublishedKey } from './schemas.js';
export { DEFAULT_SIGNER_ID, type Algorithm } from './signing.js';
export { decodePayload, formatStatement, parseStatement, textDigest, STATEMENT_FORMAT } from './statement.js';

/**
 * Without QC_PUBLIC_BASE_URL the QR code and the printed address point at the server's own
 * address (often 127.0.0.1): say so at start-up, in the log and in the start banner.
 */
export function publicAddressWarning(publicBaseUrl: string): { zh: string; en: string } | null {
  if (publicBaseUrl) return null;
  return {
    zh: '未设置 QC_PUBLIC_BASE_URL：打印的证明上的二维码和核验网址将指向本服务器自身的地址，居民的手机无法访问。请设置为居民可访问的公开网址（如 https://zwfw.example.gov.cn）。',
    en: 'QC_PUBLIC_BASE_URL is not set: printed certificates carry this server’s own address in their QR code and verification address, which residents cannot reach. Set it to the public address residents use (e.g. https://zwfw.example.gov.cn).',
  };
}


export function createCertificatesModule(platform: Platform, deps: { tree: TreeService; registry: RegistryService }): AppModule<CertificatesService> {
  const service = new CertificatesService(platform, deps.tree, deps.registry);
  return {
    name: 'certificates',
    service,
    routes: certificateRoutes(service),
    init: async () => {
      await service.handbook.ensureDefaults();
      await service.revocation.ensureDefaults();
    },
    start: async () => {
      service.verification.start();
      const warning = publicAddressWarning(platform.config.publicBaseUrl);
      if (warning) platform.log.warn({ setting: 'QC_PUBLIC_BASE_URL' }, warning.en);
      // The first PDF of a process pays for compiling the font subsetter and the PDF writer (about
      // a second, several on a busy machine): pay it now, not at the counter's first print.
      setImmediate(() => {
        const started = performance.now();
        warmUpRenderer()
          .then(() => platform.log.info({ ms: Math.round(performance.now() - started) }, 'certificate printing ready'))
          .catch((err: unknown) => platform.log.warn({ err }, 'certificate printing warm-up failed'));
      });
    },
    stop: () => service.verification.stop(),
  };
}
