// Custom dashboard tile renderers, by tile key. Features declare them (Feature.tiles) and the
// feature list registers them here at start-up; the dashboard looks them up without importing the
// feature list (which imports the dashboard: that would be a loop).
import type { ComponentType } from 'react';
import type { TileProps } from '../features/types';

const renderers = new Map<string, ComponentType<TileProps>>();

export function registerTileRenderers(tiles: Record<string, ComponentType<TileProps>> | undefined): void {
  for (const [key, component] of Object.entries(tiles ?? {})) renderers.set(key, component);
}

export function tileRenderer(key: string): ComponentType<TileProps> | undefined {
  return renderers.get(key);
}
