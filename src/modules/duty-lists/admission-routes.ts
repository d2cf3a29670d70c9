// HTTP for admission (准入): departments apply and see the check; reviewers admit or refuse.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import * as S from './schemas.js';
import type { DutyListsService } from './service.js';

export function admissionRoutes(service: DutyListsService): FastifyPluginAsyncTypebox {
  const a = service.admissions;
  return async (app) => {
    const tags = ['duty-admission'];
    app.post('/duty-admissions/check', {
      config: { permission: 'duty:apply' },
      schema: { tags, summary: 'Check an application against the lists without filing it: the findings a reviewer would see', body: S.AdmissionIn, response: { 200: S.CheckOut, ...errorResponses } },
    }, async (req) => a.check(req.authed, req.body));

    app.post('/duty-admissions', {
      config: { permission: 'duty:apply' },
      schema: { tags, summary: 'File an application to push work down to townships or communities; refused when it repeats one of the department’s own, or names units outside its jurisdiction', body: S.AdmissionIn, response: { 201: S.AdmissionOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await a.apply(req.authed, req.body)));

    app.get('/duty-admissions', {
      config: { permission: 'duty:read' },
      schema: { tags, summary: 'Applications the caller may see (a department: its own; a reviewer: those in its area; a street: those reaching it)', querystring: S.AdmissionQuery, response: { 200: S.AdmissionPage, ...errorResponses } },
    }, async (req) => a.list(req.authed, req.query));

    app.get('/duty-admissions/:id', {
      config: { permission: 'duty:read' },
      schema: { tags, summary: 'One application; a pending one is checked again against today’s lists', params: IdParam, response: { 200: S.AdmissionOut, ...errorResponses } },
    }, async (req) => a.get(req.authed, req.params.id));

    app.post('/duty-admissions/:id/decide', {
      config: { permission: 'duty:review' },
      schema: { tags, summary: 'Admit (the item joins each township’s lists as a new version) or refuse, with a reason', params: IdParam, body: S.DecideAdmissionIn, response: { 200: S.AdmissionOut, ...errorResponses } },
    }, async (req) => a.decide(req.authed, req.params.id, req.body));
  };
}
