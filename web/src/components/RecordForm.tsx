// A record's form built from the field catalogue (GET /api/registry/catalogue): each field gets
// the input its type asks for (code tables as selects, dates as date pickers, related records as
// searchable selects). Secret fields (ID number, phone) are never filled with their masked
// value: left empty they stay as they are.
import { Col, DatePicker, Form, Input, InputNumber, Row, Select, Typography, type FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { FieldInfo, RecordKind, RecordOut } from '../api/types';
import { useI18n } from '../i18n';
import { useFields } from './fields';
import { RecordSelect } from './RecordSelect';

/** Sections of the resident form, in the order a register sheet has them. */
const residentSections: { title: [string, string]; keys: string[] }[] = [
  { title: ['身份信息', 'Identity'], keys: ['name', 'idType', 'idNumber', 'birthDate', 'sex', 'ethnicity'] },
  { title: ['联系与居住', 'Contact and residence'], keys: ['phone', 'residenceStatus', 'address', 'hukouAddress', 'residentSince', 'householdId', 'houseId', 'relationToHead'] },
  { title: ['基本情况', 'Situation'], keys: ['maritalStatus', 'politicalStatus', 'education', 'occupation', 'employer', 'notes'] },
];

const referenceKind: Record<string, RecordKind> = { householdId: 'household', houseId: 'house', buildingId: 'building', headResidentId: 'resident' };

export type FormValues = Record<string, unknown>;

/** Record values as the form holds them (dates as dayjs, secrets empty). */
export function toFormValues(fields: FieldInfo[], record: RecordOut | undefined): FormValues {
  const out: FormValues = {};
  if (!record) return out;
  for (const f of fields) {
    if (f.system) continue;
    const v = record[f.key];
    if (f.secret) out[f.key] = undefined;
    else if (f.type === 'date') out[f.key] = v ? dayjs(String(v)) : null;
    else out[f.key] = v ?? null;
  }
  return out;
}

/** What to send: every field on create; on edit only what changed (secrets only when typed). */
export function toBody(fields: FieldInfo[], values: FormValues, before?: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.system || !(f.key in values)) continue;
    let v = values[f.key];
    if (dayjs.isDayjs(v)) v = (v as Dayjs).format('YYYY-MM-DD');
    if (typeof v === 'string') v = v.trim();
    if (v === '' || v === undefined) v = null;
    if (f.secret && v === null) continue;
    if (before) {
      let b = before[f.key];
      if (dayjs.isDayjs(b)) b = (b as Dayjs).format('YYYY-MM-DD');
      if ((b ?? null) === v) continue;
    }
    if (!before && v === null) continue;
    body[f.key] = v;
  }
  return body;
}

/** The control for one field. Form.Item hands it value, onChange and id, which go on to the control. */
function FieldInput({ field, kind, record, gridId, ...control }: { field: FieldInfo; kind: RecordKind; record?: RecordOut; gridId?: number | null; value?: never; onChange?: never; id?: string }) {
  const { t, lang } = useI18n();
  if (field.codes) {
    const entries = Object.entries(field.codes);
    return (
      <Select
        {...control}
        allowClear
        showSearch={entries.length > 8 ? { optionFilterProp: 'label' } : undefined}
        options={entries.map(([v, n]) => ({ value: v, label: lang === 'en' ? n.en : n.zh }))}
        placeholder={t('请选择', 'Choose')}
        data-testid={`field-${field.key}`}
      />
    );
  }
  switch (field.type) {
    case 'date':
      return <DatePicker {...control} style={{ width: '100%' }} data-testid={`field-${field.key}`} />;
    case 'integer':
      return <InputNumber {...control} style={{ width: '100%' }} precision={0} data-testid={`field-${field.key}`} />;
    case 'number':
      return <InputNumber {...control} style={{ width: '100%' }} data-testid={`field-${field.key}`} />;
    case 'text':
      return <Input.TextArea {...control} rows={3} maxLength={1000} showCount data-testid={`field-${field.key}`} />;
    case 'reference':
      return referenceKind[field.key] ? (
        <RecordSelect {...control} kind={referenceKind[field.key]!} gridId={gridId ?? (record?.gridId as number | undefined)} testId={`field-${field.key}`} />
      ) : (
        <InputNumber {...control} style={{ width: '100%' }} />
      );
    default:
      if (field.secret) {
        const current = record?.[field.key] as string | null | undefined;
        return <Input {...control} placeholder={current ? t('当前 {v}，不修改请留空', 'Now {v}; leave empty to keep', { v: current }) : undefined} autoComplete="off" className="qc-masked" data-testid={`field-${field.key}`} />;
      }
      return <Input {...control} data-testid={`field-${field.key}`} />;
  }
  void kind;
}

export function RecordFields({ kind, form, record, gridId, only, extra }: { kind: RecordKind; form: FormInstance; record?: RecordOut; gridId?: number | null; only?: Set<string>; extra?: React.ReactNode }) {
  const { pick, t } = useI18n();
  const { fields, label } = useFields();
  const all = fields(kind).filter((f) => !f.system && (!only || only.has(f.key)));
  const item = (f: FieldInfo) => (
    <Col xs={24} md={f.type === 'text' ? 24 : 12} key={f.key}>
      <Form.Item
        name={f.key}
        label={label(kind, f.key)}
        rules={f.required && !(f.secret && record) ? [{ required: true, message: t('请填写{f}', 'Fill in {f}', { f: pick(f) }) }] : undefined}
        extra={f.key === 'idNumber' ? t('出生日期、性别将由证件号码自动得出；15 位旧号码会转换为 18 位', 'Birth date and sex are taken from the number; 15-digit numbers are converted') : undefined}
      >
        <FieldInput field={f} kind={kind} record={record} gridId={gridId} />
      </Form.Item>
    </Col>
  );
  void form;
  if (kind !== 'resident') {
    return (
      <Row gutter={16}>
        {extra}
        {all.map(item)}
      </Row>
    );
  }
  const placed = new Set(residentSections.flatMap((s) => s.keys));
  const rest = all.filter((f) => !placed.has(f.key));
  return (
    <>
      {extra ? <Row gutter={16}>{extra}</Row> : null}
      {residentSections.map((s) => {
        const inSection = s.keys.map((k) => all.find((f) => f.key === k)).filter((f): f is FieldInfo => !!f);
        if (!inSection.length) return null;
        return (
          <div key={s.title[0]}>
            <Typography.Title level={5} style={{ marginTop: 8 }}>
              {pick({ zh: s.title[0], en: s.title[1] })}
            </Typography.Title>
            <Row gutter={16}>{inSection.map(item)}</Row>
          </div>
        );
      })}
      {rest.length ? <Row gutter={16}>{rest.map(item)}</Row> : null}
    </>
  );
}
