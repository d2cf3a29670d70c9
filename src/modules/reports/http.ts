// What the reports route files share: the instance they register on, the tag, the readers of
// templates, and how a file is sent.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';

/** The instance a reports plugin registers its routes on. */
export type ReportsApp = Parameters<FastifyPluginAsyncTypebox>[0];

export const tags = ['reports'];
/** Anyone who works with reports may read the catalogue and the templates. */
export const anyReports = ['reports:read', 'reports:draft', 'reports:review', 'reports:submit'] as const;

/** Sends an export as a download named in UTF-8. */
export function sendFile(reply: FastifyReply, file: { body: Buffer | string; type: string; name: string }) {
  return reply
    .header('content-type', file.type)
    .header('content-disposition', `attachment; filename="report.${file.name.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .send(file.body);
}
