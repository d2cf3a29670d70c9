// Public face of the base-data module (基础数据). Other modules use RegistryService; they never
// read the registry's tables directly, except through the report sources it publishes.
import { sql } from 'drizzle-orm';
import type { Platform } from '../../platform/platform.js';
import { queryRows } from '../../db/client.js';
import type { AppModule } from '../../platform/module.js';
import type { TreeService } from '../tree/index.js';
import './events.js';
import { registryRoutes } from './routes.js';
import { registryParts, RegistryService, TAIL_INDEX_JOB } from './service.js';

// The service others call, and its ports: imports (ImportPort), look-ups (LookupPort), proposals.
export { RegistryService, type RegistryCounts } from './service.js';
export type { ImportPort, ImportBatch, ImportRowWrite, ImportBatchResult, ImportProposal } from './imports.js';
export type { LookupPort } from './lookups.js';
export { RegistryErrors } from './errors.js';
// The contract's types other modules and the web name.
export type { ResidentFilter, ResidentAddress, ProposalOut, GrantOut, StaleCounts } from './schemas.js';
export { fieldDef, fieldsOf, type FieldDef } from './fields.js';
export { codeTables, defaultLabels } from './codes.js';
export { recordKinds, type RecordKind, type LabelRules } from './tables.js';
export { checkIdNumber, checkPhone, idCheckChar, creditCheckChar, maskIdNumber, maskPhone, ageOn } from './validation.js';
export { ReportSources, dateParams, type ReportSource, type ReportField, type ReportDates, type DateParams, type GrantNeed, type DrillKind, type DrillRow } from './reporting.js';
export { residencyProbeEntry, type RecordOut, type RecordAccess } from './store.js';
export type { BulkRecord } from './bulk.js';
export type { RecordListFilter } from './matching.js';
export { assertNoNumberInUrl } from './residents.js';
export { houseAddress } from './address.js';
export { labelRuleWarnings } from './labels.js';

export function createRegistryModule(platform: Platform, deps: { tree: TreeService }): AppModule<RegistryService> {
  const parts = registryParts(platform, deps.tree);
  const service = new RegistryService(platform, parts);
  service.wire(platform);
  platform.jobs.handle(TAIL_INDEX_JOB, async () => {
    const n = await service.backfillTailIndexes();
    if (n) platform.log.info({ rows: n }, 'tail indexes of ID numbers and phones filled');
  });
  return {
    name: 'registry',
    service,
    routes: registryRoutes(parts),
    async init() {
      await service.ensureDefaults();
      // Residents stored before the tail indexes existed get them in the background (a partial
      // index makes this check free once they are all filled).
      const pending = await queryRows(platform.db, sql`SELECT 1 FROM resident WHERE (id_number_enc IS NOT NULL AND id_number_tail_hash IS NULL) OR (phone_enc IS NOT NULL AND phone_tail_hash IS NULL) LIMIT 1`);
      if (pending.length) await platform.jobs.enqueue(platform.db, TAIL_INDEX_JOB, {}, { dedupeKey: TAIL_INDEX_JOB });
    },
  };
}
