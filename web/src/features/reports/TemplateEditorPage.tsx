// Drafting a report template. A guided form builds the declarative template step by step (what
// it is and why, where the data comes from, how rows are grouped, each column's measure, the few
// items entered by hand); power users edit the same template as JSON. "Check" asks the platform
// what it thinks before saving: problems, how much base data answers, overlaps, missing grants.
import { DeleteOutlined, PlusOutlined, SafetyCertificateOutlined, SaveOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, DatePicker, Divider, Flex, Form, Input, InputNumber, Row, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useDepartments } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import type { Catalogue, ColumnDef, Definition, Filter, FilterOp, Grouping, ManualField, Measure, SourceField, TemplateCheck, TemplateInput } from './api';
import { CheckPanel } from './CheckPanel';
import { bi } from './texts';
import { measureNames, opNames } from './describe';
import { UserText } from '../../components/UserText';

/** The condition operators offered for each kind of field. */
const opsFor: Record<SourceField['type'], FilterOp[]> = {
  code: ['eq', 'ne', 'in', 'notIn', 'isNull', 'notNull'],
  boolean: ['isTrue', 'isFalse'],
  integer: ['eq', 'gte', 'lte', 'between', 'isNull', 'notNull'],
  number: ['gte', 'lte', 'between', 'isNull', 'notNull'],
  date: ['inPeriod', 'withinDays', 'notWithinDays', 'gte', 'lte', 'between', 'isNull', 'notNull'],
  timestamp: ['inPeriod', 'withinDays', 'notWithinDays', 'isNull', 'notNull'],
  reference: ['isNull', 'notNull'],
};

const blank: TemplateInput = {
  title: '', legalBasis: '', purpose: '', cadence: 'monthly', deadlineDays: 5, submitLevel: 'community', handMinutesBefore: 60, entitledDepartments: [],
  definition: { sources: [{ key: 'r', source: 'resident', filters: [] }], rows: [{ by: 'tree', level: 'grid' }], columns: [{ key: 'c1', title: '人数', unit: '人', measure: { kind: 'count' } }], manualFields: [], totals: true },
};

