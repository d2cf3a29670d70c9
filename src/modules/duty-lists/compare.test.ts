import { describe, expect, it } from 'vitest';
import { compareSnapshots, nameKey, similarity } from './compare.js';
import type { SnapshotItem } from './tables.js';

const item = (id: number, over: Partial<SnapshotItem> = {}): SnapshotItem => ({
  id, listKind: 'basic', seq: id, name: `事项${id}`, category: '党的建设', basis: null, carrier: '党政办', departmentId: null, departmentName: null, cooperation: null, communityInvolved: false, catalogueItemId: null, ...over,
});

describe('comparing list states', () => {
  it('finds added, removed and changed items by id, with each changed field', () => {
    const from = [item(1), item(2), item(3)];
    const to = [item(1), item(3, { listKind: 'taken_back', carrier: '区住建局' }), item(4)];
    const c = compareSnapshots(from, to);
    expect(c.added.map((i) => i.id)).toEqual([4]);
    expect(c.removed.map((i) => i.id)).toEqual([2]);
    expect(c.unchanged).toBe(1);
    expect(c.changed).toEqual([{ id: 3, name: '事项3', listKind: 'taken_back', fromListKind: 'basic', changes: [{ field: 'listKind', from: 'basic', to: 'taken_back' }, { field: 'carrier', from: '党政办', to: '区住建局' }] }]);
  });

  it('a reordering alone is no change', () => {
    expect(compareSnapshots([item(1, { seq: 1 })], [item(1, { seq: 9 })]).changed).toEqual([]);
  });
});

describe('names', () => {
  it('folds spaces, punctuation and width', () => {
    expect(nameKey(' 社区居民自治（指导） ')).toBe(nameKey('社区居民自治指导'));
    expect(nameKey('ＡＢＣ 工作')).toBe('abc工作');
  });

  it('scores the same work high and other work low', () => {
    expect(similarity('违法建设拆除', '违法建设 拆除')).toBe(1);
    expect(similarity('安全生产检查', '安全生产检查配合工作')).toBeGreaterThanOrEqual(0.8);
    expect(similarity('基层党组织建设', '城市生活垃圾分类')).toBeLessThan(0.3);
  });
});
