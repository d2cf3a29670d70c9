// The home dashboard of a level (首页): resolves the node the caller asked for within its scope,
// asks each registered tile provider the caller may use for its tiles, and returns them sorted.
// A provider that fails costs its own tiles, not the page: it is logged and named in `unavailable`.
import type { Logger } from 'pino';
import type { Permission } from '../../platform/auth/roles.js';
import type { AuthedContext } from '../../platform/context.js';
import { inScope } from '../../platform/scope.js';
import type { TreeNode, TreeService } from '../tree/index.js';
import type { DashboardOut, NodeBrief } from './schemas.js';
import type { DashboardScope, TileProvider } from './tiles.js';

/** The node of a dashboard as answers give it. */
function brief(n: TreeNode): NodeBrief {
  return { id: n.id, code: n.code, name: n.name, level: n.level, kind: n.kind, path: n.path, parentId: n.parentId, centerLat: n.centerLat, centerLng: n.centerLng };
}

export class DashboardService {
  private readonly providers: TileProvider[] = [];

  constructor(
    private readonly tree: TreeService,
    private readonly log: Logger,
  ) {}

  /** Adds a module's tiles. Keys are unique; later modules call this from their factory. */
  register(provider: TileProvider): void {
    if (this.providers.some((p) => p.key === provider.key)) throw new Error(`dashboard provider ${provider.key} registered twice`);
    this.providers.push(provider);
  }

  providerKeys(): string[] {
    return this.providers.map((p) => p.key);
  }

  /**
   * The node a dashboard is drawn for: the one asked for when it lies in the caller's subtree,
   * otherwise (nothing asked, or an ancestor of the caller's node) the caller's own node. Nodes
   * outside both answer "not found", as everywhere else.
   */
  async resolveScope(ctx: AuthedContext, nodeId?: number): Promise<DashboardScope> {
    const p = ctx.principal;
    let node = await this.tree.getVisibleNode(p, nodeId ?? p.nodeId);
    if (!inScope(p, node.path)) node = await this.tree.getVisibleNode(p, p.nodeId);
    const trail = (await this.tree.trailOf(node.path)).map((n) => n.name);
    const children = node.level === 'grid' ? [] : await this.tree.children(node.id);
    return { node, trail, children, readsRegistry: p.permissions.has('registry:read') };
  }

  async build(ctx: AuthedContext, nodeId?: number): Promise<DashboardOut> {
    const scope = await this.resolveScope(ctx, nodeId);
    const perms = ctx.principal.permissions;
    const allowed = (need: TileProvider['permission']) => !need || (typeof need === 'string' ? [need] : (need as readonly Permission[])).some((x) => perms.has(x));
    const unavailable: DashboardOut['unavailable'] = [];
    const results = await Promise.all(
      this.providers
        .filter((p) => allowed(p.permission))
        .map(async (p) => {
          try {
            return await p.tiles(ctx, scope);
          } catch (err) {
            this.log.error({ err, provider: p.key, requestId: ctx.requestId }, 'dashboard provider failed');
            unavailable.push({ key: p.key, message: ctx.lang === 'en' ? 'This part of the dashboard could not be loaded' : '该部分数据暂时无法加载' });
            return [];
          }
        }),
    );
    const tiles = results.flat().sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
    return { node: brief(scope.node), trail: scope.trail, generatedAt: new Date().toISOString(), tiles, unavailable };
  }
}
