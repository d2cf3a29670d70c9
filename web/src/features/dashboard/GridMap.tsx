// The map of grids (网格地图): vector polygons from GET /api/tree/map, coloured by grid kind, with
// community outlines. No tile server is assumed: background tiles are drawn only when the server
// names one (QC_TILE_URL), so the map works on a closed government network.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { Alert, Empty, Flex, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { textNode } from '../../lib/safeHtml';
import { call } from '../../api/typed';

export const gridColours: Record<string, string> = { urban: '#1f5fbf', rural: '#3f9b3a', special: '#e07b16' };


export function GridMap({ nodeId, height, selectedId, onSelect, className }: { nodeId: number; height?: number; selectedId?: number | null; onSelect?(gridId: number, name: string): void; className?: string }) {
  const { t, tt } = useI18n();
  const { ui } = useAuth();
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layers = useRef<{ group: L.FeatureGroup; byId: Map<number, L.Path> } | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const selectedIdRef = useRef(selectedId);
  selectedIdRef.current = selectedId;
  const [state, setState] = useState<'loading' | 'ready' | 'empty' | 'error'>('loading');
  const [error, setError] = useState<string>('');

  const [mapReady, setMapReady] = useState(0);
  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, { zoomControl: true, attributionControl: Boolean(ui.tileUrl), zoomSnap: 0.25 });
    if (ui.tileUrl) L.tileLayer(ui.tileUrl, { maxZoom: 19 }).addTo(m);
    m.setView([37.87, 112.55], 11);
    map.current = m;
    setMapReady((x) => x + 1);
    return () => {
      m.remove();
      map.current = null;
      layers.current = null;
    };
  }, [ui.tileUrl]);

  // The legend follows the language without redrawing the map.
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const legend = new L.Control({ position: 'bottomleft' });
    legend.onAdd = () => {
      // Built from nodes, not HTML: the content-security policy allows no style attributes in markup.
      const div = L.DomUtil.create('div', 'qc-legend');
      const row = (label: string, swatch: Partial<CSSStyleDeclaration>) => {
        const line = L.DomUtil.create('div', '', div);
        const i = L.DomUtil.create('i', '', line);
        Object.assign(i.style, swatch);
        line.appendChild(document.createTextNode(label));
      };
      for (const k of ['urban', 'rural', 'special'] as const) row(tt(`grid_${k}`), { background: gridColours[k] });
      row(tt('level_community'), { border: '2px dashed #555', background: 'transparent', boxSizing: 'border-box' });
      return div;
    };
    legend.addTo(m);
    return () => void legend.remove();
  }, [tt, mapReady]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    let live = true;
    setState('loading');
    call.get('/api/tree/map', { query: { nodeId, levels: ['community', 'grid'] } }).then(
      (fc) => {
        if (!live || !map.current) return;
        layers.current?.group.remove();
        const byId = new Map<number, L.Path>();
        const group = L.featureGroup();
        const communities = fc.features.filter((f) => f.properties.level === 'community');
        const grids = fc.features.filter((f) => f.properties.level === 'grid');
        for (const f of communities) {
          L.geoJSON(f as GeoJSON.Feature, { style: { color: '#555', weight: 1.5, dashArray: '5 4', fill: false }, interactive: false }).addTo(group);
        }
        for (const f of grids) {
          const colour = gridColours[f.properties.kind] ?? '#888';
          const layer = L.geoJSON(f as GeoJSON.Feature, { style: { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.28 } });
          layer.eachLayer((l) => {
            const path = l as L.Path;
            byId.set(f.properties.id, path);
            // A few grids carry their names on the map; many would only cover each other.
            // Leaflet puts a string into innerHTML; a grid's name is typed by people, so it goes in as a text node.
            if (grids.length <= 8) path.bindTooltip(textNode(f.properties.name), { permanent: true, direction: 'center', className: 'qc-grid-label' });
            else path.bindTooltip(textNode(f.properties.name), { sticky: true });
            path.on('click', () => onSelectRef.current?.(f.properties.id, f.properties.name));
            path.on('mouseover', () => path.setStyle({ fillOpacity: 0.5 }));
            path.on('mouseout', () => path.setStyle({ fillOpacity: selectedIdRef.current === f.properties.id ? 0.6 : 0.28 }));
          });
          layer.addTo(group);
        }
        group.addTo(map.current);
        layers.current = { group, byId };
        if (grids.length + communities.length) {
          map.current.fitBounds(group.getBounds(), { padding: [16, 16], maxZoom: 17 });
          setState('ready');
        } else setState('empty');
      },
      (err: Error) => {
        if (!live) return;
        setError(err.message);
        setState('error');
      },
    );
    return () => {
      live = false;
    };
  }, [nodeId, mapReady]);

  useEffect(() => {
    if (!layers.current) return;
    for (const [id, path] of layers.current.byId) path.setStyle({ weight: id === selectedId ? 3 : 1.5, fillOpacity: id === selectedId ? 0.6 : 0.28 });
  }, [selectedId, state]);

  return (
    <div style={{ position: 'relative' }}>
      <div ref={el} className={className ?? 'qc-map'} style={height ? { height } : undefined} data-testid="grid-map" />
      {state === 'loading' ? (
        <Flex align="center" justify="center" style={{ position: 'absolute', inset: 0, zIndex: 500, pointerEvents: 'none' }}>
          <Spin />
        </Flex>
      ) : null}
      {state === 'empty' ? (
        <Flex align="center" justify="center" style={{ position: 'absolute', inset: 0, zIndex: 500, background: 'rgba(255,255,255,0.6)' }}>
          <Empty description={t('该辖区尚未绘制网格边界', 'No grid boundaries drawn here yet')} />
        </Flex>
      ) : null}
      {state === 'error' ? <Alert type="error" showIcon title={error} style={{ position: 'absolute', top: 8, left: 56, right: 8, zIndex: 600 }} /> : null}
      {!ui.tileUrl && state === 'ready' ? (
        <div style={{ position: 'absolute', right: 8, bottom: 8, zIndex: 500, fontSize: 11, color: 'rgba(0,0,0,0.45)', background: 'rgba(255,255,255,0.8)', padding: '2px 6px', borderRadius: 4 }}>
          {t('未配置底图，仅显示网格边界', 'No base map configured: grid outlines only')}
        </div>
      ) : null}
    </div>
  );
}
