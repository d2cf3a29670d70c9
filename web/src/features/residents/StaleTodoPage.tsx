// 待维护: the to-do list of records whose review is overdue (定期维护), most overdue first. Made
// for a grid worker's phone: tap a person, record the visit that confirms their record, and they
// leave the list. Houses, buildings and shops are confirmed with one button.
import { CheckOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Drawer, Empty, Flex, Segmented, Skeleton, Statistic, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import type { RecordKind } from '../../api/types';
import { call, type PathOf, type QueryOf, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { MaskedValue, useFields } from '../../components/fields';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useHouseLabels } from '../../hooks/useHouseLabels';
import { useMobile } from '../../hooks/useMobile';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { AddressMismatch } from './AddressCheck';
import { VisitForm } from './VisitForm';
import { UserText } from '../../components/UserText';

const PAGE = 50;

type StaleItem = ResponseOf<'/api/stale'>['items'][number];
type StaleKind = NonNullable<QueryOf<'/api/stale'>['kind']>;
type ConfirmKind = PathOf<'/api/records/{kind}/{id}/confirm', 'post'>['kind'];

interface Group {
  kind: RecordKind;
  id: number;
  label: string;
  gridName: string;
  items: StaleItem[];
  daysOverdue: number;
}

function groupItems(items: StaleItem[]): Group[] {
  const map = new Map<string, Group>();
  for (const i of items) {
    const key = `${i.recordKind}:${i.recordId}`;
    // The server names the kind a plain string; it is one of the record kinds.
    const g = map.get(key) ?? { kind: i.recordKind as RecordKind, id: i.recordId, label: i.label, gridName: i.gridName, items: [], daysOverdue: 0 };
    g.items.push(i);
    g.daysOverdue = Math.max(g.daysOverdue, i.daysOverdue);
    map.set(key, g);
  }
  return [...map.values()];
}

export default function StaleTodoPage() {
  const { t, tt, tn, list } = useI18n();
  const mobile = useMobile();
  const { place } = usePlace();
  const { message } = App.useApp();
  const [kind, setKind] = useState<'all' | StaleKind>('all');
  const [items, setItems] = useState<StaleItem[]>([]);
  const [total, setTotal] = useState(0);
  const [more, setMore] = useState(false);
  const [open, setOpen] = useState<Group | null>(null);
  const summary = useApi((signal) => call.get('/api/stale/summary', { query: { nodeId: place?.id }, signal }), [place?.id]);
  const first = useApi((signal) => call.get('/api/stale', { query: { nodeId: place?.id, kind: kind === 'all' ? undefined : kind, limit: PAGE, offset: 0 }, signal }), [place?.id, kind]);

  // A new place or kind empties the list at once, so nobody taps an item of the old one.
  useEffect(() => {
    setItems([]);
    setTotal(0);
  }, [place?.id, kind]);

  useEffect(() => {
    if (first.data) {
      setItems(first.data.items);
      setTotal(first.data.total);
    }
  }, [first.data]);

  const loadMore = async () => {
    setMore(true);
    try {
      const r = await call.get('/api/stale', { query: { nodeId: place?.id, kind: kind === 'all' ? undefined : kind, limit: PAGE, offset: items.length } });
      setItems((old) => [...old, ...r.items]);
      setTotal(r.total);
    } catch (err) {
      message.error((err as ApiError).message);
    } finally {
      setMore(false);
    }
  };

  const groups = useMemo(() => groupItems(items), [items]);
  // A room number alone does not tell a grid worker where to go: name the building too.
  const houseLabels = useHouseLabels(groups.filter((g) => g.kind === 'house').map((g) => g.id));
  // A visit that confirmed nothing leaves the record on the list: it is still unchecked.
  const done = (g: Group, text: string, cleared = true) => {
    if (cleared) {
      setItems((old) => old.filter((i) => !(i.recordKind === g.kind && i.recordId === g.id)));
      setTotal((n) => Math.max(0, n - g.items.length));
    }
    setOpen(null);
    message.success(text);
    summary.reload();
  };

  return (
    <div data-testid="stale-page">
      <PageHeader title={t('待维护', 'Due for review')} subtitle={tn('{p} · 信息超过维护周期未核实的记录，逾期最久的在前', '{p} · records not checked within their review period, most overdue first', { p: <UserText>{place?.name}</UserText> })} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex gap={24} wrap>
          <Statistic title={t('逾期项', 'Overdue reviews')} value={summary.data?.overdue ?? '—'} styles={{ content: { color: (summary.data?.overdue ?? 0) > 0 ? '#cf1322' : undefined } }} />
          <Statistic title={t('涉及记录', 'Records')} value={summary.data?.records ?? '—'} />
          <Statistic title={t('7 天内到期', 'Due within 7 days')} value={summary.data?.dueIn7Days ?? '—'} styles={{ content: { color: '#d48806' } }} />
        </Flex>
      </Card>
      <Segmented
        block={mobile}
        value={kind}
        onChange={(v) => setKind(v as 'all' | StaleKind)}
        options={[
          { value: 'all', label: t('全部', 'All') },
          { value: 'resident', label: tt('kind_resident') },
          { value: 'household', label: tt('kind_household') },
          { value: 'house', label: tt('kind_house') },
          ...(mobile ? [] : [{ value: 'organisation', label: tt('kind_organisation') }, { value: 'facility', label: tt('kind_facility') }]),
        ]}
        style={{ marginBottom: 12 }}
        data-testid="stale-kind"
      />
      <ErrorAlert error={first.error} onRetry={first.reload} style={{ marginBottom: 12 }} />
      {first.loading && !items.length ? <Skeleton active /> : null}
      {!first.loading && !groups.length && !first.error ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('没有逾期未维护的记录，辛苦了！', 'Nothing overdue. Well done!')} /> : null}
      <Flex vertical gap={8} data-testid="stale-list">
        {groups.map((g) => (
          <div key={`${g.kind}-${g.id}`} className="qc-todo-item" onClick={() => setOpen(g)} data-testid={`stale-${g.kind}-${g.id}`} role="button">
            <div className="qc-todo-main">
              <div className="qc-todo-title">
                <UserText>{(g.kind === 'house' ? houseLabels.get(g.id) : null) ?? (g.label || `#${g.id}`)}</UserText> <Tag style={{ fontWeight: 400, marginInlineStart: 4 }}>{tt(`kind_${g.kind}` as 'kind_resident')}</Tag>
              </div>
              <div className="qc-todo-sub">
                {list(g.items.map((i) => i.policyName))} · <UserText>{g.gridName}</UserText>
              </div>
            </div>
            <div className="qc-todo-badge">
              {g.items.some((i) => i.problem === 'address_mismatch') ? (
                <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid="stale-address-mismatch">
                  {t('地址不一致', 'Address differs')}
                </Tag>
              ) : (
                <Tag color={g.daysOverdue > 30 ? 'red' : 'orange'} style={{ marginInlineEnd: 0 }}>
                  {t('逾期 {d} 天', '{d} days', { d: g.daysOverdue })}
                </Tag>
              )}
            </div>
            <RightOutlined style={{ color: 'rgba(0,0,0,0.3)' }} />
          </div>
        ))}
      </Flex>
      {items.length < total ? (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Button onClick={loadMore} loading={more}>
            {t('加载更多（还有 {n} 项）', 'Load more ({n} left)', { n: total - items.length })}
          </Button>
        </Flex>
      ) : null}
      <Drawer open={open !== null} onClose={() => setOpen(null)} placement={mobile ? 'bottom' : 'right'} size={mobile ? '88%' : 460} title={open ? open.label || `#${open.id}` : ''} destroyOnHidden data-testid="stale-drawer">
        {open ? <StaleDetail group={open} onDone={(text, cleared) => done(open, text, cleared)} /> : null}
      </Drawer>
    </div>
  );
}

