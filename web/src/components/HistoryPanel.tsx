// A record's history: every version with what changed, who, when, why and from which source, and
// the record as it stood at the end of any past day (as-of view).
import { Alert, Card, DatePicker, Descriptions, Empty, Flex, Skeleton, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { ApiError } from '../api/client';
import type { RecordKind } from '../api/types';
import { call, type ResponseOf } from '../api/typed';
import { PersonName } from './PersonName';
import { useFields } from './fields';
import { useApi } from '../hooks/useApi';
import { useMobile } from '../hooks/useMobile';
import { useI18n } from '../i18n';

type HistoryEntry = ResponseOf<'/api/residents/{id}/history'>[number];
type AsOf = ResponseOf<'/api/residents/{id}/as-of'>;

export function HistoryPanel({ kind, id }: { kind: RecordKind; id: number }) {
  const { t, tt, term } = useI18n();
  const { label, text, fields } = useFields();
  const mobile = useMobile();
  const { data, error, loading } = useApi(
    (signal): Promise<HistoryEntry[]> => (kind === 'resident' ? call.get('/api/residents/{id}/history', { path: { id }, signal }) : call.get('/api/records/{kind}/{id}/history', { path: { kind, id }, signal })),
    [kind, id],
  );
  const [date, setDate] = useState<Dayjs | null>(null);
  const [asOf, setAsOf] = useState<AsOf | undefined>(undefined);
  const [asOfError, setAsOfError] = useState<ApiError | null>(null);

  const pickDate = async (d: Dayjs | null) => {
    setDate(d);
    setAsOf(undefined);
    setAsOfError(null);
    if (!d) return;
    try {
      // Only residents have an as-of view (the date picker shows for them alone).
      setAsOf(await call.get('/api/residents/{id}/as-of', { path: { id }, query: { date: d.format('YYYY-MM-DD') } }));
    } catch (err) {
      setAsOfError(err as ApiError);
    }
  };

  const termOr = (prefix: string, v: string) => term(`${prefix}_${v}`, v);
  const rows = [...(data ?? [])].sort((a, b) => b.version - a.version);
  const fieldsOf = (h: HistoryEntry) => (h.changedFields.length ? h.changedFields.map((f) => label(kind, f)).join('、') : '—');

  return (
    <Flex vertical gap={16}>
      {error ? <Alert type="error" showIcon title={error.message} /> : null}
      {mobile ? (
        // A phone is too narrow for seven columns: each version is a block of its own, nothing cut off.
        <Flex vertical gap={8} data-testid="history-list">
          {loading && !data ? <Skeleton active /> : null}
          {data && !rows.length ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> : null}
          {rows.map((h) => (
            <div key={h.version} className="qc-history-item" data-testid={`history-${h.version}`}>
              <Flex justify="space-between" align="center" gap={8} wrap>
                <span>
                  <strong>{t('版本 {v}', 'Version {v}', { v: h.version })}</strong> <Tag style={{ marginInlineStart: 4 }}>{termOr('op', h.operation)}</Tag>
                </span>
                <Typography.Text type="secondary">{dayjs(h.changedAt).format('YYYY-MM-DD HH:mm')}</Typography.Text>
              </Flex>
              <Descriptions size="small" column={1} style={{ marginTop: 4 }}>
                <Descriptions.Item label={t('涉及字段', 'Fields')}>{fieldsOf(h)}</Descriptions.Item>
                <Descriptions.Item label={t('操作人', 'By')}>
                  <PersonName person={h.by} fallback={h.changedBy} />
                </Descriptions.Item>
                <Descriptions.Item label={t('来源', 'Source')}>{termOr('src', h.source)}</Descriptions.Item>
                {h.reason ? <Descriptions.Item label={tt('reason')}>{h.reason}</Descriptions.Item> : null}
              </Descriptions>
            </div>
          ))}
        </Flex>
      ) : (
      <Table<HistoryEntry>
        size="small"
        rowKey="version"
        loading={loading}
        dataSource={rows}
        pagination={(data?.length ?? 0) > 10 ? { pageSize: 10, size: 'small' } : false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        data-testid="history-table"
        columns={[
          { key: 'v', title: t('版本', 'Version'), dataIndex: 'version', width: 64 },
          { key: 'at', title: t('时间', 'When'), render: (_, h) => dayjs(h.changedAt).format('YYYY-MM-DD HH:mm') },
          { key: 'op', title: t('变更', 'Change'), render: (_, h) => <Tag>{termOr('op', h.operation)}</Tag> },
          { key: 'fields', title: t('涉及字段', 'Fields'), render: (_, h) => fieldsOf(h) },
          { key: 'by', title: t('操作人', 'By'), render: (_, h) => <PersonName person={h.by} fallback={h.changedBy} /> },
          { key: 'source', title: t('来源', 'Source'), render: (_, h) => termOr('src', h.source) },
          { key: 'reason', title: tt('reason'), render: (_, h) => h.reason ?? '—' },
        ]}
      />
      )}
      {kind === 'resident' ? (
        <Card size="small" title={t('查看某日的记录', 'The record as it stood on a day')}>
          <DatePicker value={date} onChange={pickDate} disabledDate={(d) => d.isAfter(dayjs(), 'day')} placeholder={t('选择日期', 'Pick a date')} data-testid="as-of-date" />
          {asOfError ? <Alert type="error" showIcon title={asOfError.message} style={{ marginTop: 12 }} /> : null}
          {date && asOf === null ? <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('该日期时尚无此记录', 'The record did not exist yet on that day')}</Typography.Paragraph> : null}
          {asOf ? (
            <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginTop: 12 }} bordered data-testid="as-of-record">
              <Descriptions.Item label={t('版本', 'Version')}>{asOf.version}</Descriptions.Item>
              {fields(kind)
                .filter((f) => asOf[f.key] !== undefined && asOf[f.key] !== null && !['gridId', 'householdId', 'houseId'].includes(f.key))
                .map((f) => (
                  <Descriptions.Item key={f.key} label={label(kind, f.key)}>
                    <span className={f.secret ? 'qc-masked' : undefined}>{text(kind, f.key, asOf[f.key])}</span>
                  </Descriptions.Item>
                ))}
            </Descriptions>
          ) : null}
        </Card>
      ) : null}
    </Flex>
  );
}

