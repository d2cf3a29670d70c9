// HTTP for the administrative tree: navigate it, see a grid's party organisation and chain of
// responsibility, draw the map, and (for street staff and admins) move or split grids.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, IdParam, StrictObject } from '../../platform/http.js';
import type { TreeService, TreeNode } from './service.js';
import { gridLeaderTiers, nodeKinds, specialGridKinds, treeLevels } from './tables.js';

const NodeOut = Type.Object({
  id: Type.Integer(),
  code: Type.String({ description: 'GB/T 2260 / statistics-bureau / GB/T 30428.1 code' }),
  name: Type.String(),
  level: Type.String({ enum: [...treeLevels] }),
  kind: Type.String(),
  specialKind: Type.Union([Type.String(), Type.Null()]),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  path: Type.String(),
  districtCode: Type.Union([Type.String(), Type.Null()]),
  centerLat: Type.Union([Type.Number(), Type.Null()]),
  centerLng: Type.Union([Type.Number(), Type.Null()]),
  validFrom: Type.String(),
  validTo: Type.Union([Type.String(), Type.Null()]),
  hasChildren: Type.Optional(Type.Boolean()),
});

function out(n: TreeNode) {
  return {
    id: n.id, code: n.code, name: n.name, level: n.level, kind: n.kind, specialKind: n.specialKind, parentId: n.parentId, path: n.path, districtCode: n.districtCode,
    centerLat: n.centerLat, centerLng: n.centerLng, validFrom: n.validFrom, validTo: n.validTo, hasChildren: n.level !== 'grid',
  };
}

const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const GeoJsonGeometry = Type.Object({ type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]), coordinates: Type.Array(Type.Unknown()) }, { additionalProperties: false });

