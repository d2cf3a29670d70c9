// English of the catalogue and handbook the platform ships (defaults.ts), served beside the
// Chinese as `en`. A text an administrator has since changed is their own words: its English is
// no longer known, so it is served only while the stored Chinese is still the shipped one (field
// by field), and the web shows the Chinese, marked as user data, otherwise.
import { nationalHandbook, starterCatalogue, type HandbookInput, type KindInput } from './defaults.js';
import type { HandbookEnglish, KindEnglish } from './schemas.js';

export type { HandbookEnglish, KindEnglish } from './schemas.js';

const PROCESS = 'The resident (or someone they authorise) applies with an identity document at the community service centre; the worker checks the conditions against base data, issues the certificate on the spot with an electronic seal and a QR code when they are met, and explains at once why when they are not.';
const ID = 'The resident’s identity card or another valid identity document';
const PROXY = 'Someone acting for the resident also brings their own identity document and the authorisation';
const NOTICE = 'Annex to the Guidance on improving and regulating certificates issued by grassroots self-governing organisations (Ministry of Civil Affairs and five other departments, 2020 No. 20): list of certificates they should not issue (first batch).';

const kinds: Record<string, KindEnglish> = {
  residence: {
    title: 'Certificate of residence',
    basis: 'Organic Law of Urban Residents’ Committees, Article 3, and Organic Law of Villagers’ Committees, Article 2; Interim Regulations on Residence Permits (State Council Decree No. 663), Article 2 (six months of residence); the city’s list of certificates residents’ and villagers’ committees issue.',
    purpose: 'Shows that the resident actually lives in the community: for a residence permit when no lease or title deed can show it, a child’s school enrolment, social insurance and housing fund matters that ask where one lives.',
    process: PROCESS,
    materials: [ID, PROXY],
  },
  kinship_household: {
    title: 'Certificate of kinship within a household',
    basis: 'Notice 2020 No. 20 removed kinship certificates from what committees issue (the police issue those the household register shows); the city’s list keeps one case: two people registered in the community’s base data as one household whose recorded relation to the head states their relation directly.',
    purpose: 'Shows that spouses, parents and children, or siblings living in one household are related, for acting on each other’s behalf in social insurance, medical insurance and elderly-care allowances.',
    process: PROCESS,
    materials: ['Both people’s identity documents', 'The household register (hukou booklet)', PROXY],
  },
  living_alone: {
    title: 'Certificate of living alone',
    basis: 'Law on the Protection of the Rights and Interests of the Elderly; the city’s care services and elderly-care allowances for elderly people living alone; the city’s list of certificates committees issue.',
    purpose: 'Shows that an elderly person lives alone, to apply for care visits, meal and bathing help, emergency call devices and elderly-care allowances.',
    process: PROCESS,
    materials: [ID, PROXY],
  },
  hardship: {
    title: 'Certificate of recognised hardship',
    basis: 'Interim Measures for Social Assistance (State Council Decree No. 649). Civil affairs recognise minimum-allowance and extreme-poverty support, the disabled persons’ federation recognises disability; this certificate only restates what those departments recorded in base data, and the community recognises nothing itself.',
    purpose: 'Tells schools, hospitals, legal aid and charities of a hardship the departments have recognised, to apply for fee waivers, assistance and support.',
    process: PROCESS,
    materials: [ID, PROXY],
  },
  left_behind_child: {
    title: 'Certificate of a left-behind child',
    basis: 'State Council opinions on care and protection of rural left-behind children (2016 No. 13); committees help identify left-behind children and support them; the city’s list of certificates committees issue.',
    purpose: 'Shows that a child is registered in the village (community) as a rural left-behind child, so that schools and child-protection bodies can help.',
    process: PROCESS,
    materials: ['The child’s household register or identity document', 'The guardian’s identity document'],
  },
};