function FilterEditor({ cat, source, filters, onChange }: { cat: Catalogue; source: string; filters: Filter[]; onChange(f: Filter[]): void }) {
  const { t, lang } = useI18n();
  const src = cat.sources.find((s) => s.key === source);
  const fields = src?.fields.filter((f) => f.type !== 'reference' || f.key === 'householdId') ?? [];
  const set = (i: number, f: Filter) => onChange(filters.map((x, j) => (j === i ? f : x)));
  return (
    <Flex vertical gap={6}>
      {filters.map((f, i) => {
        if ('label' in f) {
          return (
            <Space key={i} wrap>
              <Select style={{ width: 110 }} value={f.has === false ? 'without' : 'with'} onChange={(v) => set(i, { label: f.label, has: v === 'with' ? undefined : false })} options={[{ value: 'with', label: t('具有标签', 'has label') }, { value: 'without', label: t('不具有标签', 'lacks label') }]} />
              <Select style={{ width: 200 }} value={f.label} onChange={(v) => set(i, { ...f, label: v })} options={cat.labels.map((l) => ({ value: l.code, label: lang === 'en' ? l.en : l.zh }))} />
              <Button size="small" icon={<DeleteOutlined />} onClick={() => onChange(filters.filter((_, j) => j !== i))} />
            </Space>
          );
        }
        const fd: SourceField | undefined = fields.find((x) => x.key === f.field);
        const ops = opsFor[fd?.type ?? 'code'] ?? [];
        const needsValue = !['isNull', 'notNull', 'isTrue', 'isFalse', 'inPeriod'].includes(f.op);
        const codeOptions = fd?.codes ? Object.entries(fd.codes).map(([k, v]) => ({ value: k, label: lang === 'en' ? v.en : v.zh })) : null;
        let valueInput: React.ReactNode = null;
        if (needsValue) {
          if (f.op === 'withinDays' || f.op === 'notWithinDays') valueInput = <InputNumber min={1} max={3660} value={f.value as number} onChange={(v) => set(i, { ...f, value: v ?? 30 })} suffix={t('天', 'days')} />;
          else if (codeOptions) valueInput = <Select style={{ minWidth: 180 }} mode={f.op === 'in' || f.op === 'notIn' ? 'multiple' : undefined} value={f.value as string} onChange={(v) => set(i, { ...f, value: v })} options={codeOptions} />;
          else if (f.op === 'between')
            valueInput = fd?.type === 'date' ? (
              <DatePicker.RangePicker value={Array.isArray(f.value) ? [dayjs(String(f.value[0])), dayjs(String(f.value[1]))] : null} onChange={(d) => set(i, { ...f, value: d ? [d[0]!.format('YYYY-MM-DD'), d[1]!.format('YYYY-MM-DD')] : undefined })} />
            ) : (
              <Space>
                <InputNumber value={(f.value as number[] | undefined)?.[0]} onChange={(v) => set(i, { ...f, value: [v ?? 0, (f.value as number[] | undefined)?.[1] ?? 0] })} />
                <InputNumber value={(f.value as number[] | undefined)?.[1]} onChange={(v) => set(i, { ...f, value: [(f.value as number[] | undefined)?.[0] ?? 0, v ?? 0] })} />
              </Space>
            );
          else if (fd?.type === 'date') valueInput = <DatePicker value={f.value ? dayjs(String(f.value)) : null} onChange={(d) => set(i, { ...f, value: d?.format('YYYY-MM-DD') })} />;
          else valueInput = <InputNumber value={f.value as number} onChange={(v) => set(i, { ...f, value: v ?? 0 })} />;
        }
        return (
          <Space key={i} wrap>
            <Select style={{ width: 160 }} value={f.field} onChange={(v) => set(i, { field: v, op: opsFor[fields.find((x) => x.key === v)?.type ?? 'code']![0]! })} options={fields.map((x) => ({ value: x.key, label: lang === 'en' ? x.en : x.zh }))} />
            <Select style={{ width: 150 }} value={f.op} onChange={(v) => set(i, { field: f.field, op: v })} options={ops.map((o) => ({ value: o, label: (lang === 'en' ? opNames[o]?.[1] : opNames[o]?.[0])?.replace('{n}', 'N') ?? o }))} />
            {valueInput}
            <Button size="small" icon={<DeleteOutlined />} onClick={() => onChange(filters.filter((_, j) => j !== i))} />
          </Space>
        );
      })}
      <Space>
        <Button size="small" icon={<PlusOutlined />} onClick={() => onChange([...filters, { field: fields[0]?.key ?? 'sex', op: opsFor[fields[0]?.type ?? 'code']![0]! }])}>
          {t('字段条件', 'Field condition')}
        </Button>
        {src?.personal ? (
          <Button size="small" icon={<PlusOutlined />} onClick={() => onChange([...filters, { label: cat.labels[0]?.code ?? 'elderly_alone' }])}>
            {t('标签条件', 'Label condition')}
          </Button>
        ) : null}
      </Space>
    </Flex>
  );
}

