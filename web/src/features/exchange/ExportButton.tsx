// A download button for any filtered list as xlsx: give it the record kind and the same filters
// the list uses (nodeId, labels, …) and it links to the export, which streams the file, masks ID
// numbers and phones, and writes the export to the audit log. List pages can drop it in as is.
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { withQuery } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import type { RecordKind } from './types';

export type ExportFilter = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

export function exportHref(kind: RecordKind, filter: ExportFilter, lang: 'zh' | 'en'): string {
  const clean: ExportFilter = {};
  for (const [k, v] of Object.entries(filter)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v) && !v.length) continue;
    clean[k] = v;
  }
  return withQuery(kind === 'resident' ? '/api/exports/residents' : `/api/exports/records/${kind}`, { ...clean, lang });
}

export function ExportButton({ kind, filter, type, label }: { kind: RecordKind; filter: ExportFilter; type?: 'primary' | 'default'; label?: string }) {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  if (!can('registry:export')) return null;
  return (
    <Tooltip title={t('导出为 Excel：身份证号、手机号遮蔽显示，导出记入审计日志', 'Export to Excel: ID numbers and phones masked; the export is logged')}>
      <Button type={type} icon={<DownloadOutlined />} href={exportHref(kind, filter, lang)} data-testid={`export-${kind}`}>
        {label ?? t('导出 Excel', 'Export to Excel')}
      </Button>
    </Tooltip>
  );
}
