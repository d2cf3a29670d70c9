// The reviewer's burden page (减负台账) and the register of reports taken off communities.
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../../platform/http.js';
import { tags, type ReportsApp } from './http.js';
import * as S from './schemas.js';
import type { ReportService } from './service.js';

export function burdenRoutes(app: ReportsApp, svc: ReportService): void {
  app.get('/reports/burden', {
    config: { permission: 'reports:burden' },
    schema: { tags, summary: 'The burden page: approved templates and their hand-entry minutes before and after, reports removed or merged, filings and timeliness', querystring: S.LangQuery, response: { 200: S.BurdenOut, ...errorResponses } },
  }, async (req) => svc.burden.burden(req.authed));

  app.get('/reports/cleanups', {
    config: { permission: ['reports:burden', 'reports:review'] },
    schema: { tags, summary: 'The register of reports taken off communities (removed, merged, now generated)', response: { 200: Type.Array(S.CleanupOut), ...errorResponses } },
  }, async () => svc.burden.cleanups());

  app.post('/reports/cleanups', {
    config: { permission: 'reports:review' },
    schema: { tags, summary: 'Record a report taken off communities (取消, 合并, 改由平台生成)', body: S.CleanupIn, response: { 201: S.CleanupOut, ...errorResponses } },
  }, async (req, reply) => reply.code(201).send(await svc.burden.addCleanup(req.authed, req.body)));
}
