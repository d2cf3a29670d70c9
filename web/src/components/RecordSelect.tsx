// Choosing a related record in a form (a resident's household or house, a house's building, a
// household's head): type to search within the record's grid, see names rather than ids.
import { Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { RecordKind } from '../api/types';
import { call, type ResponseOf } from '../api/typed';
import { useI18n } from '../i18n';
import { UserText } from '../components/UserText';

/** A record as the server answers it (a resident is one too): common columns, then its kind's fields. */
type RecordOut = ResponseOf<'/api/records/{kind}/{id}'>;

export function recordTitle(kind: RecordKind, r: RecordOut, t: (zh: string, en: string, p?: Record<string, string | number>) => string): string {
  switch (kind) {
    case 'household':
      return t('户号 {no}', 'Household {no}', { no: String(r.householdNo ?? r.id) });
    case 'house':
      return [r.unitNo ? t('{u} 单元', 'entrance {u}', { u: String(r.unitNo) }) : '', String(r.roomNo ?? r.id)].filter(Boolean).join(' ');
    case 'resident':
      return `${String(r.name ?? r.id)}${r.age !== undefined ? t('（{a} 岁）', ' ({a})', { a: Number(r.age) }) : ''}`;
    default:
      return String(r.name ?? r.id);
  }
}

export function RecordSelect({ kind, value, onChange, gridId, placeholder, testId }: { kind: RecordKind; value?: number | null; onChange?(v: number | null): void; gridId?: number | null; placeholder?: string; testId?: string }) {
  const { t } = useI18n();
  // Records, not labels: a label is made when drawn, so it follows the language (a name with its
  // age reads "周卫（74 岁）" or "周卫 (74)" as the switch says, not as it said when searched).
  const [options, setOptions] = useState<{ value: number; record: RecordOut | null }[]>([]);
  const [loading, setLoading] = useState(false);
  const timer = useRef<number | undefined>(undefined);

  const search = (q: string) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      setLoading(true);
      // Residents are searched in a request body: a number typed here never goes into a URL.
      const found: Promise<{ items: RecordOut[] }> =
        kind === 'resident' && q.trim()
          ? call.post('/api/residents/search', { body: { q: q.trim(), gridId: gridId ?? undefined, limit: 30 } })
          : kind === 'resident'
            ? call.get('/api/residents', { query: { q: q.trim() || undefined, gridId: gridId ?? undefined, limit: 30, offset: 0 } })
            : call.get('/api/records/{kind}', { path: { kind }, query: { q: q.trim() || undefined, gridId: gridId ?? undefined, limit: 30, offset: 0 } });
      found.then(
        (r) => {
          setOptions((old) => {
            const chosen = old.filter((o) => o.value === value);
            const fresh = r.items.map((i) => ({ value: i.id, record: i }));
            return [...chosen.filter((c) => !fresh.some((f) => f.value === c.value)), ...fresh];
          });
          setLoading(false);
        },
        () => setLoading(false),
      );
    }, 250);
  };

  useEffect(() => {
    search('');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [gridId, kind]);

  useEffect(() => {
    if (!value || options.some((o) => o.value === value)) return;
    const one: Promise<RecordOut> = kind === 'resident' ? call.get('/api/residents/{id}', { path: { id: value } }).then((c) => c.resident) : call.get('/api/records/{kind}/{id}', { path: { kind, id: value } });
    one.then(
      (r) => setOptions((old) => (old.some((o) => o.value === value) ? old : [{ value, record: r }, ...old])),
      () => setOptions((old) => [{ value, record: null }, ...old]),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  return (
    <Select
      value={value ?? undefined}
      onChange={(v) => onChange?.((v as number | undefined) ?? null)}
      options={options.map((o) => ({ value: o.value, label: o.record ? <UserText>{recordTitle(kind, o.record, t)}</UserText> : `#${o.value}` }))}
      showSearch={{ filterOption: false, onSearch: search }}
      allowClear
      loading={loading}
      placeholder={placeholder ?? t('输入以搜索', 'Type to search')}
      notFoundContent={loading ? null : t('没有找到', 'Nothing found')}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}
