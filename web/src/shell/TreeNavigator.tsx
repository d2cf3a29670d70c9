// The tree as a navigator: search by name or code, the branch above the current place, its
// children, and the whole subtree the user may see, opened level by level.
import { ApartmentOutlined, EnvironmentOutlined, RightOutlined, SearchOutlined } from '@ant-design/icons';
import { AutoComplete, Breadcrumb, Button, Drawer, Empty, Flex, Input, Spin, Tag, Tree, Typography } from 'antd';
import type { DataNode, EventDataNode } from 'antd/es/tree';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { NodeView, TreeNode } from '../api/types';
import { call, type ResponseOf } from '../api/typed';
import { useI18n } from '../i18n';
import { useMobile } from '../hooks/useMobile';
import { usePlace } from './PlaceContext';
import { levelTerm, nodeView, toPlace } from './tree';
import { UserText } from '../components/UserText';

type SearchHit = ResponseOf<'/api/tree/search'>[number];

/** Search box over the user's subtree (names, or codes when digits are typed). */
export function NodeSearch({ onPick, autoFocus }: { onPick(n: SearchHit): void; autoFocus?: boolean }) {
  const { t, tt } = useI18n();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    window.clearTimeout(timer.current);
    const term = q.trim();
    if (!term) {
      setHits([]);
      return;
    }
    timer.current = window.setTimeout(() => {
      setBusy(true);
      call.get('/api/tree/search', { query: { q: term, limit: 20 } }).then(
        (r) => {
          setHits(r);
          setBusy(false);
        },
        () => {
          setHits([]);
          setBusy(false);
        },
      );
    }, 250);
    return () => window.clearTimeout(timer.current);
  }, [q]);

  return (
    <AutoComplete
      value={q}
      onChange={setQ}
      style={{ width: '100%' }}
      onSelect={(_v, opt) => {
        const hit = hits.find((h) => String(h.id) === String((opt as { key?: string }).key));
        if (hit) onPick(hit);
        setQ('');
      }}
      options={hits.map((h) => ({
        key: String(h.id),
        value: `${h.name} ${h.code}`,
        label: (
          <Flex vertical>
            <span>
              <UserText>{h.name}</UserText> <Tag style={{ marginInlineStart: 4 }}>{tt(levelTerm(h.level))}</Tag>
            </span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <UserText>{h.trail.slice(1, -1).join(' / ')}</UserText> · {h.code}
            </Typography.Text>
          </Flex>
        ),
      }))}
      notFoundContent={q.trim() && !busy ? t('没有找到', 'Nothing found') : null}
    >
      <Input prefix={<SearchOutlined />} placeholder={t('搜索街道、社区、网格（名称或代码）', 'Find a street, community or grid (name or code)')} allowClear autoFocus={autoFocus} data-testid="tree-search" />
    </AutoComplete>
  );
}

