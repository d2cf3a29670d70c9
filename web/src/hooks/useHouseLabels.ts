// Houses are known to people by building and room ("1号楼 1单元 101"), not by number: this
// resolves house ids to that label, a few at a time and remembered for the session.
import { useEffect, useState } from 'react';
import { call, type ResponseOf } from '../api/typed';
import { useI18n } from '../i18n';

type RecordOut = ResponseOf<'/api/records/{kind}/{id}'>;

const houses = new Map<number, Promise<RecordOut | null>>();
const buildings = new Map<number, Promise<RecordOut | null>>();
const one = (cache: Map<number, Promise<RecordOut | null>>, kind: 'house' | 'building', id: number) => {
  let p = cache.get(id);
  if (!p) {
    p = call.get('/api/records/{kind}/{id}', { path: { kind, id } }).catch(() => null);
    cache.set(id, p);
  }
  return p;
};

export function useHouseLabels(ids: number[]): Map<number, string> {
  const { t } = useI18n();
  const [labels, setLabels] = useState(new Map<number, string>());
  const key = [...new Set(ids)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    const list = key.split(',').map(Number);
    void Promise.all(
      list.map(async (id) => {
        const h = await one(houses, 'house', id);
        if (!h) return [id, `#${id}`] as const;
        const b = h.buildingId ? await one(buildings, 'building', Number(h.buildingId)) : null;
        return [id, [b?.name ? String(b.name) : null, h.unitNo ? t('{u} 单元', 'entrance {u}', { u: String(h.unitNo) }) : null, String(h.roomNo ?? id)].filter(Boolean).join(' ')] as const;
      }),
    ).then((pairs) => live && setLabels(new Map(pairs)));
    return () => {
      live = false;
    };
  }, [key, t]);
  return labels;
}
