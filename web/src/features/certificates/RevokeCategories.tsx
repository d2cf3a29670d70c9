// 作废类别: what the public verification page shows instead of a worker's note when a certificate
// is revoked. Admins rename, add and withdraw categories; certificates keep the one they were
// revoked under.
import { call } from '../../api/typed';
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Input, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from '../../components/errors';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';

export function RevokeCategories() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { data, error, reload, loading } = useApi((signal) => call.get('/api/certificates/revoke-categories', { query: { includeInactive: true }, signal }), []);
  const [draft, setDraft] = useState({ code: '', nameZh: '', nameEn: '' });
  const save = async (code: string, body: { nameZh: string; nameEn: string; active?: boolean }) => {
    try {
      await call.put('/api/certificates/revoke-categories/{code}', { path: { code }, body });
      message.success(t('已保存', 'Saved'));
      reload();
      return true;
    } catch (e) {
      message.error(toApiError(e).message);
      return false;
    }
  };
  return (
    <Card size="small" title={t('作废类别', 'Revocation categories')} style={{ marginTop: 16 }} data-testid="revoke-categories">
      <Typography.Paragraph type="secondary">
        {t('作废证明时须选择类别；公开核验页只显示类别，不显示作废原因。', 'Revoking a certificate requires a category; the public verification page shows the category, never the note.')}
      </Typography.Paragraph>
      <ErrorAlert error={error} onRetry={reload} />
      <Table
        size="small"
        rowKey="code"
        loading={loading}
        pagination={false}
        dataSource={data ?? []}
        columns={[
          { title: t('代码', 'Code'), dataIndex: 'code', width: 150 },
          { title: t('中文名称', 'Chinese'), dataIndex: 'nameZh', render: (v: string, r) => <Input defaultValue={v} maxLength={20} onBlur={(e) => e.target.value.trim() && e.target.value !== v && void save(r.code, { nameZh: e.target.value.trim(), nameEn: r.nameEn })} /> },
          { title: t('英文名称', 'English'), dataIndex: 'nameEn', render: (v: string, r) => <Input defaultValue={v} maxLength={60} onBlur={(e) => e.target.value.trim() && e.target.value !== v && void save(r.code, { nameZh: r.nameZh, nameEn: e.target.value.trim() })} /> },
          { title: t('可选用', 'In use'), dataIndex: 'active', width: 90, render: (v: boolean, r) => <Switch checked={v} onChange={(on) => void save(r.code, { nameZh: r.nameZh, nameEn: r.nameEn, active: on })} /> },
        ]}
      />
      <Flex gap={8} wrap style={{ marginTop: 12 }}>
        <Input placeholder={t('代码，如 duplicate', 'code, e.g. duplicate')} value={draft.code} onChange={(e) => setDraft({ ...draft, code: e.target.value.trim() })} style={{ width: 180 }} />
        <Input placeholder={t('中文名称', 'Chinese name')} value={draft.nameZh} onChange={(e) => setDraft({ ...draft, nameZh: e.target.value })} style={{ width: 160 }} />
        <Input placeholder={t('英文名称', 'English name')} value={draft.nameEn} onChange={(e) => setDraft({ ...draft, nameEn: e.target.value })} style={{ width: 200 }} />
        <Button icon={<PlusOutlined />} disabled={!draft.code || !draft.nameZh.trim() || !draft.nameEn.trim()} onClick={async () => { if (await save(draft.code, { nameZh: draft.nameZh.trim(), nameEn: draft.nameEn.trim() })) setDraft({ code: '', nameZh: '', nameEn: '' }); }}>
          {t('添加', 'Add')}
        </Button>
      </Flex>
    </Card>
  );
}