/** The whole visible subtree, loaded a level at a time. */
function FullTree({ onPick }: { onPick(n: TreeNode): void }) {
  const { home, place } = usePlace();
  const { tt } = useI18n();
  const [treeData, setTreeData] = useState<DataNode[]>([]);
  const nodes = useRef(new Map<number, TreeNode>());

  const toData = (n: TreeNode): DataNode => {
    nodes.current.set(n.id, n);
    return {
      key: n.id,
      title: (
        <span>
          <UserText>{n.name}</UserText> <Typography.Text type="secondary" style={{ fontSize: 12 }}>{tt(levelTerm(n.level))}</Typography.Text>
        </span>
      ),
      isLeaf: n.level === 'grid',
    };
  };

  useEffect(() => {
    if (!home) return;
    nodeView(home.id).then((v) => setTreeData([{ ...toData(v.node), children: v.children.map(toData) }]), () => setTreeData([]));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [home?.id]);

  const load = async (node: EventDataNode<DataNode>) => {
    if (node.children) return;
    const v = await nodeView(Number(node.key));
    const kids = v.children.map(toData);
    const attach = (list: DataNode[]): DataNode[] => list.map((d) => (d.key === node.key ? { ...d, children: kids } : d.children ? { ...d, children: attach(d.children) } : d));
    setTreeData((old) => attach(old));
  };

  if (!treeData.length) return <Spin />;
  return (
    <Tree
      treeData={treeData}
      loadData={load}
      defaultExpandedKeys={home ? [home.id] : []}
      selectedKeys={place ? [place.id] : []}
      onSelect={(keys) => {
        const n = nodes.current.get(Number(keys[0]));
        if (n) onPick(n);
      }}
      blockNode
    />
  );
}

/** Breadcrumb, children and search for the current place; on phones, all of it in a drawer. */
export function PlaceBar() {
  const { t, tt } = useI18n();
  const mobile = useMobile();
  const { place, home, setPlace } = usePlace();
  const [view, setView] = useState<NodeView | null>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!place) return;
    let live = true;
    nodeView(place.id).then((v) => live && setView(v), () => live && setView(null));
    return () => {
      live = false;
    };
  }, [place?.id]);

  const pick = (n: Pick<TreeNode, 'id' | 'name' | 'level' | 'path'>) => {
    setPlace(toPlace(n));
    setOpen(false);
  };

  const crumbs = useMemo(() => {
    if (!view || !home) return [];
    return [...view.ancestors, view.node].map((n) => {
      const mine = n.path.startsWith(home.path);
      const current = n.id === view.node.id;
      return {
        key: n.id,
        title: mine && !current ? (
          <a onClick={() => pick(n)} data-testid={`crumb-${n.id}`}>
            <UserText>{n.name}</UserText>
          </a>
        ) : (
          <span className={current ? 'qc-crumb-current' : 'qc-crumb-above'}><UserText>{n.name}</UserText></span>
        ),
      };
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, home]);

  const children = view?.children ?? [];
  const drawer = (
    <Drawer title={t('选择辖区', 'Choose a place')} open={open} onClose={() => setOpen(false)} size={mobile ? '100%' : 420} placement={mobile ? 'bottom' : 'right'} destroyOnHidden>
      <Flex vertical gap={16}>
        <NodeSearch onPick={pick} />
        {view ? (
          <div>
            <Typography.Text type="secondary">{t('当前位置', 'You are at')}</Typography.Text>
            <Breadcrumb items={crumbs} style={{ marginTop: 4 }} />
          </div>
        ) : null}
        {children.length ? (
          <div>
            <Typography.Text type="secondary">{t('下级', 'Below')}</Typography.Text>
            <Flex wrap gap={8} style={{ marginTop: 6 }}>
              {children.map((c) => (
                <Button key={c.id} onClick={() => pick(c)} data-testid={`child-${c.id}`}>
                  <UserText>{c.name}</UserText>
                </Button>
              ))}
            </Flex>
          </div>
        ) : null}
        <div>
          <Typography.Text type="secondary">{t('全部辖区', 'Whole area')}</Typography.Text>
          <div style={{ marginTop: 6 }}>
            <FullTree onPick={pick} />
          </div>
        </div>
      </Flex>
    </Drawer>
  );

  if (!place) return null;
  if (mobile) {
    return (
      <>
        <Button type="text" icon={<EnvironmentOutlined />} onClick={() => setOpen(true)} className="qc-place-mobile" data-testid="place-button">
          <span className="qc-ellipsis"><UserText>{place.name}</UserText></span>
        </Button>
        {drawer}
      </>
    );
  }
  return (
    <Flex align="center" gap={12} className="qc-placebar" data-testid="placebar">
      <EnvironmentOutlined style={{ color: '#1f5fbf' }} />
      <Breadcrumb items={crumbs} separator={<RightOutlined style={{ fontSize: 10 }} />} />
      <Tag color="blue" style={{ marginInlineEnd: 0 }}>
        {tt(levelTerm(place.level))}
      </Tag>
      {children.length ? (
        <Flex gap={4} wrap className="qc-children" data-testid="place-children">
          {children.slice(0, 6).map((c) => (
            <Button key={c.id} size="small" type="dashed" onClick={() => pick(c)} data-testid={`child-${c.id}`}>
              <UserText>{c.name}</UserText>
            </Button>
          ))}
          {children.length > 6 ? (
            <Button size="small" type="link" onClick={() => setOpen(true)}>
              {t('全部 {n} 个下级…', 'all {n} below…', { n: children.length })}
            </Button>
          ) : null}
        </Flex>
      ) : null}
      <span style={{ flex: 1 }} />
      <Button size="small" icon={<ApartmentOutlined />} onClick={() => setOpen(true)} data-testid="open-tree">
        {t('辖区树', 'Tree')}
      </Button>
      {drawer}
    </Flex>
  );
}

export function EmptyPlace() {
  const { t } = useI18n();
  return <Empty description={t('您的账号未挂在辖区节点上', 'Your account is not placed on the tree')} />;
}