export function TrailPanel({ residentId }: { residentId: number }) {
  const { t, tt, lang } = useI18n();
  const { data, error, loading } = useApi((signal) => call.get('/api/residents/{id}/trail', { path: { id: residentId }, signal }), [residentId]);
  const actions: Record<string, [string, string]> = {
    'resident.read': ['查看档案', 'opened the card'],
    'resident.list': ['列表查看', 'saw in a list'],
    'resident.lookup': ['部门调阅', 'department look-up'],
    'resident.unmask': ['查看完整号码', 'showed a number in full'],
    'resident.read_clear': ['出具材料时读取', 'read for a document'],
    'resident.trail': ['查看访问记录', 'read the access trail'],
    'resident.read_as_of': ['查看历史版本', 'read a past version'],
    'resident.read_as_head': ['作为户主显示姓名', 'name shown as head of household'],
    'resident.history': ['查看变更历史', 'read the history'],
  };
  return (
    <Flex vertical gap={8}>
      <Typography.Text type="secondary">{t('谁在何时、因何查看过该居民的个人信息（含部门实时调阅）。', 'Who read this person’s data, when and why (department look-ups included).')}</Typography.Text>
      {error ? <Alert type="error" showIcon title={error.message} /> : null}
      <Table
        size="small"
        rowKey={(r) => `${r.at}-${r.actor}-${r.action}`}
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={(data?.items.length ?? 0) > 10 ? { pageSize: 10, size: 'small' } : false}
        scroll={{ x: 'max-content' }}
        data-testid="trail-table"
        columns={[
          { key: 'at', title: t('时间', 'When'), render: (_, r) => dayjs(r.at).format('YYYY-MM-DD HH:mm:ss') },
          { key: 'actor', title: t('查看人', 'Who'), render: (_, r) => <PersonName fallback={r.actor} role={r.role} unit={r.unit} /> },
          { key: 'action', title: t('方式', 'How'), render: (_, r) => (actions[r.action] ? actions[r.action]![lang === 'en' ? 1 : 0] : r.action) },
          { key: 'reason', title: tt('reason'), render: (_, r) => r.reason ?? '—' },
          { key: 'result', title: t('结果', 'Result'), render: (_, r) => (r.result === 'ok' ? <Tag color="green">{t('成功', 'ok')}</Tag> : <Tag color="red">{r.result}</Tag>) },
        ]}
      />
    </Flex>
  );
}
