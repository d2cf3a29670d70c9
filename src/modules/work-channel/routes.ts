// HTTP for the work channel: sending tasks and following them (senders), the one inbox
// (receivers), attachments. Whistles are in whistle-routes.ts.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../platform/errors.js';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import { WorkChannelErrors as E } from './errors.js';
import type { InboxService } from './inbox.js';
import * as S from './schemas.js';
import type { TaskService } from './tasks.js';

function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function workChannelRoutes(tasks: TaskService, inbox: InboxService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['work-channel'];
    const send = { permission: 'channel:send' } as const;
    const receive = { permission: 'channel:inbox' } as const;

    app.post('/channel/tasks', {
      config: send,
      schema: {
        tags, summary: 'Send a task or notice down to streets, communities or grids. It must cite a duty item admitted for each unit’s township (DUTY_ITEM_REQUIRED, DUTY_ITEM_NOT_ADMITTED, DUTY_ITEM_TAKEN_BACK, DUTY_ITEM_OUTSIDE_REMIT, DUTY_LISTS_UNAVAILABLE); the deadline counts working days',
        body: S.NewTaskIn, response: { 201: S.TaskOut, ...errorResponses },
      },
    }, async (req, reply) => reply.code(201).send(await tasks.send(req.authed, req.body)));

    app.get('/channel/tasks', {
      config: send,
      schema: { tags, summary: 'Tasks sent from the caller’s unit, newest first, with progress per task', querystring: S.TaskQuery, response: { 200: S.TaskPage, ...errorResponses } },
    }, async (req) => tasks.listSent(req.authed, req.query));

    app.get('/channel/tasks/:id', {
      config: send,
      schema: { tags, summary: 'One sent task with each unit’s receipt: delivered, read, done (with the result), reminders', params: IdParam, response: { 200: S.TaskDetail, ...errorResponses } },
    }, async (req) => tasks.sentDetail(req.authed, req.params.id));

    app.post('/channel/tasks/:id/withdraw', {
      config: send,
      schema: { tags, summary: 'Withdraw a task sent by mistake: open receipts close with the reason, reminders stop (CHANNEL_TASK_CANCELLED when already withdrawn)', params: IdParam, body: S.WithdrawIn, response: { 200: S.TaskDetail, ...errorResponses } },
    }, async (req) => tasks.withdraw(req.authed, req.params.id, req.body.reason));

    app.post('/channel/attachments', {
      config: send,
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) (req as { body: unknown }).body = {};
      },
      schema: {
        tags, summary: 'Upload an attachment (multipart field "file", at most the server’s upload limit); attach it by id when sending the task',
        consumes: ['multipart/form-data'], body: Type.Object({ file: Type.Optional(Type.String({ format: 'binary' })) }), response: { 201: S.AttachmentOut, 413: Type.Ref('ErrorBody'), ...errorResponses },
      },
    }, async (req, reply) => {
      if (!req.isMultipart()) throw new AppError(E.CHANNEL_ATTACHMENT_MISSING, {}, 'file');
      const part = await req.file();
      if (!part) throw new AppError(E.CHANNEL_ATTACHMENT_MISSING, {}, 'file');
      return reply.code(201).send(await tasks.upload(req.authed, { filename: part.filename, stream: part.file }));
    });

    app.get('/channel/attachments/:id', {
      config: { permission: ['channel:send', 'channel:inbox'] },
      schema: { tags, summary: 'Download an attachment (its uploader, the task’s senders, or a receiving unit in the caller’s area)', params: IdParam, produces: ['application/octet-stream'], response: { 200: Type.Unknown({ description: 'The file' }), ...errorResponses } },
    }, async (req, reply) => {
      const f = await tasks.attachment(req.authed, req.params.id);
      return reply.header('content-type', 'application/octet-stream').header('content-disposition', attachmentHeader(f.fileName)).header('content-length', String(f.size)).send(f.stream);
    });

    app.get('/channel/inbox', {
      config: receive,
      schema: {
        tags, summary: 'The one inbox of the caller’s unit and the units below it: tasks and notices from every sender, reports due, stale base data; open first, nearest deadline first',
        querystring: S.InboxQuery, response: { 200: S.InboxPage, ...errorResponses },
      },
    }, async (req) => inbox.list(req.authed, req.query));

    app.get('/channel/inbox/:id', {
      config: receive,
      schema: { tags, summary: 'One inbox item with the task’s text, attachments and reminders', params: IdParam, response: { 200: S.InboxDetail, ...errorResponses } },
    }, async (req) => inbox.detail(req.authed, req.params.id));

    app.post('/channel/inbox/:id/read', {
      config: receive,
      schema: { tags, summary: 'The read receipt (a notice is done once read)', params: IdParam, response: { 200: S.InboxDetail, ...errorResponses } },
    }, async (req) => inbox.markRead(req.authed, req.params.id));

    app.post('/channel/inbox/:id/done', {
      config: receive,
      schema: { tags, summary: 'Done, with what was done (required for a task: CHANNEL_RESULT_REQUIRED)', params: IdParam, body: S.DoneIn, response: { 200: S.InboxDetail, ...errorResponses } },
    }, async (req) => inbox.markDone(req.authed, req.params.id, req.body));
  };
}
