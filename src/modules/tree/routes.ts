// HTTP for the administrative tree: navigate it, see a grid's party organisation and chain of
// responsibility, draw the map, and (for street staff and admins) move or split grids. Thin: each
// route names its permission and schemas and hands the typed context to the service.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../platform/http.js';
import { IdParam } from '../../platform/schemas.js';
import * as S from './schemas.js';
import type { TreeService } from './service.js';

export function treeRoutes(tree: TreeService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['tree'];
    const read = { permission: 'tree:read' } as const;
    const manage = { permission: 'tree:manage' } as const;

    app.get('/tree/home', {
      config: read,
      schema: { tags, summary: "The caller's own node, its ancestors (breadcrumb) and its children", response: { 200: S.NodeView, ...errorResponses } },
    }, async (req) => tree.view(req.authed));

    app.get('/tree/nodes/:id', {
      config: read,
      schema: { tags, summary: 'One node with its breadcrumb and children (own subtree or ancestors only)', params: IdParam, querystring: S.NodeQuery, response: { 200: S.NodeView, ...errorResponses } },
    }, async (req) => tree.view(req.authed, req.params.id, req.query));

    app.get('/tree/nodes/:id/history', {
      config: read,
      schema: { tags, summary: 'Every state the node has had: codes, parents and paths with effective dates', params: IdParam, response: { 200: Type.Array(S.NodeHistoryEntry), ...errorResponses } },
    }, async (req) => tree.nodeHistory(req.authed, req.params.id));

    app.get('/tree/search', {
      config: read,
      schema: { tags, summary: 'Find streets, communities and grids by name or code within the caller’s subtree', querystring: S.SearchQuery, response: { 200: Type.Array(S.SearchHit), ...errorResponses } },
    }, async (req) => tree.find(req.authed, req.query.q, req.query.limit));

    app.get('/tree/map', {
      config: read,
      schema: { tags, summary: 'GeoJSON polygons of grids (and communities) under a node in the caller’s subtree', querystring: S.MapQuery, response: { 200: S.GridMap, ...errorResponses } },
    }, async (req) => tree.mapFor(req.authed, req.query));

    app.get('/tree/grids/:id', {
      config: read,
      schema: { tags, summary: 'A grid with its party organisation (网格党组织) and chain of responsibility (三级四长)', params: IdParam, response: { 200: S.GridDetail, ...errorResponses } },
    }, async (req) => tree.gridView(req.authed, req.params.id));

    app.put('/tree/grids/:id/party-org', {
      config: manage,
      schema: { tags, summary: 'Set the grid’s party organisation', params: IdParam, body: S.PartyOrgIn, response: { 204: Type.Null(), ...errorResponses } },
    }, async (req, reply) => {
      await tree.setPartyOrg(req.params.id, req.body, req.authed);
      return reply.code(204).send(null);
    });

    app.put('/tree/grids/:id/leaders', {
      config: manage,
      schema: { tags, summary: 'Replace the grid’s chain of responsibility (三级四长)', params: IdParam, body: S.LeadersIn, response: { 204: Type.Null(), ...errorResponses } },
    }, async (req, reply) => {
      await tree.setLeaders(req.params.id, req.body.leaders, req.authed);
      return reply.code(204).send(null);
    });

    app.post('/tree/nodes', {
      config: manage,
      schema: { tags, summary: 'Add a community/village or a grid (local edits: the statistics bureau stopped publishing village codes in 2024)', body: S.NewNodeIn, response: { 201: S.NodeOut, ...errorResponses } },
    }, async (req, reply) => reply.code(201).send(await tree.addNode(req.authed, req.body)));

    app.post('/tree/grids/:id/move', {
      config: manage,
      schema: { tags, summary: 'Move a grid under another community from a date (history kept; records follow)', params: IdParam, body: S.MoveGridIn, response: { 200: S.NodeOut, ...errorResponses } },
    }, async (req) => tree.out(await tree.moveGrid(req.params.id, req.body.communityId, req.body.effectiveDate, req.body.reason, req.authed)));

    app.post('/tree/grids/:id/split', {
      config: manage,
      schema: { tags, summary: 'Split a grid into successors from a date; each part may name the buildings it takes', params: IdParam, body: S.SplitGridIn, response: { 200: Type.Array(S.NodeOut), ...errorResponses } },
    }, async (req) => (await tree.splitGrid(req.params.id, req.body.parts, req.body.effectiveDate, req.body.reason, req.authed)).map((n) => tree.out(n)));

    app.get('/departments', {
      config: read,
      schema: { tags: ['departments'], summary: 'Departments whose jurisdiction overlaps the caller’s subtree', response: { 200: Type.Array(S.DepartmentOut), ...errorResponses } },
    }, async (req) => tree.departmentsFor(req.authed));
  };
}
