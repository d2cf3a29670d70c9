// Small pieces the certificate pages share: state tags, the verdict colours, the meta tables.
import { Tag } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import type { CertState, Meta, VerdictStatus } from './types';

export function StateTag({ state }: { state: CertState }) {
  const { t } = useI18n();
  if (state === 'revoked') return <Tag color="red">{t('已作废', 'Revoked')}</Tag>;
  if (state === 'expired') return <Tag color="orange">{t('已过期', 'Expired')}</Tag>;
  return <Tag color="green">{t('有效', 'Valid')}</Tag>;
}

export const verdictLook: Record<VerdictStatus, { color: string; zh: string; en: string; result: 'success' | 'error' | 'warning' | 'info' }> = {
  valid: { color: '#389e0d', zh: '真实有效', en: 'Genuine and valid', result: 'success' },
  revoked: { color: '#cf1322', zh: '已作废', en: 'Revoked', result: 'error' },
  expired: { color: '#d46b08', zh: '已过期', en: 'Expired', result: 'warning' },
  forged: { color: '#cf1322', zh: '伪造或被篡改', en: 'Forged or altered', result: 'error' },
  not_found: { color: '#595959', zh: '查无此证', en: 'Not found', result: 'info' },
};

let metaPromise: Promise<Meta> | null = null;

/** Placeholders, precondition kinds and the assisted-service code tables (loaded once). */
export function useCertMeta(): Meta | undefined {
  const [meta, setMeta] = useState<Meta | undefined>(undefined);
  useEffect(() => {
    metaPromise ??= api.get<Meta>('/certificates/meta').catch((e) => {
      metaPromise = null;
      throw e;
    });
    let live = true;
    metaPromise.then((m) => live && setMeta(m), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  return meta;
}

/** Opens a PDF the server makes (with the session cookie) in a new tab. */
export function openPdf(url: string) {
  window.open(url.startsWith('/api') ? url : `/api${url}`, '_blank', 'noopener');
}
