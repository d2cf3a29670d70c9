// Report templates: a department's own filings in every state and the approved catalogue; for the
// reviewer, the queue of filings awaiting review with the coverage and overlaps of each.
import { PlusOutlined } from '@ant-design/icons';
import { Badge, Button, Segmented, Table, Tag, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { call } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { cadenceNames, isTemplateStatus, statusNames, type Template } from './api';
import { templateDepartment, templateTitle } from './texts';

export default function TemplatesPage() {
  const { t, lang, pick } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? (can('reports:review') ? 'submitted' : 'all');
  const list = useApi((signal) => call.get('/api/reports/templates', { query: isTemplateStatus(status) ? { status: [status] } : undefined, signal }), [status]);
  const L = (p: readonly string[] | undefined) => (p ? (lang === 'en' ? p[1] : p[0]) : '');
  const reviewer = can('reports:review');
  return (
    <div>
      <PageHeader
        title={reviewer ? t('报表备案审核', 'Report filings') : t('报表备案', 'Report templates')}
        subtitle={
          reviewer
            ? t('部门报表须经备案审核才能下发；审核时可见基础数据覆盖情况和与已批准报表的重叠', 'A report reaches communities only once approved; each filing shows how much base data answers and what it overlaps')
            : t('新增报表须说明依据、用途和频次并提交备案，批准后由平台自动向基层下发', 'File a new report with its basis, purpose and cadence; once approved the platform sends it down')
        }
        extra={
          can('reports:draft') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/reports/templates/new')} data-testid="new-template">
              {t('新建报表', 'New report')}
            </Button>
          ) : null
        }
      />
      <Segmented
        style={{ marginBottom: 12 }}
        value={status}
        onChange={(v) => setParams(v === 'all' ? {} : { status: String(v) })}
        options={[
          { value: 'all', label: t('全部', 'All') },
          { value: 'submitted', label: t('待审核', 'Awaiting review') },
          { value: 'approved', label: t('已批准', 'Approved') },
          { value: 'draft', label: t('草稿', 'Drafts') },
          { value: 'rejected', label: t('已退回', 'Rejected') },
          { value: 'merged', label: t('已合并', 'Merged') },
          { value: 'retired', label: t('已停用', 'Retired') },
        ]}
      />
      <ErrorAlert error={list.error} onRetry={list.reload} style={{ marginBottom: 12 }} />
      <Table<Template>
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        data-testid="templates-table"
        onRow={(r) => ({ onClick: () => navigate(`/reports/templates/${r.id}`), style: { cursor: 'pointer' } })}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { key: 'title', title: t('报表名称', 'Report'), render: (_, r) => <span data-testid={`template-${r.code}`}>{templateTitle(lang, r)}{r.builtin ? <Tag style={{ marginLeft: 6 }}>{t('平台内置', 'built in')}</Tag> : null}</span> },
          { key: 'dept', title: t('制表部门', 'Department'), render: (_, r) => templateDepartment(lang, r.departmentName, r.en) },
          { key: 'cadence', title: t('频次', 'Cadence'), render: (_, r) => L(cadenceNames[r.cadence]) },
          { key: 'version', title: t('版本', 'Version'), dataIndex: 'version', width: 60 },
          { key: 'status', title: t('状态', 'Status'), render: (_, r) => <Badge status={(statusNames[r.status]?.[2] ?? 'default') as 'success'} text={L(statusNames[r.status])} /> },
          { key: 'coverage', title: t('基础数据覆盖', 'Computed'), render: (_, r) => (r.coverage ? <Typography.Text>{`${r.coverage.computed}/${r.coverage.total}`}</Typography.Text> : '—') },
          {
            key: 'overlaps',
            title: t('重叠', 'Overlaps'),
            render: (_, r) => (r.overlaps?.length ? <Tag color="orange" title={r.overlaps.map((o) => pick(o)).join('\n')}>{t('与 {n} 张报表重叠', '{n} overlapping', { n: r.overlaps.length })}</Tag> : r.status === 'submitted' ? <Tag color="green">{t('无重叠', 'none')}</Tag> : null),
          },
          { key: 'updated', title: t('更新', 'Updated'), render: (_, r) => new Date(r.updatedAt).toLocaleDateString(lang === 'en' ? 'en-CA' : 'zh-CN') },
        ]}
      />
    </div>
  );
}
