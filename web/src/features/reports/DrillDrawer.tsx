// The records behind a figure. Community and street staff see them straight away; a department
// first states why (the purpose is logged with the read, as for any look-up). Names, ages, labels
// and the last visit are shown; ID numbers and phones stay masked.
import { Alert, Button, Drawer, Flex, Form, Input, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { useFields } from '../../components/fields';
import { useI18n } from '../../i18n';
import type { DrillAnswer, ResultColumn, ResultRow } from './api';
import { UserText } from '../../components/UserText';
import { bi } from './texts';

export interface DrillTarget {
  kind: 'due' | 'submission';
  id: number;
  row: ResultRow;
  column: ResultColumn;
}

const residentFields = ['sex', 'birthDate', 'idNumber', 'phone', 'residenceStatus'];

export function DrillDrawer({ target, onClose }: { target: DrillTarget | null; onClose(): void }) {
  const { t, lang, pick } = useI18n();
  const { can } = useAuth();
  const { label, show } = useFields();
  const navigate = useNavigate();
  const needsReason = !can('registry:read');
  const [reason, setReason] = useState('');
  const [asked, setAsked] = useState(false);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<DrillAnswer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    setData(null);
    setError(null);
    setPage(1);
    setAsked(false);
  }, [target]);

  useEffect(() => {
    if (!target || (needsReason && !asked)) return;
    const query = { row: target.row.key, column: target.column.key, reason: needsReason ? reason : undefined, limit: 50, offset: (page - 1) * 50 };
    const path = { id: target.id };
    setLoading(true);
    (target.kind === 'due' ? call.get('/api/reports/due/{id}/drill', { path, query }) : call.get('/api/reports/submissions/{id}/drill', { path, query }))
      .then(
        (d) => {
          setData(d);
          setError(null);
        },
        (e: ApiError) => setError(e),
      )
      .finally(() => setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target, asked, page]);

  const title = target ? <><UserText>{target.row.headings.join(' · ')}</UserText> — {bi(lang, target.column.title, target.column.titleEn)}</> : '';
  const residentRows = data?.drill === 'resident';
  return (
    <Drawer open={!!target} onClose={onClose} title={title} size={Math.min(1080, typeof window === 'undefined' ? 1080 : window.innerWidth)} destroyOnHidden data-testid="drill-drawer">
      {needsReason && !asked ? (
        <Form layout="vertical" onFinish={() => setAsked(true)}>
          <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('查看明细将记入审计日志，请填写查看事由', 'Listing the records is logged: give the purpose')} />
          <Form.Item label={t('查看事由', 'Purpose')} required>
            <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder={t('如：核对低保对象名单', 'e.g. checking the allowance list')} data-testid="drill-reason" />
          </Form.Item>
          <Button type="primary" htmlType="submit" disabled={reason.trim().length < 2}>
            {t('查看', 'Show')}
          </Button>
        </Form>
      ) : (
        <>
          <ErrorAlert error={error} style={{ marginBottom: 12 }} />
          {data ? (
            <Flex vertical gap={8} style={{ marginBottom: 12 }}>
              <Typography.Text>
                {t('共 {n} 条记录', '{n} records', { n: data.total })}
                {data.column.basedOn ? t('（按“{c}”列出）', ' (listed by “{c}”)', { c: data.column.basedOn }) : ''}
              </Typography.Text>
              {data.note ? <Alert type="warning" showIcon title={pick(data.note)} /> : null}
            </Flex>
          ) : null}
          <Table
            size="small"
            rowKey={(r) => String(r.id)}
            loading={loading}
            dataSource={data?.items ?? []}
            pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
            scroll={{ x: 'max-content' }}
            data-testid="drill-table"
            columns={
              residentRows
                ? [
                    { key: 'name', title: t('姓名', 'Name'), render: (_, r) => (can('registry:read') ? <a onClick={() => navigate(`/residents/${r.id}`)}><UserText>{r.title}</UserText></a> : <UserText>{r.title}</UserText>) },
                    ...residentFields.map((f) => ({ key: f, title: label('resident', f), render: (_: unknown, r: DrillAnswer['items'][number]) => (r.fields[f] === undefined ? '' : show('resident', f, r.fields[f])) })),
                    { key: 'grid', title: t('网格', 'Grid'), render: (_, r) => <UserText>{String(r.fields.grid ?? '')}</UserText> },
                    { key: 'labels', title: t('标签', 'Labels'), render: (_, r) => ((r.fields.labels as string[] | undefined) ?? []).map((l) => <Tag key={l}>{l}</Tag>) },
                    { key: 'lastVisitAt', title: t('最近走访', 'Last visit'), render: (_, r) => (r.fields.lastVisitAt ? new Date(String(r.fields.lastVisitAt)).toLocaleDateString(lang === 'en' ? 'en-CA' : 'zh-CN') : t('无', 'none')) },
                  ]
                : [
                    { key: 'title', title: t('对象', 'Record'), render: (_, r) => <UserText>{r.title}</UserText> },
                    {
                      key: 'fields',
                      title: t('内容', 'Details'),
                      render: (_, r) =>
                        Object.entries(r.fields)
                          .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
                          .map(([k, v]) => `${k}: ${/At$/.test(k) ? new Date(String(v)).toLocaleString(lang === 'en' ? 'en-CA' : 'zh-CN') : String(v)}`)
                          .join(lang === 'en' ? '; ' : '；'),
                    },
                  ]
            }
          />
        </>
      )}
    </Drawer>
  );
}