function StaleDetail({ group, onDone }: { group: Group; onDone(text: string, cleared?: boolean): void }) {
  const { t, tt } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { text } = useFields();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const card = useApi((signal) => (group.kind === 'resident' ? call.get('/api/residents/{id}', { path: { id: group.id }, signal }) : Promise.resolve(null)), [group.kind, group.id]);

  const confirm = async (kind: ConfirmKind) => {
    setBusy(true);
    try {
      await call.post('/api/records/{kind}/{id}/confirm', { path: { kind, id: group.id } });
      onDone(t('已确认信息无误', 'Confirmed as right'));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const due = (
    <Flex vertical gap={4} style={{ marginBottom: 12 }}>
      {group.items.filter((i) => !i.problem).map((i) => (
        <Flex key={i.policyId} justify="space-between">
          <span>{i.policyName}</span>
          <Typography.Text type="danger">{t('逾期 {d} 天', '{d} days overdue', { d: i.daysOverdue })}</Typography.Text>
        </Flex>
      ))}
    </Flex>
  );

  if (group.kind === 'resident') {
    const c = card.data;
    return (
      <div>
        {card.error ? <Alert type="error" showIcon title={card.error.message} /> : null}
        {!c && !card.error ? <Skeleton active /> : null}
        {c ? (
          <>
            <AddressMismatch card={c} announce={false} onFixed={() => onDone(t('已按所住房屋更正现住址', 'Address corrected from the linked house'))} />
            <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
              <Descriptions.Item label={t('性别/年龄', 'Sex / age')}>
                {text('resident', 'sex', c.resident.sex)} · {c.resident.age ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('现住址', 'Address')}>{c.resident.address ? <UserText>{String(c.resident.address)}</UserText> : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('联系电话', 'Phone')}>
                <MaskedValue residentId={c.resident.id} field="phone" value={c.resident.phone} masked={c.resident.maskedFields.includes('phone')} canUnmask={can('registry:unmask')} />
              </Descriptions.Item>
              {c.labels.filter((l) => l.active).length ? (
                <Descriptions.Item label={t('标签', 'Labels')}>
                  {c.labels.filter((l) => l.active).map((l) => (
                    <Tag key={l.code} color="orange">
                      {l.name ?? l.code}
                    </Tag>
                  ))}
                </Descriptions.Item>
              ) : null}
            </Descriptions>
            {due}
            <Button type="link" style={{ padding: 0, marginBottom: 8 }} onClick={() => navigate(`/residents/${group.id}`)}>
              {t('打开完整档案', 'Open the full record')} <RightOutlined />
            </Button>
            {can('visits:write') ? (
              <VisitForm
                residentId={group.id}
                compact
                confirms={c.reviews.filter((x) => x.owner === 'community').map((x) => x.name ?? '')}
                withHousehold={!!c.household}
                onDone={(v) => (v.confirmedPolicies.length ? onDone(t('已记录走访，{n} 项信息已核实', 'Visit recorded; {n} reviews confirmed', { n: v.confirmedPolicies.length })) : onDone(t('已记录走访；信息未核实，仍在待维护中', 'Visit recorded; nothing confirmed, so it stays on the list'), false))}
              />
            ) : null}
          </>
        ) : null}
      </div>
    );
  }
  if (group.kind === 'household') {
    return (
      <div>
        {due}
        {can('visits:write') ? <VisitForm householdId={group.id} compact onDone={(v) => (v.confirmedPolicies.length ? onDone(t('已记录入户走访', 'Household visit recorded')) : onDone(t('已记录入户走访；信息未核实，仍在待维护中', 'Household visit recorded; nothing confirmed, so it stays on the list'), false))} /> : null}
      </div>
    );
  }
  const confirmKind = group.kind;
  return (
    <div>
      {due}
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Flex vertical gap={8}>
        {can('registry:write') ? (
          <Button type="primary" size="large" icon={<CheckOutlined />} loading={busy} onClick={() => void confirm(confirmKind)} block data-testid="stale-confirm">
            {t('已核实，信息无误', 'Checked: the record is right')}
          </Button>
        ) : null}
        <Button size="large" block onClick={() => navigate(`/records/${group.kind}?open=${group.id}`)}>
          {t('查看并修改{k}信息', 'Open and edit this {k}', { k: tt(`kind_${group.kind}` as 'kind_house') })}
        </Button>
      </Flex>
    </div>
  );
}
