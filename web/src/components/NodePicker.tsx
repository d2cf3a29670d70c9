// Choosing a node of the tree in a form (the grid a record belongs to, the node an account hangs
// on): a tree select that opens level by level from the user's own node or a given root.
import { TreeSelect } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import type { TreeLevel, TreeNode } from '../api/types';
import { useI18n } from '../i18n';
import { usePlace } from '../shell/PlaceContext';
import { levelTerm, nodeView } from '../shell/tree';
import { UserText } from './UserText';

interface Item {
  id: number;
  pId: number | null;
  value: number;
  title: ReactNode;
  /** What a typed search matches (the name as written). */
  search: string;
  isLeaf: boolean;
  selectable: boolean;
}

export function NodePicker({ value, onChange, levels, rootId, placeholder, disabled, testId, stopAt }: { value?: number | null; onChange?(v: number | null, node?: TreeNode): void; levels: TreeLevel[]; rootId?: number; placeholder?: string; disabled?: boolean; testId?: string; stopAt?: TreeLevel }) {
  const { t, tt } = useI18n();
  const { place, home } = usePlace();
  const root = rootId ?? place?.id ?? home?.id;
  const [items, setItems] = useState<Item[]>([]);
  const [nodes] = useState(() => new Map<number, TreeNode>());
  const order: TreeLevel[] = ['city', 'district', 'street', 'community', 'grid'];
  const leafLevel = stopAt ?? levels.reduce<TreeLevel>((a, l) => (order.indexOf(l) > order.indexOf(a) ? l : a), levels[0] ?? 'grid');

  const toItem = (n: TreeNode, pId: number | null): Item => {
    nodes.set(n.id, n);
    return { id: n.id, pId, value: n.id, search: n.name, title: <><UserText>{n.name}</UserText>{levels.length > 1 ? t('（{l}）', ' ({l})', { l: tt(levelTerm(n.level)) }) : ''}</>, isLeaf: n.level === leafLevel || n.level === 'grid', selectable: levels.includes(n.level) };
  };

  useEffect(() => {
    if (!root) return;
    let live = true;
    nodeView(root).then(
      (v) => {
        if (!live) return;
        const own = toItem(v.node, null);
        setItems(v.node.level === leafLevel ? [own] : [own, ...v.children.map((c) => toItem(c, v.node.id))]);
      },
      () => live && setItems([]),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [root, leafLevel, tt]);

  // Make sure a value chosen earlier (e.g. the record's current grid) shows its name.
  useEffect(() => {
    if (!value || items.some((i) => i.id === value)) return;
    nodeView(value).then(
      (v) => setItems((old) => (old.some((i) => i.id === value) ? old : [...old, toItem(v.node, old.some((i) => i.id === v.node.parentId) ? v.node.parentId : null)])),
      () => undefined,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, items.length]);

  // Ant Design passes the clicked tree node (a LegacyDataNode); ours carry their id.
  const loadData = async (node: object) => {
    const id = 'id' in node && typeof node.id === 'number' ? node.id : undefined;
    if (!id) return;
    const v = await nodeView(id);
    setItems((old) => {
      const have = new Set(old.map((i) => i.id));
      return [...old, ...v.children.filter((c) => !have.has(c.id)).map((c) => toItem(c, id))];
    });
  };

  return (
    <TreeSelect
      treeDataSimpleMode
      treeData={items}
      loadData={loadData}
      value={value ?? undefined}
      onChange={(v) => onChange?.((v as number | undefined) ?? null, v ? nodes.get(v as number) : undefined)}
      placeholder={placeholder}
      disabled={disabled}
      allowClear
      showSearch={{ treeNodeFilterProp: 'search' }}
      treeDefaultExpandedKeys={root ? [root] : []}
      style={{ width: '100%' }}
      popupMatchSelectWidth={false}
      data-testid={testId}
    />
  );
}
