// 导出: any list of the current place as an Excel file, with the filters the lists have. What a
// caller may not see is not in the file; ID numbers and phones are masked; each export is
// logged. The file keeps the record numbers, so a corrected copy imports back onto the records.
import { Alert, Card, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { useFields } from '../../components/fields';
import { useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { ExportButton, type ExportFilter } from './ExportButton';
import { kindNames, recordKindsInOrder, type RecordKind } from './types';
import { UserText } from '../../components/UserText';

export default function ExportPage() {
  const { t, lang } = useI18n();
  const { place } = usePlace();
  const { code } = useFields();
  const labelKinds = useLabelKinds();
  const [kind, setKind] = useState<RecordKind>('resident');
  const [labels, setLabels] = useState<string[]>([]);
  const [residenceStatus, setResidenceStatus] = useState<string | undefined>();
  const [sex, setSex] = useState<string | undefined>();
  const [ageMin, setAgeMin] = useState<number | undefined>();
  const [ageMax, setAgeMax] = useState<number | undefined>();
  const [stale, setStale] = useState(false);
  const [withLeft, setWithLeft] = useState(false);
  const [q, setQ] = useState('');

  const filter: ExportFilter = useMemo(
    () =>
      kind === 'resident'
        ? { nodeId: place?.id, labels, residenceStatus, sex, ageMin, ageMax, stale, status: withLeft ? ['active', 'moved_out', 'deceased'] : undefined }
        : { nodeId: place?.id, q: q.trim() || undefined, status: withLeft ? ['active', 'closed'] : undefined },
    [kind, place?.id, labels, residenceStatus, sex, ageMin, ageMax, stale, withLeft, q],
  );
  const labelOptions = (labelKinds ?? []).filter((l) => l.appliesTo === 'resident' && l.active).map((l) => ({ value: l.code, label: lang === 'en' ? l.nameEn : l.nameZh }));

  return (
    <div data-testid="export-page">
      <PageHeader title={t('导出数据', 'Export a list')} subtitle={t('把当前辖区的名单导出为 Excel，筛选条件与列表页相同。', 'Export a list of the current place to Excel, with the same filters as the lists.')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Card size="small">
            <Form layout="vertical">
              <Row gutter={12}>
                <Col xs={24} sm={10}>
                  <Form.Item label={t('记录类型', 'Record kind')}>
                    <Select value={kind} onChange={setKind} options={recordKindsInOrder.map((k) => ({ value: k, label: kindNames[k][lang === 'en' ? 1 : 0] }))} data-testid="export-kind" />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={14}>
                  <Form.Item label={t('范围', 'Place')}>
                    <Typography.Text strong>{place ? <UserText>{place.name}</UserText> : '—'}</Typography.Text>
                    <Typography.Text type="secondary">{t('（在页面顶部切换辖区）', ' (change it at the top of the page)')}</Typography.Text>
                  </Form.Item>
                </Col>
              </Row>
              {kind === 'resident' ? (
                <Row gutter={12}>
                  <Col xs={24} md={12}>
                    <Form.Item label={t('重点人群标签', 'Labels')}>
                      <Select mode="multiple" allowClear value={labels} onChange={setLabels} options={labelOptions} placeholder={t('任选其一即可', 'Any of these')} data-testid="export-labels" />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('人口类型', 'Category')}>
                      <Select allowClear value={residenceStatus} onChange={setResidenceStatus} placeholder={t('全部', 'All')} options={['registered', 'resident', 'floating', 'overseas', 'unregistered'].map((c) => ({ value: c, label: code('residenceStatus', c) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('性别', 'Sex')}>
                      <Select allowClear value={sex} onChange={setSex} placeholder={t('全部', 'All')} options={['1', '2'].map((c) => ({ value: c, label: code('sex', c) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item label={t('年龄', 'Age')}>
                      <Space.Compact style={{ width: '100%' }}>
                        <InputNumber min={0} max={150} value={ageMin} onChange={(v) => setAgeMin(v ?? undefined)} placeholder={t('最小', 'from')} style={{ width: '50%' }} />
                        <InputNumber min={0} max={150} value={ageMax} onChange={(v) => setAgeMax(v ?? undefined)} placeholder={t('最大', 'to')} style={{ width: '50%' }} />
                      </Space.Compact>
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('只导出待维护的', 'Overdue only')}>
                      <Switch checked={stale} onChange={setStale} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('含迁出/死亡', 'Incl. left')}>
                      <Switch checked={withLeft} onChange={setWithLeft} />
                    </Form.Item>
                  </Col>
                </Row>
              ) : (
                <Row gutter={12}>
                  <Col xs={24} md={12}>
                    <Form.Item label={kind === 'household' ? t('户号开头为', 'Household number starts with') : kind === 'house' ? t('房号开头为', 'Room number starts with') : t('名称开头为', 'Name starts with')}>
                      <Input allowClear value={q} onChange={(e) => setQ(e.target.value)} maxLength={40} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('含已注销', 'Incl. closed')}>
                      <Switch checked={withLeft} onChange={setWithLeft} />
                    </Form.Item>
                  </Col>
                </Row>
              )}
              <ExportButton kind={kind} filter={filter} type="primary" label={t('导出{kind}名单（Excel）', 'Export {kind} (Excel)', { kind: kindNames[kind][lang === 'en' ? 1 : 0] })} />
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Alert
            type="info"
            showIcon
            title={t('导出须知', 'Good to know')}
            description={
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                <li>{t('身份证号、手机号按规定遮蔽（如 140***********1234、138****5678）。', 'ID numbers and phones are masked (e.g. 140***********1234, 138****5678).')}</li>
                <li>{t('每次导出都记入审计日志，居民的访问记录中可查。', 'Every export is logged in the audit log and shows in the residents’ access trail.')}</li>
                <li>{t('保留“记录编号”列，修改后可直接导入，系统按编号更新原记录；遮蔽的号码不会覆盖原值。', 'Keep the record-number column: an edited copy imports back onto the same records; masked numbers never overwrite.')}</li>
              </ul>
            }
          />
        </Col>
      </Row>
    </div>
  );
}
