// Editing a resident in a drawer: the form from the catalogue, the version read sent back, and a
// clear choice when someone else saved first (409 RECORD_VERSION_CONFLICT): reload their version,
// or keep editing and re-apply.
import { Alert, App, Button, Drawer, Flex, Form, Input } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, type ApiError } from '../api/client';
import type { RecordKind, RecordOut } from '../api/types';
import { call, type BodyOf, type ResponseOf } from '../api/typed';
import { applyFieldErrors } from './errors';
import { useFields } from './fields';
import { RecordFields, toBody, toFormValues } from './RecordForm';
import { useMobile } from '../hooks/useMobile';
import { useI18n } from '../i18n';

/** A record as the server answers it: common columns, then the fields of its kind (open: they come from the catalogue). */
type Edited = ResponseOf<'/api/records/{kind}/{id}'>;

export function RecordEditor({ kind, record, only, open, onClose, onSaved, reload }: { kind: RecordKind; record: Edited; only?: Set<string>; open: boolean; onClose(): void; onSaved(): void; reload(): Promise<Edited | undefined> }) {
  const { t, tt } = useI18n();
  const { fields } = useFields();
  const mobile = useMobile();
  const { modal, message } = App.useApp();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [base, setBase] = useState<Edited>(record);
  // The form helpers still take the hand-written RecordOut, whose kind is the union the server names a string.
  const baseRecord = base as RecordOut;
  const defs = useMemo(() => fields(kind).filter((f) => !only || only.has(f.key)), [fields, kind, only]);
  const before = useMemo(() => toFormValues(defs, baseRecord), [defs, baseRecord]);

  // Each opening edits the record as last read (the drawer builds the form afresh each time).
  useEffect(() => {
    if (open) {
      setBase(record);
      setError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const save = async (values: Record<string, unknown>) => {
    const { reason, ...rest } = values as Record<string, unknown> & { reason?: string };
    const body = toBody(defs, rest, before);
    if (!Object.keys(body).length) {
      message.info(t('没有修改', 'Nothing changed'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const sent = { ...body, version: base.version, reason: reason?.trim() || undefined };
      // The fields come from the catalogue at run time, so the contract can check the path, not each field.
      if (kind === 'resident') await call.patch('/api/residents/{id}', { path: { id: record.id }, body: sent as BodyOf<'/api/residents/{id}', 'patch'> });
      // The contract has one PATCH path per kind (/api/records/building/{id} …), none for /api/records/{kind}/{id}.
      else await api.patch(`/records/${kind}/${record.id}`, sent);
      message.success(t('已保存', 'Saved'));
      onSaved();
    } catch (err) {
      const e = err as ApiError;
      if (e.code === 'RECORD_VERSION_CONFLICT' || e.code === 'CONFLICT') {
        modal.confirm({
          title: t('他人已修改该记录', 'Someone else changed this record'),
          content: (
            <>
              <p>{e.message}</p>
              <p>{t('重新加载将显示对方保存的内容，您尚未保存的修改需重新填写。也可以取消，先记下您的修改。', 'Reloading shows what they saved; your unsaved changes will need to be entered again. Or cancel and note your changes first.')}</p>
            </>
          ),
          okText: t('重新加载', 'Reload'),
          cancelText: tt('cancel'),
          onOk: async () => {
            const fresh = await reload();
            if (fresh) {
              setBase(fresh);
              setError(null);
              // Their version replaces whatever was typed here (the dialog said so).
              form.resetFields();
              form.setFieldsValue(toFormValues(defs, fresh as RecordOut));
            }
          },
        });
        setError(e);
      } else if (!applyFieldErrors(form, err)) setError(e);
      else setError(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('编辑：{n}', 'Edit: {n}', { n: String(record.name ?? record.householdNo ?? record.roomNo ?? `#${record.id}`) })}
      size={mobile ? '100%' : 720}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{tt('cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="record-save">
            {tt('save')}
          </Button>
        </Flex>
      }
    >
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 16 }} data-testid="record-save-error" /> : null}
      <Form form={form} layout="vertical" onFinish={save} initialValues={before} scrollToFirstError>
        <RecordFields kind={kind} form={form} record={baseRecord} only={only} />
        <Form.Item name="reason" label={t('修改说明（记入变更历史）', 'Why (kept in the history)')}>
          <Input maxLength={500} placeholder={t('如：入户核实后更新', 'e.g. updated after a home visit')} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
