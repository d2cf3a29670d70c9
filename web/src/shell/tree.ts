import { call } from '../api/typed';
import type { NodeView, TreeLevel, TreeNode } from '../api/types';
import type { Place } from './PlaceContext';

export const levelTerm = (level: TreeLevel) => `level_${level}` as const;

export function toPlace(n: Pick<TreeNode, 'id' | 'name' | 'level' | 'path'>): Place {
  return { id: n.id, name: n.name, level: n.level, path: n.path };
}

const views = new Map<number, Promise<NodeView>>();

/** One node with its ancestors and children, cached for the session (the tree changes rarely). */
export function nodeView(id: number): Promise<NodeView> {
  let p = views.get(id);
  if (!p) {
    p = call.get('/api/tree/nodes/{id}', { path: { id } }).catch((err) => {
      views.delete(id);
      throw err;
    });
    views.set(id, p);
  }
  return p;
}

export function forgetNodeViews(): void {
  views.clear();
}