function ColumnEditor({ cat, def, col, onChange, onRemove }: { cat: Catalogue; def: Definition; col: ColumnDef; onChange(c: ColumnDef): void; onRemove(): void }) {
  const { t, lang } = useI18n();
  const m = col.measure;
  const from = 'from' in m && m.from ? m.from : def.sources[0]?.key;
  const source = def.sources.find((s) => s.key === from)?.source ?? '';
  const fields = cat.sources.find((s) => s.key === source)?.fields ?? [];
  const setMeasure = (mm: Measure) => onChange({ ...col, measure: mm });
  const others = def.columns.filter((c) => c.key !== col.key).map((c) => ({ value: c.key, label: bi(lang, c.title, c.titleEn) }));
  return (
    <Card size="small" style={{ background: '#fafafa' }} data-testid={`column-${col.key}`}>
      <Row gutter={8}>
        <Col xs={24} md={6}>
          <Input data-user="" prefix={t('栏目', 'Title')} value={col.title} onChange={(e) => onChange({ ...col, title: e.target.value })} />
        </Col>
        <Col xs={12} md={5}>
          <Input data-user="" prefix={t('分组', 'Group')} value={col.group ?? ''} onChange={(e) => onChange({ ...col, group: e.target.value || undefined })} />
        </Col>
        <Col xs={12} md={3}>
          <Input data-user="" prefix={t('单位', 'Unit')} value={col.unit ?? ''} onChange={(e) => onChange({ ...col, unit: e.target.value || undefined })} />
        </Col>
        <Col xs={12} md={4}>
          <Select
            style={{ width: '100%' }}
            value={m.kind}
            onChange={(k) => {
              if (k === 'count') setMeasure({ kind: 'count', from: 'from' in m ? m.from : undefined, where: 'where' in m ? m.where : undefined });
              else if (k === 'ratio') setMeasure({ kind: 'ratio', numerator: others[0]?.value ?? '', denominator: others[1]?.value ?? others[0]?.value ?? '', scale: 100, decimals: 1 });
              else if (k === 'share') setMeasure({ kind: 'share', of: others[0]?.value ?? '' });
              else setMeasure({ kind: k as 'sum', from: 'from' in m ? m.from : undefined, field: fields.find((f) => (k === 'countDistinct' ? f.type === 'reference' : f.numeric))?.key ?? fields[0]?.key ?? '', where: 'where' in m ? m.where : undefined });
            }}
            options={Object.entries(measureNames).map(([k, v]) => ({ value: k, label: lang === 'en' ? v[1] : v[0] }))}
          />
        </Col>
        <Col xs={12} md={4}>
          {m.kind !== 'ratio' && m.kind !== 'share' && def.sources.length > 1 ? (
            <Select style={{ width: '100%' }} value={from} onChange={(v) => setMeasure({ ...m, from: v } as Measure)} options={def.sources.map((s) => ({ value: s.key, label: `${s.key} · ${(lang === 'en' ? cat.sources.find((x) => x.key === s.source)?.en : cat.sources.find((x) => x.key === s.source)?.zh) ?? s.source}` }))} />
          ) : null}
        </Col>
        <Col xs={24} md={2} style={{ textAlign: 'right' }}>
          <Button icon={<DeleteOutlined />} onClick={onRemove} />
        </Col>
      </Row>
      <div style={{ marginTop: 8 }}>
        {m.kind === 'ratio' ? (
          <Space wrap>
            <Select style={{ width: 180 }} value={m.numerator} onChange={(v) => setMeasure({ ...m, numerator: v })} options={others} />
            <span>÷</span>
            <Select style={{ width: 180 }} value={typeof m.denominator === 'string' ? m.denominator : undefined} onChange={(v) => setMeasure({ ...m, denominator: v })} options={others} />
            <InputNumber prefix="×" value={m.scale ?? 1} onChange={(v) => setMeasure({ ...m, scale: v ?? 1 })} />
            <InputNumber prefix={t('小数位', 'decimals')} min={0} max={4} value={m.decimals ?? 2} onChange={(v) => setMeasure({ ...m, decimals: v ?? 2 })} />
          </Space>
        ) : m.kind === 'share' ? (
          <Select style={{ width: 200 }} value={m.of} onChange={(v) => setMeasure({ ...m, of: v })} options={others} />
        ) : (
          <Flex vertical gap={6}>
            {m.kind !== 'count' ? (
              <Select
                style={{ width: 220 }}
                value={m.field}
                onChange={(v) => setMeasure({ ...m, field: v })}
                options={fields.filter((f) => (m.kind === 'countDistinct' ? true : m.kind === 'sum' || m.kind === 'avg' ? f.numeric : f.numeric || f.type === 'date' || f.type === 'timestamp')).map((f) => ({ value: f.key, label: lang === 'en' ? f.en : f.zh }))}
              />
            ) : null}
            <Typography.Text type="secondary">{t('本栏只统计满足以下条件的记录：', 'Counts only records meeting:')}</Typography.Text>
            <FilterEditor cat={cat} source={source} filters={m.where ?? []} onChange={(w) => setMeasure({ ...m, where: w.length ? w : undefined } as Measure)} />
          </Flex>
        )}
      </div>
    </Card>
  );
}

