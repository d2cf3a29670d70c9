// Shapes of the certificates API, taken from the generated contract (src/modules/certificates/
// schemas.ts through /api/openapi.json): the catalogue and handbook carry their English beside
// the Chinese as the server sends it (`en`), so no text or shape is restated here.
import type { ResponseOf } from '../../api/typed';

export type CertificateKind = ResponseOf<'/api/certificates/kinds'>[number];
export type Precondition = CertificateKind['preconditions'][number];
export type KindEnglish = NonNullable<CertificateKind['en']>;
export type HandbookEntry = ResponseOf<'/api/certificates/handbook'>[number];
export type HandbookEnglish = NonNullable<HandbookEntry['en']>;
export type CheckOutcome = ResponseOf<'/api/certificates/check', 'post'>;
export type CheckItem = CheckOutcome['checks'][number];
export type Certificate = ResponseOf<'/api/certificates/{id}'>;
export type CertState = Certificate['state'];
export type Verdict = ResponseOf<'/api/public/certificates/verify'>;
export type VerdictStatus = Verdict['status'];
export type AssistedRequest = ResponseOf<'/api/assisted'>['items'][number];
export type AssistedDetail = ResponseOf<'/api/assisted/{id}'>;
export type AssistedStats = ResponseOf<'/api/assisted/stats'>;
export type RevokeCategory = ResponseOf<'/api/certificates/revoke-categories'>[number];
export type Meta = ResponseOf<'/api/certificates/meta'>;
export type PublishedKey = ResponseOf<'/api/public/certificates/keys'>['keys'][number];
