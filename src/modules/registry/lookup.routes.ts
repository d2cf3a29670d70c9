// HTTP for a department's live look-up (实时调阅): a person found by ID number or full name within
// the department's grants, each hit logged with the purpose.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import type { ResidentService } from './residents.js';
import * as S from './schemas.js';

export function lookupRoutes(residents: ResidentService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/lookup/residents', {
      config: { permission: 'registry:lookup', personalData: { action: 'resident.lookup', entityType: 'resident' } },
      schema: {
        tags: ['departments'], summary: '实时调阅: a department finds a person by ID number or full name within its grants; each hit is logged with the purpose',
        body: S.LookupIn, response: { 200: S.LookupOut, ...errorResponses },
      },
    }, async (req) => residents.lookup(req.authed, req.body));
  };
}