const handbook: Record<string, HandbookEnglish> = {
  kinship: {
    title: 'Certificate of kinship',
    authority: 'The police (when the household register shows it); a notary office (when it does not: notarised kinship)',
    place: 'The household-register window of the police station where the household is registered; the local notary office',
    contact: 'Police station register window; public legal services hotline 12348; government services hotline 12345',
    materials: ['Both people’s identity cards and household registers', 'When the register cannot show it: birth certificates, marriage certificate, archive records or other papers that show the relation'],
    onlineHow: 'Notarised kinship can be booked and the papers sent on the local notary office’s online platform; in some places the police online services accept applications for register certificates',
    notes: 'Two people registered in the community’s base data as one household whose recorded relation states it directly (spouses, parents and children, siblings) can still get the community’s “Certificate of kinship within a household”.',
  },
  identity_info: {
    title: 'Certificate of identity information',
    authority: 'The police',
    place: 'The household-register window of the police station where the household is registered',
    contact: 'Police station register window; government services hotline 12345',
    materials: ['Identity card', 'Household register'],
    notes: 'Identity is what the identity card and household register say; where a written certificate is needed (a former name, being the same person), the police station of the register issues it.',
  },
  hukou_change: {
    title: 'Certificate for changing household register entries',
    authority: 'The police',
    place: 'The household-register window of the police station where the household is registered',
    contact: 'Police station register window; government services hotline 12345',
    materials: ['Identity card and household register', 'Original papers showing the right entry (birth certificate, school records, marriage certificate …)'],
    notes: 'A name, birth date or ethnicity in the register is changed or corrected at the police station with the original papers; no community certificate is needed.',
  },
  dog: {
    title: 'Certificate for keeping a dog',
    authority: 'The police or the dog-registration office the city names',
    place: 'The police station of the place of residence or the dog-registration window',
    contact: 'Government services hotline 12345',
    materials: ['Identity card', 'Proof of address', 'The dog’s rabies vaccination certificate'],
    notes: 'Register the dog under the city’s dog-keeping rules.',
  },
  no_criminal_record: {
    title: 'Certificate of no criminal record',
    authority: 'The police',
    place: 'The police station of the household register or of residence',
    contact: 'Police station register window; government services hotline 12345',
    materials: ['Identity card', 'Household register or residence permit', 'When someone else applies: the authorisation and their identity card'],
    onlineHow: 'Apply on the Ministry of Public Security’s online services or the province’s police online services, and download the electronic certificate once checked',
    notes: 'The community issues no certificates of “good conduct” or “no offences”.',
  },
  drug_rehab: {
    title: 'Certificate for people in community drug treatment and rehabilitation (conduct)',
    authority: 'The community drug treatment and rehabilitation office of the township government or street office',
    place: 'The street (township) drug control office or community rehabilitation station',
    contact: 'Street (township) drug control office',
    materials: ['Identity card', 'Community drug treatment (rehabilitation) agreement'],
  },
  missing_person: {
    title: 'Certificate of a missing person',
    authority: 'The people’s court (declaration of disappearance); the police (report receipt, search results)',
    place: 'The basic people’s court of the missing person’s domicile; the police that took the report',
    contact: 'Public legal services hotline 12348; police 110',
    materials: ['The application', 'A written statement by the police or another body that the person is missing', 'The applicant’s identity document and proof of relation to the missing person'],
    notes: 'When a person has been missing for two years, an interested party may ask the people’s court to declare them missing.',
  },
  marital_status: {
    title: 'Certificate of marital status',
    authority: 'The marriage registry (civil affairs)',
    place: 'The marriage registry of the county (district) civil affairs bureau',
    contact: 'Marriage registry; government services hotline 12345',
    materials: ['Identity card', 'Household register'],
    notes: 'Married or divorced: the marriage or divorce certificate, or the registry’s records; to state that one is unmarried or not remarried, a written declaration of one’s own (a pledge) is usually enough.',
  },
  birth: {
    title: 'Birth certificate',
    authority: 'The hospital that attended the birth (health authorities)',
    place: 'The hospital of the birth; a lost certificate is reissued by the hospital that issued it',
    contact: 'Health hotline 12320; the issuing hospital',
    materials: ['The parents’ identity documents', 'The record of the hospital birth'],
    notes: 'The birth certificate is the Medical Certificate of Birth, issued by the attending hospital.',
  },
  alive: {
    title: 'Certificate of being alive',
    authority: 'Human resources and social security (pension eligibility checks); abroad, a Chinese embassy or consulate or a notary',
    place: 'A social insurance office; or a self-check on a mobile phone',
    contact: 'Human resources and social security hotline 12333',
    materials: ['Identity card or social security card'],
    onlineHow: 'Confirm pension eligibility by face recognition on the national social insurance public service platform, the 12333 app or the electronic social security card',
    notes: 'For elderly people who cannot get about, the grid worker can come and help with the face check (assisted service).',
  },
  death: {
    title: 'Death certificate',
    authority: 'Medical institutions (medical certificate of death, or of presumed death); for an unnatural death, the police',
    place: 'The medical institution that treated the person or presumed the death; for an unnatural death, the police that handled it',
    contact: 'Health hotline 12320; police 110',
    materials: ['The deceased’s identity document', 'The identity document of the person reporting'],
    notes: 'For a natural death at home, the primary health institution of the area investigates and issues the medical certificate of presumed death.',
  },
  illness: {
    title: 'Certificate of illness',
    authority: 'Medical institutions',
    place: 'The hospital that treated the patient',
    contact: 'Health hotline 12320',
    materials: ['Identity card', 'Medical records and test reports'],
    notes: 'The treating hospital issues a diagnosis certificate.',
  },
  disability: {
    title: 'Certificate of disability',
    authority: 'The disabled persons’ federation (the Disability Certificate of the People’s Republic of China)',
    place: 'The county (district) disabled persons’ federation of the household register',
    contact: 'County (district) disabled persons’ federation; government services hotline 12345',
    materials: ['Identity card and household register', 'A recent photo', 'The disability assessment of a designated hospital'],
    onlineHow: 'In some places the disability certificate can be applied for and the grade looked up on the government services platform',
    notes: 'Whoever holds a disability certificate shows that.',
  },
  childbearing: {
    title: 'Certificate of marriage and childbearing status',
    authority: 'Health authorities',
    place: 'The health window of the township (street) of the household register or of residence',
    contact: 'Health hotline 12320',
    materials: ['Both spouses’ identity documents', 'Marriage certificate'],
    onlineHow: 'Birth registration is online in most places: submit it on the province’s government services platform with one’s own pledge',
  },
  employment: {
    title: 'Certificate of employment status',
    authority: 'Human resources and social security (public employment services)',
    place: 'The street (township) labour office or the county public employment service',
    contact: 'Human resources and social security hotline 12333',
    materials: ['Identity card or social security card'],
    onlineHow: 'Look up and print one’s employment and unemployment registration on the electronic social security card, the 12333 app or the province’s online services',
    notes: 'The employer certifies that someone works there.',
  },
  personal_file: {
    title: 'Certificate of a personal file',
    authority: 'The body keeping the file (public employment and talent services, the employer’s personnel office, a school …)',
    place: 'The body where one’s file is kept',
    contact: 'The body keeping the file',
    materials: ['Identity card'],
  },
  property: {
    title: 'Certificate of property',
    authority: 'The real estate registry (housing); the bank (savings); traffic police (vehicles)',
    place: 'The real estate registration centre; the bank branch; the vehicle administration office',
    contact: 'Government services hotline 12345',
    materials: ['Identity card'],
    onlineHow: 'Real estate records can be looked up on the local real estate registry’s online services; some banks issue savings certificates in their mobile apps',
    notes: 'The community issues no certificates of housing, savings, income or “owning no home”.',
  },
  inheritance: {
    title: 'Certificate of the right to inherit',
    authority: 'A notary office (notarised inheritance); the people’s court (disputes over inheritance)',
    place: 'The local notary office; the people’s court of the deceased’s domicile or where the estate lies',
    contact: 'Public legal services hotline 12348',
    materials: ['The death certificate of the deceased', 'The heirs’ identity documents', 'Papers showing kinship', 'Proof of title to the estate'],
    notes: 'Inherited real estate can be registered at the real estate registry directly with the papers; no community certificate is needed.',
  },
  business_address: {
    title: 'Certificate of a business’s address',
    authority: 'Market regulation',
    place: 'The market regulation window of the county government services centre',
    contact: 'Government services hotline 12345',
    materials: ['Title deed or lease', 'A declaration and pledge of the address (place of business)'],
    onlineHow: 'Register a business on the province’s one-stop online platform; the address is declared under a pledge',
    notes: 'A registered address or place of business needs no community certificate.',
  },
  lost_document: {
    title: 'Certificate of a lost document',
    authority: 'The body that issued the document',
    place: 'The issuing body (for an identity card, the police station of the household register)',
    contact: 'The issuing body; government services hotline 12345',
    materials: ['Identity card or another identity document', 'The application for a replacement'],
    onlineHow: 'Identity cards and other documents can be reported lost and replaced on the government services platform in some places; a notice of loss can be published online by oneself',
    notes: 'Report a lost document to its issuing body and ask for a replacement; no community certificate is needed.',
  },
  hardship_unrecognised: {
    title: 'Certificate of family financial hardship (not recognised by a department)',
    authority: 'The street office or township government (social assistance); schools decide student aid',
    place: 'The social assistance window of the street (township); the student aid office of the school',
    contact: 'Government services hotline 12345',
    materials: ['Identity card and household register', 'A statement of the family’s income and property'],
    notes: 'The community can only restate a minimum allowance, extreme-poverty support or disability civil affairs or the disabled persons’ federation have recognised (see “Certificate of recognised hardship”); without one, apply to the street (township) for the minimum allowance or temporary assistance; student aid works on one’s own pledge and needs no community certificate.',
  },
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The English of a catalogue entry's texts that are still as shipped. */
export function kindEnglish(v: { kindCode: string; title: string; basis: string; purpose: string; process: string; materials: string[] }): KindEnglish | null {
  const en = kinds[v.kindCode];
  const zh: KindInput | undefined = starterCatalogue.find((k) => k.code === v.kindCode);
  if (!en || !zh) return null;
  return {
    title: v.title === zh.title ? en.title : undefined,
    basis: v.basis === zh.basis ? en.basis : undefined,
    purpose: v.purpose === zh.purpose ? en.purpose : undefined,
    process: v.process === zh.process ? en.process : undefined,
    materials: same(v.materials, zh.materials) ? en.materials : undefined,
  };
}

/** The English of a handbook entry's texts that are still as shipped. */
export function handbookEnglish(e: { code: string; title: string; authority: string; place: string; contact: string; materials: string[]; onlineHow?: string | null; basis: string; notes?: string | null }): HandbookEnglish | null {
  const en = handbook[e.code];
  const zh: HandbookInput | undefined = nationalHandbook.find((h) => h.code === e.code);
  if (!en || !zh) return null;
  return {
    title: e.title === zh.title ? en.title : undefined,
    authority: e.authority === zh.authority ? en.authority : undefined,
    place: e.place === zh.place ? en.place : undefined,
    contact: e.contact === zh.contact ? en.contact : undefined,
    materials: same(e.materials, zh.materials) ? en.materials : undefined,
    onlineHow: e.onlineHow && e.onlineHow === zh.onlineHow ? en.onlineHow : undefined,
    basis: e.basis === zh.basis ? (zh.basis === nationalHandbook[0]!.basis ? NOTICE : 'Interim Measures for Social Assistance (State Council Decree No. 649); Guidance on identifying students from families in financial hardship (Ministry of Education and five other departments, 2018 No. 16).') : undefined,
    notes: e.notes && e.notes === zh.notes ? en.notes : undefined,
  };
}

/** Every shipped entry has its English (checked by the catalogue test). */
export const shippedEnglish = { kinds, handbook };
