// HTTP for base data (基础数据), one file per resource: residents, the other record kinds, visits
// and the to-do list, labels and field policies, grants, a department's look-up, label
// proposals; here the field catalogue and the refusal audit they share.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyTypeProviderDefault } from 'fastify';
import { auditRefusals } from '../../platform/refusals.js';
import { codeTables } from './codes.js';
import { recordFields } from './fields.js';
import { freshnessRoutes } from './freshness.routes.js';
import { grantRoutes } from './grants.routes.js';
import { labelRoutes } from './labels.routes.js';
import { lookupRoutes } from './lookup.routes.js';
import { proposalRoutes } from './proposals.routes.js';
import { recordRoutes } from './records.routes.js';
import { residentRoutes } from './residents.routes.js';
import * as S from './schemas.js';
import type { RegistryParts } from './service.js';

/** The field catalogue of every kind and the code tables, as forms, grants, imports and templates read them. */
export function catalogue(): S.CatalogueOut {
  return {
    kinds: Object.fromEntries(
      Object.entries(recordFields).map(([k, defs]) => [k, defs.map((d) => ({ key: d.key, zh: d.zh, en: d.en, type: d.type, personal: Boolean(d.personal), secret: d.secret ?? null, required: Boolean(d.required), system: Boolean(d.system || d.derived), codes: d.codes }))]),
    ),
    codeTables,
  };
}

export function registryRoutes(parts: RegistryParts): FastifyPluginAsyncTypebox {
  const { store, residents, records, labels, freshness, grants, proposals } = parts;
  return async (app) => {
    // Refused reads of personal data (403, 404) leave a denied audit row (routes declare personalData).
    auditRefusals(app.withTypeProvider<FastifyTypeProviderDefault>(), { audit: store.platform.audit, db: store.db });

    app.get('/registry/catalogue', {
      config: { authenticated: true },
      schema: { tags: ['registry'], summary: 'The field catalogue of every record kind and the national code tables (for forms, grants, imports and report templates)', response: { 200: S.CatalogueOut } },
    }, async () => catalogue());

    await app.register(residentRoutes(residents, records, store));
    await app.register(lookupRoutes(residents));
    await app.register(freshnessRoutes(freshness, records));
    await app.register(recordRoutes(records));
    await app.register(labelRoutes(labels, freshness));
    await app.register(grantRoutes(grants));
    await app.register(proposalRoutes(proposals));
  };
}