export function treeRoutes(tree: TreeService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['tree'];

    app.get(
      '/tree/home',
      {
        config: { permission: 'tree:read' },
        schema: { tags, summary: "The caller's own node, its ancestors (breadcrumb) and its children", response: { 200: Type.Object({ node: NodeOut, ancestors: Type.Array(NodeOut), children: Type.Array(NodeOut) }), ...errorResponses } },
      },
      async (req) => {
        const p = req.ctx.principal!;
        const node = await tree.getVisibleNode(p, p.nodeId);
        const ancestors = (await tree.trailOf(node.path)).filter((a) => a.id !== node.id);
        return { node: out(node), ancestors: ancestors.map(out), children: (await tree.children(node.id)).map(out) };
      },
    );

    app.get(
      '/tree/nodes/:id',
      {
        config: { permission: 'tree:read' },
        schema: { tags, summary: 'One node with its breadcrumb and children (own subtree or ancestors only)', params: IdParam, querystring: StrictObject({ includeRetired: Type.Optional(Type.Boolean()) }), response: { 200: Type.Object({ node: NodeOut, ancestors: Type.Array(NodeOut), children: Type.Array(NodeOut) }), ...errorResponses } },
      },
      async (req) => {
        const p = req.ctx.principal!;
        const node = await tree.getVisibleNode(p, req.params.id);
        const ancestors = (await tree.trailOf(node.path)).filter((a) => a.id !== node.id);
        // An ancestor of the caller's node shows only the branch leading to the caller, not its siblings.
        const children = node.path.startsWith(p.treePath) ? await tree.children(node.id, req.query.includeRetired) : (await tree.children(node.id)).filter((c) => p.treePath.startsWith(c.path));
        return { node: out(node), ancestors: ancestors.map(out), children: children.map(out) };
      },
    );

    app.get(
      '/tree/nodes/:id/history',
      {
        config: { permission: 'tree:read' },
        schema: {
          tags, summary: 'Every state the node has had: codes, parents and paths with effective dates', params: IdParam,
          response: { 200: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), parentId: Type.Union([Type.Integer(), Type.Null()]), path: Type.String(), validFrom: Type.String(), validTo: Type.Union([Type.String(), Type.Null()]), change: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), relatedNodeIds: Type.Union([Type.Array(Type.Integer()), Type.Null()]) })), ...errorResponses },
        },
      },
      async (req) => {
        await tree.getVisibleNode(req.ctx.principal!, req.params.id);
        return tree.history(req.params.id);
      },
    );

    app.get(
      '/tree/search',
      {
        config: { permission: 'tree:read' },
        schema: { tags, summary: 'Find streets, communities and grids by name or code within the caller’s subtree', querystring: StrictObject({ q: Type.String({ minLength: 1, maxLength: 40 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }), response: { 200: Type.Array(Type.Intersect([NodeOut, Type.Object({ trail: Type.Array(Type.String()) })])), ...errorResponses } },
      },
      async (req) => (await tree.search(req.ctx.principal!, req.query.q, req.query.limit)).map((n) => ({ ...out(n), trail: n.trail })),
    );

    app.get(
      '/tree/map',
      {
        config: { permission: 'tree:read' },
        schema: {
          tags, summary: 'GeoJSON polygons of grids (and communities) under a node in the caller’s subtree',
          querystring: StrictObject({ nodeId: Type.Optional(Type.Integer({ minimum: 1 })), levels: Type.Optional(Type.Array(Type.String({ enum: ['community', 'grid'] }), { maxItems: 2 })) }),
          response: { 200: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) }), ...errorResponses },
        },
      },
      async (req) => {
        const p = req.ctx.principal!;
        const node = await tree.getVisibleNode(p, req.query.nodeId ?? p.nodeId);
        const root = node.path.startsWith(p.treePath) ? node.path : p.treePath;
        return tree.geojson(root, (req.query.levels as ('community' | 'grid')[] | undefined) ?? ['grid']);
      },
    );

    app.get(
      '/tree/grids/:id',
      {
        config: { permission: 'tree:read' },
        schema: {
          tags, summary: 'A grid with its party organisation (网格党组织) and chain of responsibility (三级四长)', params: IdParam,
          response: { 200: Type.Object({ grid: NodeOut, partyOrg: Type.Union([Type.Object({ name: Type.String(), orgType: Type.String(), secretaryName: Type.Union([Type.String(), Type.Null()]), memberCount: Type.Integer(), establishedOn: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]), leaders: Type.Array(Type.Object({ tier: Type.String(), personName: Type.String(), title: Type.Union([Type.String(), Type.Null()]), userId: Type.Union([Type.Integer(), Type.Null()]), since: Type.Union([Type.String(), Type.Null()]) })) }), ...errorResponses },
        },
      },
      async (req) => {
        const d = await tree.gridDetail(req.ctx.principal!, req.params.id);
        return { grid: out(d.grid), partyOrg: d.partyOrg, leaders: d.leaders };
      },
    );

    app.put(
      '/tree/grids/:id/party-org',
      {
        config: { permission: 'tree:manage' },
        schema: {
          tags, summary: 'Set the grid’s party organisation', params: IdParam,
          body: StrictObject({ name: Type.String({ minLength: 2, maxLength: 100 }), orgType: Type.Optional(Type.String({ enum: ['branch', 'group', 'joint_branch'] })), secretaryName: Type.Optional(Type.String({ maxLength: 40 })), memberCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })), establishedOn: Type.Optional(DateString) }),
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        await tree.setPartyOrg(req.params.id, req.body, req.ctx);
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/tree/grids/:id/leaders',
      {
        config: { permission: 'tree:manage' },
        schema: {
          tags, summary: 'Replace the grid’s chain of responsibility (三级四长)', params: IdParam,
          body: StrictObject({ leaders: Type.Array(StrictObject({ tier: Type.String({ enum: [...gridLeaderTiers] }), personName: Type.String({ minLength: 1, maxLength: 40 }), title: Type.Optional(Type.String({ maxLength: 60 })), userId: Type.Optional(Type.Integer({ minimum: 1 })), since: Type.Optional(DateString) }), { maxItems: 20 }) }),
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        await tree.setLeaders(req.params.id, req.body.leaders as never, req.ctx);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/tree/nodes',
      {
        config: { permission: 'tree:manage' },
        schema: {
          tags, summary: 'Add a community/village or a grid (local edits: the statistics bureau stopped publishing village codes in 2024)',
          body: StrictObject({
            parentId: Type.Integer({ minimum: 1 }), level: Type.String({ enum: ['street', 'community', 'grid'] }), code: Type.String({ pattern: '^[0-9]{9,15}$' }), name: Type.String({ minLength: 2, maxLength: 60 }),
            kind: Type.Optional(Type.String({ enum: [...nodeKinds.community, ...nodeKinds.grid, ...nodeKinds.street] })), specialKind: Type.Optional(Type.String({ enum: [...specialGridKinds] })), boundary: Type.Optional(GeoJsonGeometry),
            validFrom: Type.Optional(DateString),
          }),
          response: { 201: NodeOut, ...errorResponses },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const node = await tree.createNode({ parentId: b.parentId, level: b.level as never, code: b.code, name: b.name, kind: b.kind as never, specialKind: b.specialKind ?? null, boundary: b.boundary, validFrom: b.validFrom }, req.ctx);
        return reply.code(201).send(out(node));
      },
    );

    app.post(
      '/tree/grids/:id/move',
      {
        config: { permission: 'tree:manage' },
        schema: {
          tags, summary: 'Move a grid under another community from a date (history kept; records follow)', params: IdParam,
          body: StrictObject({ communityId: Type.Integer({ minimum: 1 }), effectiveDate: DateString, reason: Type.String({ minLength: 2, maxLength: 500 }) }),
          response: { 200: NodeOut, ...errorResponses },
        },
      },
      async (req) => out(await tree.moveGrid(req.params.id, req.body.communityId, req.body.effectiveDate, req.body.reason, req.ctx)),
    );

    app.post(
      '/tree/grids/:id/split',
      {
        config: { permission: 'tree:manage' },
        schema: {
          tags, summary: 'Split a grid into successors from a date; each part may name the buildings it takes', params: IdParam,
          body: StrictObject({
            effectiveDate: DateString, reason: Type.String({ minLength: 2, maxLength: 500 }),
            parts: Type.Array(StrictObject({ name: Type.String({ minLength: 2, maxLength: 60 }), kind: Type.Optional(Type.String({ enum: [...nodeKinds.grid] })), specialKind: Type.Optional(Type.String({ enum: [...specialGridKinds] })), boundary: Type.Optional(GeoJsonGeometry), buildingIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 5000 })) }), { minItems: 2, maxItems: 10 }),
          }),
          response: { 200: Type.Array(NodeOut), ...errorResponses },
        },
      },
      async (req) => (await tree.splitGrid(req.params.id, req.body.parts as never, req.body.effectiveDate, req.body.reason, req.ctx)).map(out),
    );

    app.get(
      '/departments',
      {
        config: { permission: 'tree:read' },
        schema: { tags: ['departments'], summary: 'Departments whose jurisdiction overlaps the caller’s subtree', response: { 200: Type.Array(Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), shortName: Type.String(), nodeId: Type.Integer() })), ...errorResponses } },
      },
      async (req) => (await tree.listDepartments(req.ctx.principal!)).map((d) => ({ id: d.id, code: d.code, name: d.name, shortName: d.shortName, nodeId: d.nodeId })),
    );
  };
}
