// 疑似重复: pairs that look like one person entered twice (same name and birth date, and the same
// address or household, or one of them without an ID number). Merging keeps both histories; two
// different ID numbers are two people and are never merged.
import { Alert, App, Button, Empty, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { UserText } from '../../components/UserText';

type Pair = ResponseOf<'/api/residents/duplicates'>[number];

export default function DuplicatesPage() {
  const { t, tn } = useI18n();
  const navigate = useNavigate();
  const { place } = usePlace();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useApi((signal) => call.get('/api/residents/duplicates', { query: { nodeId: place?.id }, signal }), [place?.id]);
  const [merging, setMerging] = useState<Pair | null>(null);
  // The server names the reason as a plain string: missing_id, same_household or same_address.
  const reasons: Record<string, string> = {
    missing_id: t('其中一条没有证件号码', 'one of them has no ID number'),
    same_household: t('同一户', 'same household'),
    same_address: t('同一住址', 'same address'),
  };
  return (
    <div>
      <PageHeader title={t('疑似重复', 'Possible duplicates')} subtitle={tn('{p} · 同名同出生日期、且住址或户相同的记录，核实后可合并，合并前后的历史都保留', '{p} · same name and birth date at the same address or household; merge after checking, both histories are kept', { p: <UserText>{place?.name}</UserText> })} />
      <ErrorAlert error={error} onRetry={reload} style={{ marginBottom: 12 }} />
      <Table<Pair>
        rowKey={(p) => `${p.keepId}-${p.dropId}`}
        loading={loading}
        dataSource={data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('没有发现疑似重复的记录', 'No likely duplicates found')} /> }}
        scroll={{ x: 'max-content' }}
        columns={[
          { key: 'name', title: t('姓名', 'Name'), dataIndex: 'name' },
          { key: 'birth', title: t('出生日期', 'Birth date'), dataIndex: 'birthDate' },
          { key: 'why', title: t('疑似原因', 'Why'), render: (_, p) => <Tag>{reasons[p.reason]}</Tag> },
          {
            key: 'records',
            title: t('两条记录', 'The two records'),
            render: (_, p) => (
              <span>
                <a onClick={() => navigate(`/residents/${p.keepId}`)}>#{p.keepId}</a> · <a onClick={() => navigate(`/residents/${p.dropId}`)}>#{p.dropId}</a>
              </span>
            ),
          },
          { key: 'actions', title: '', render: (_, p) => <Button size="small" onClick={() => setMerging(p)}>{t('合并', 'Merge')}</Button> },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12 }}>
        {t('合并时保留编号较小的记录，另一条的空缺字段、标签和走访记录并入；被合并的记录标记为“已合并”并指向保留的记录。', 'Merging keeps the older record and fills its empty fields, labels and visits from the other, which is marked merged and points to the one kept.')}
      </Typography.Paragraph>
      {merging ? (
        <MergeModal
          pair={merging}
          onClose={() => setMerging(null)}
          onDone={(filled) => {
            setMerging(null);
            message.success(filled.length ? t('已合并，补全了 {n} 个字段', 'Merged; {n} fields filled in', { n: filled.length }) : t('已合并', 'Merged'));
            reload();
          }}
        />
      ) : null}
    </div>
  );
}

function MergeModal({ pair, onClose, onDone }: { pair: Pair; onClose(): void; onDone(filled: string[]): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { reason: string }) => {
    setBusy(true);
    try {
      const r = await call.post('/api/residents/merge', { body: { keepId: pair.keepId, dropId: pair.dropId, reason: v.reason.trim() } });
      onDone(r.filled);
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('合并 {n} 的两条记录', 'Merge the two records of {n}', { n: pair.name })} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('合并', 'Merge')} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph>{t('保留 #{k}，并入 #{d}。请先打开两条记录核实确为同一人。', 'Keep #{k}, merge #{d} into it. Open both first and make sure they are one person.', { k: pair.keepId, d: pair.dropId })}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item name="reason" label={t('合并依据', 'Why')} rules={[{ required: true, whitespace: true, min: 2, message: t('请说明合并依据（至少 2 个字）', 'Say why (2 characters at least)') }]}>
          <Input maxLength={500} placeholder={t('如：入户核实为同一人，重复录入', 'e.g. checked at home: one person entered twice')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
