// Small pieces the certificate pages share: state tags, the verdict colours and icons, the meta tables.
import { call } from '../../api/typed';
import { ClockCircleOutlined, FileSearchOutlined, SafetyCertificateOutlined, StopOutlined, WarningOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import type { ComponentType, CSSProperties, ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { bi } from '../../components/UserText';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import type { CertState, Meta, RevokeCategory, VerdictStatus } from './types';

export function StateTag({ state }: { state: CertState }) {
  const { t } = useI18n();
  if (state === 'revoked') return <Tag color="red">{t('已作废', 'Revoked')}</Tag>;
  if (state === 'expired') return <Tag color="orange">{t('已过期', 'Expired')}</Tag>;
  return <Tag color="green">{t('有效', 'Valid')}</Tag>;
}

/**
 * Each verdict has its own colour and its own icon, so that an answer is told apart at a glance
 * (and without colour): a shield for genuine, a stop sign for revoked, a clock for expired, a
 * warning triangle for forged, a magnifier over a page for not found.
 */
export const verdictLook: Record<VerdictStatus, { color: string; zh: string; en: string; result: 'success' | 'error' | 'warning' | 'info'; icon: ComponentType<{ style?: CSSProperties }>; iconName: string }> = {
  valid: { color: '#389e0d', zh: '真实有效', en: 'Genuine and valid', result: 'success', icon: SafetyCertificateOutlined, iconName: 'safety-certificate' },
  revoked: { color: '#cf1322', zh: '已作废', en: 'Revoked', result: 'error', icon: StopOutlined, iconName: 'stop' },
  expired: { color: '#d46b08', zh: '已过期', en: 'Expired', result: 'warning', icon: ClockCircleOutlined, iconName: 'clock-circle' },
  forged: { color: '#a8071a', zh: '伪造或被篡改', en: 'Forged or altered', result: 'error', icon: WarningOutlined, iconName: 'warning' },
  not_found: { color: '#595959', zh: '查无此证', en: 'Not found', result: 'info', icon: FileSearchOutlined, iconName: 'file-search' },
};

let metaPromise: Promise<Meta> | null = null;

/** Placeholders, precondition kinds and the assisted-service code tables (loaded once). */
export function useCertMeta(): Meta | undefined {
  const [meta, setMeta] = useState<Meta | undefined>(undefined);
  useEffect(() => {
    metaPromise ??= call.get('/api/certificates/meta', {}).catch((e) => {
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

let categoriesPromise: Promise<RevokeCategory[]> | null = null;

/** Revocation categories (loaded once a session; the list changes rarely). */
export function useRevokeCategories(): RevokeCategory[] | undefined {
  const [list, setList] = useState<RevokeCategory[] | undefined>(undefined);
  useEffect(() => {
    categoriesPromise ??= call.get('/api/certificates/revoke-categories', { query: { includeInactive: true } }).catch((e) => {
      categoriesPromise = null;
      throw e;
    });
    let live = true;
    categoriesPromise.then((m) => live && setList(m), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  return list;
}

/**
 * A certificate's title as the reader reads it: a certificate keeps the Chinese title it was
 * issued under; while the catalogue entry still bears that title, its English is known.
 */
export function useKindTitle(): (kind: string, title: string) => ReactNode {
  const { lang } = useI18n();
  const kinds = useApi((signal) => call.get('/api/certificates/kinds', { query: { includeInactive: true }, signal }), []);
  return (kind, title) => {
    const k = kinds.data?.find((x) => x.code === kind);
    return bi(lang, title, k && k.title === title ? k.en?.title : undefined);
  };
}