export default function TemplateEditorPage() {
  const { id } = useParams();
  const editing = id ? Number(id) : null;
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const departments = useDepartments();
  const cat = useApi((signal) => call.get('/api/reports/sources', { signal }), []);
  const [input, setInput] = useState<TemplateInput>(blank);
  const [json, setJson] = useState('');
  const [tab, setTab] = useState('guided');
  const [check, setCheck] = useState<TemplateCheck | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!editing) return;
    call.get('/api/reports/templates/{id}', { path: { id: editing } }).then(
      (x) =>
        setInput({
          code: x.code, title: x.title, legalBasis: x.legalBasis, purpose: x.purpose, cadence: x.cadence, deadlineDays: x.deadlineDays, onceStart: x.onceStart, onceEnd: x.onceEnd,
          submitLevel: x.submitLevel, entitledDepartments: x.entitledDepartments.filter((c) => c !== x.departmentCode), handMinutesBefore: x.handMinutesBefore, definition: x.definition,
        }),
      (err: ApiError) => setError(err),
    );
  }, [editing]);

  const def = input.definition;
  const setDef = (d: Partial<Definition>) => setInput((i) => ({ ...i, definition: { ...i.definition, ...d } }));
  const nextKey = (prefix: string, taken: string[]) => {
    for (let n = 1; ; n++) if (!taken.includes(`${prefix}${n}`)) return `${prefix}${n}`;
  };
  const body = (): TemplateInput => {
    const b: TemplateInput = { ...input, onceStart: input.cadence === 'once' ? input.onceStart : undefined, onceEnd: input.cadence === 'once' ? input.onceEnd : undefined };
    if (editing) delete b.code;
    else if (!b.code) delete b.code;
    return b;
  };
  const fromJson = (): boolean => {
    if (tab !== 'json') return true;
    try {
      setInput(JSON.parse(json) as TemplateInput);
      return true;
    } catch {
      setError(new ApiError(400, 'CLIENT', t('JSON 格式不正确', 'The JSON is not valid')));
      return false;
    }
  };
  const runCheck = async () => {
    if (!fromJson()) return;
    setError(null);
    try {
      setCheck(await call.post('/api/reports/templates/check', { body: tab === 'json' ? JSON.parse(json) : body() }));
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const save = async () => {
    if (!fromJson()) return;
    setBusy(true);
    setError(null);
    try {
      const payload = tab === 'json' ? JSON.parse(json) : body();
      const x = editing ? await call.put('/api/reports/templates/{id}', { path: { id: editing }, body: payload }) : await call.post('/api/reports/templates', { body: payload });
      message.success(t('草稿已保存', 'Draft saved'));
      navigate(`/reports/templates/${x.id}`);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const deptOptions = useMemo(() => [...new Map((departments ?? []).map((d) => [d.code, d])).values()].map((d) => ({ value: d.code, label: <UserText>{d.shortName}</UserText> })), [departments]);
  const c = cat.data;

  const guided = c ? (
    <Flex vertical gap={16}>
      <Card size="small" title={t('一、报表是什么、为什么要', '1. What it is and why')}>
        <Form layout="vertical">
          <Row gutter={12}>
            <Col xs={24} md={12}>
              <Form.Item label={t('报表名称', 'Title')} required>
                <Input value={input.title} maxLength={80} onChange={(e) => setInput({ ...input, title: e.target.value })} data-testid="tpl-title" data-user="" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item label={t('报表编号（可不填，自动生成）', 'Code (optional)')}>
                <Input value={input.code ?? ''} disabled={!!editing} placeholder="mz_low_income" onChange={(e) => setInput({ ...input, code: e.target.value || undefined })} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item label={t('制表依据（法律法规或文件）', 'Legal basis')} required>
                <Input.TextArea autoSize value={input.legalBasis} maxLength={500} onChange={(e) => setInput({ ...input, legalBasis: e.target.value })} data-testid="tpl-basis" data-user="" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item label={t('用途', 'Purpose')} required>
                <Input.TextArea autoSize value={input.purpose} maxLength={500} onChange={(e) => setInput({ ...input, purpose: e.target.value })} data-testid="tpl-purpose" data-user="" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item label={t('报送频次', 'Cadence')}>
                <Select value={input.cadence} onChange={(v) => setInput({ ...input, cadence: v })} options={[{ value: 'monthly', label: t('每月', 'monthly') }, { value: 'quarterly', label: t('每季度', 'quarterly') }, { value: 'yearly', label: t('每年', 'yearly') }, { value: 'once', label: t('一次性', 'once') }]} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item label={t('报告期结束后几天内报送', 'Days after the period')}>
                <InputNumber min={1} max={60} value={input.deadlineDays} onChange={(v) => setInput({ ...input, deadlineDays: v ?? 5 })} />
              </Form.Item>
            </Col>
            {input.cadence === 'once' ? (
              <Col xs={24} md={12}>
                <Form.Item label={t('统计期', 'Period')}>
                  <DatePicker.RangePicker value={input.onceStart && input.onceEnd ? [dayjs(input.onceStart), dayjs(input.onceEnd)] : null} onChange={(d) => setInput({ ...input, onceStart: d?.[0]?.format('YYYY-MM-DD') ?? null, onceEnd: d?.[1]?.format('YYYY-MM-DD') ?? null })} />
                </Form.Item>
              </Col>
            ) : null}
            <Col xs={12} md={6}>
              <Form.Item label={t('报送单位', 'Submitted by')}>
                <Select value={input.submitLevel} onChange={(v) => setInput({ ...input, submitLevel: v })} options={[{ value: 'community', label: t('社区（村）', 'communities') }, { value: 'street', label: t('街道（乡镇）', 'streets') }]} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item label={t('原来手工填一次要几分钟', 'Minutes by hand per filling')}>
                <InputNumber min={0} value={input.handMinutesBefore} onChange={(v) => setInput({ ...input, handMinutesBefore: v ?? 0 })} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item label={t('同时服务的其他部门（一次报送，共同使用）', 'Other departments served by the same submission')}>
                <Select mode="multiple" value={input.entitledDepartments} onChange={(v) => setInput({ ...input, entitledDepartments: v })} options={deptOptions} />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Card>
      <Card size="small" title={t('二、数据从哪里来', '2. Where the data comes from')}>
        <Flex vertical gap={12}>
          {def.sources.map((s, i) => (
            <Card key={i} size="small" style={{ background: '#fafafa' }}>
              <Space wrap style={{ marginBottom: 8 }}>
                <Tag>{s.key}</Tag>
                <Select
                  style={{ width: 200 }}
                  value={s.source}
                  onChange={(v) => setDef({ sources: def.sources.map((x, j) => (j === i ? { ...x, source: v, filters: v === 'label' ? [{ field: 'labelCode', op: 'eq', value: c.labels[0]?.code }] : [] } : x)) })}
                  options={c.sources.map((x) => ({ value: x.key, label: lang === 'en' ? x.en : x.zh }))}
                />
                {def.sources.length > 1 ? <Button size="small" icon={<DeleteOutlined />} onClick={() => setDef({ sources: def.sources.filter((_, j) => j !== i) })} /> : null}
              </Space>
              <FilterEditor cat={c} source={s.source} filters={s.filters} onChange={(f) => setDef({ sources: def.sources.map((x, j) => (j === i ? { ...x, filters: f } : x)) })} />
            </Card>
          ))}
          {def.sources.length < 4 ? (
            <Button icon={<PlusOutlined />} onClick={() => setDef({ sources: [...def.sources, { key: nextKey('s', def.sources.map((s) => s.key)), source: 'visit', filters: [] }] })}>
              {t('再加一个数据来源', 'Add a source')}
            </Button>
          ) : null}
        </Flex>
      </Card>
      <Card size="small" title={t('三、行怎么分', '3. Rows')}>
        <Flex vertical gap={8}>
          {def.rows.map((g, i) => (
            <Space key={i} wrap>
              <Select
                style={{ width: 150 }}
                value={g.by}
                onChange={(by) => {
                  const ng: Grouping = by === 'tree' ? { by: 'tree', level: 'grid' } : by === 'field' ? { by: 'field', field: 'sex' } : by === 'period' ? { by: 'period', unit: 'month' } : { by: 'ageBand', bands: [18, 60, 80] };
                  setDef({ rows: def.rows.map((x, j) => (j === i ? ng : x)) });
                }}
                options={[{ value: 'tree', label: t('按区划/网格', 'by place') }, { value: 'field', label: t('按代码字段', 'by coded field') }, { value: 'period', label: t('按时间', 'by period') }, { value: 'ageBand', label: t('按年龄段', 'by age band') }]}
              />
              {g.by === 'tree' ? <Select style={{ width: 140 }} value={g.level} onChange={(v) => setDef({ rows: def.rows.map((x, j) => (j === i ? { by: 'tree', level: v } : x)) })} options={[{ value: 'grid', label: t('网格', 'grid') }, { value: 'community', label: t('社区', 'community') }, { value: 'street', label: t('街道', 'street') }]} /> : null}
              {g.by === 'field' ? (
                <Select style={{ width: 180 }} value={g.field} onChange={(v) => setDef({ rows: def.rows.map((x, j) => (j === i ? { by: 'field', field: v } : x)) })} options={(c.sources.find((s) => s.key === def.sources[0]?.source)?.fields ?? []).filter((f) => f.groupable).map((f) => ({ value: f.key, label: lang === 'en' ? f.en : f.zh }))} />
              ) : null}
              {g.by === 'period' ? <Select style={{ width: 120 }} value={g.unit} onChange={(v) => setDef({ rows: def.rows.map((x, j) => (j === i ? { ...g, unit: v } : x)) })} options={[{ value: 'day', label: t('日', 'day') }, { value: 'month', label: t('月', 'month') }, { value: 'quarter', label: t('季度', 'quarter') }]} /> : null}
              {g.by === 'ageBand' ? <Input style={{ width: 200 }} value={g.bands.join(',')} onChange={(e) => setDef({ rows: def.rows.map((x, j) => (j === i ? { by: 'ageBand', bands: e.target.value.split(/[,，\s]+/).map(Number).filter((n) => n > 0) } : x)) })} prefix={t('分界', 'bounds')} /> : null}
              <Button size="small" icon={<DeleteOutlined />} onClick={() => setDef({ rows: def.rows.filter((_, j) => j !== i) })} />
            </Space>
          ))}
          {def.rows.length < 2 ? (
            <Button icon={<PlusOutlined />} onClick={() => setDef({ rows: [...def.rows, def.rows.length ? { by: 'field', field: 'sex' } : { by: 'tree', level: 'grid' }] })}>
              {t('加一级分组', 'Add a grouping')}
            </Button>
          ) : null}
          <Space>
            <Switch checked={def.totals} onChange={(v) => setDef({ totals: v })} />
            <span>{t('显示合计行', 'Total row')}</span>
          </Space>
        </Flex>
      </Card>
      <Card size="small" title={t('四、栏目（由基础数据计算）', '4. Columns (computed)')}>
        <Flex vertical gap={8}>
          {def.columns.map((col, i) => (
            <ColumnEditor
              key={col.key}
              cat={c}
              def={def}
              col={col}
              onChange={(nc) => setDef({ columns: def.columns.map((x, j) => (j === i ? nc : x)) })}
              onRemove={() => setDef({ columns: def.columns.filter((_, j) => j !== i) })}
            />
          ))}
          <Button icon={<PlusOutlined />} onClick={() => setDef({ columns: [...def.columns, { key: nextKey('c', def.columns.map((x) => x.key)), title: t('新栏目', 'New column'), measure: { kind: 'count' } }] })} data-testid="add-column">
            {t('加一栏', 'Add a column')}
          </Button>
        </Flex>
      </Card>
      <Card size="small" title={t('五、基础数据回答不了、需手工填写的项目（越少越好）', '5. Items entered by hand (keep them few)')}>
        <Flex vertical gap={8}>
          {def.manualFields.map((m, i) => {
            const set = (p: Partial<ManualField>) => setDef({ manualFields: def.manualFields.map((x, j) => (j === i ? { ...x, ...p } : x)) });
            return (
              <Space key={m.key} wrap>
                <Input data-user="" style={{ width: 200 }} value={m.title} onChange={(e) => set({ title: e.target.value })} prefix={t('名称', 'Title')} />
                <Select style={{ width: 110 }} value={m.type} onChange={(v) => set({ type: v, options: v === 'choice' ? ['是', '否'] : undefined })} options={[{ value: 'integer', label: t('整数', 'integer') }, { value: 'number', label: t('数字', 'number') }, { value: 'text', label: t('文字', 'text') }, { value: 'date', label: t('日期', 'date') }, { value: 'choice', label: t('选择', 'choice') }]} />
                <Select style={{ width: 110 }} value={m.scope} onChange={(v) => set({ scope: v })} options={[{ value: 'report', label: t('整表一项', 'per report') }, { value: 'row', label: t('每行一项', 'per row') }]} />
                {m.type === 'choice' ? <Input style={{ width: 200 }} value={(m.options ?? []).join(',')} onChange={(e) => set({ options: e.target.value.split(/[,，]/).map((s) => s.trim()).filter(Boolean) })} prefix={t('选项', 'options')} /> : null}
                <Space>
                  <Switch size="small" checked={m.required} onChange={(v) => set({ required: v })} />
                  {t('必填', 'required')}
                </Space>
                <Button size="small" icon={<DeleteOutlined />} onClick={() => setDef({ manualFields: def.manualFields.filter((_, j) => j !== i) })} />
              </Space>
            );
          })}
          <Button icon={<PlusOutlined />} onClick={() => setDef({ manualFields: [...def.manualFields, { key: nextKey('m', def.manualFields.map((x) => x.key)), title: t('说明', 'Remarks'), type: 'text', scope: 'report', required: false }] })}>
            {t('加一个手工项', 'Add an item')}
          </Button>
          <Input.TextArea data-user="" value={def.notes ?? ''} onChange={(e) => setDef({ notes: e.target.value || undefined })} placeholder={t('填表说明（可选）', 'Notes for filling in (optional)')} autoSize />
        </Flex>
      </Card>
    </Flex>
  ) : null;

  return (
    <div>
      <PageHeader
        title={editing ? t('修改报表草稿', 'Edit draft') : t('新建报表', 'New report')}
        subtitle={t('按向导填写，或在 JSON 中直接编辑；保存前可先检查', 'Use the guide or edit the JSON; check before saving')}
        extra={
          <>
            <Button icon={<SafetyCertificateOutlined />} onClick={runCheck} data-testid="check-template">
              {t('检查', 'Check')}
            </Button>
            <Button type="primary" icon={<SaveOutlined />} loading={busy} onClick={save} data-testid="save-template">
              {t('保存草稿', 'Save draft')}
            </Button>
          </>
        }
      />
      <ErrorAlert error={error ?? cat.error} style={{ marginBottom: 12 }} />
      {check ? (
        <div style={{ marginBottom: 12 }}>
          <CheckPanel check={check} />
        </div>
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          if (k === 'json') setJson(JSON.stringify(body(), null, 2));
          else if (!fromJson()) return;
          setTab(k);
        }}
        items={[
          { key: 'guided', label: t('向导', 'Guided'), children: guided },
          {
            key: 'json',
            label: 'JSON',
            children: (
              <>
                <Typography.Paragraph type="secondary">{t('模板即数据：与向导编辑的是同一份定义，字段见“数据源目录”。', 'The template is data: the same definition the guide edits.')}</Typography.Paragraph>
                <Input.TextArea value={json} onChange={(e) => setJson(e.target.value)} autoSize={{ minRows: 20, maxRows: 60 }} style={{ fontFamily: 'monospace', fontSize: 12 }} data-testid="tpl-json" />
              </>
            ),
          },
        ]}
      />
      <Divider />
    </div>
  );
}
