// 证明核验 (public): scan the QR code on a certificate (the phone opens this page with the signed
// content) or type its short code. The answer: genuine and valid, revoked, expired, forged, or
// never issued, with what the certificate says and whose key signed it.
import { SearchOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { Alert, Button, Card, Descriptions, Flex, Input, Skeleton, Space, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { toApiError } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { verdictLook } from './common';
import { PublicLayout } from './PublicLayout';
import type { Verdict } from './types';

function readQuery() {
  const q = new URLSearchParams(window.location.search);
  return { p: q.get('p') ?? '', code: q.get('code') ?? '' };
}

export function VerdictView({ v }: { v: Verdict }) {
  const { t, lang } = useI18n();
  const look = verdictLook[v.status];
  const Icon = look.icon;
  const c = v.certificate;
  return (
    <>
      <div className="qc-verdict" style={{ background: look.color }} data-testid="verdict" data-status={v.status}>
        <Flex align="center" gap={12}>
          <span data-testid="verdict-icon" data-icon={look.iconName} aria-hidden><Icon style={{ fontSize: 36 }} /></span>
          <div>
            <div className="qc-verdict-title" data-testid="verdict-title">{lang === 'en' ? look.en : look.zh}</div>
            <div>{v.message.replace(/^[^：:]{1,12}[：:]\s*/, '')}</div>
          </div>
        </Flex>
      </div>
      {c ? (
        <Card title={c.title} extra={<Typography.Text type="secondary">{c.number}</Typography.Text>} style={{ marginBottom: 16 }}>
          {v.status === 'revoked' ? (
            <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('{at} 由出具单位作废', 'Revoked by the issuing unit on {at}', { at: c.revokedAt ? dayjs(c.revokedAt).format('YYYY-MM-DD HH:mm') : '' })} description={c.revokeCategory ? t('作废类别：{r}', 'Category: {r}', { r: c.revokeCategory }) : undefined} data-testid="verdict-revoked" />
          ) : null}
          <Descriptions column={{ xs: 1, sm: 2 }} size="small">
            <Descriptions.Item label={t('出具单位', 'Issued by')}>{c.unitName}</Descriptions.Item>
            <Descriptions.Item label={t('证明对象', 'About')}>{c.subjectName}<span className="qc-masked" style={{ marginLeft: 8 }}>{c.subjectIdMasked}</span></Descriptions.Item>
            <Descriptions.Item label={t('出具日期', 'Issued on')}>{c.issuedOn}</Descriptions.Item>
            <Descriptions.Item label={t('有效期至', 'Valid until')}>{c.validUntil}</Descriptions.Item>
            {c.recipient ? <Descriptions.Item label={t('致送单位', 'Addressed to')}>{c.recipient}</Descriptions.Item> : null}
            <Descriptions.Item label={t('核验码', 'Code')}>{c.verifyCode}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 12 }}>{t('证明内容', 'What it says')}</Typography.Title>
          <div className="qc-cert-text" data-testid="verdict-text">{c.text}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('为保护个人信息，证件号码中间部分已遮蔽；请与纸质证明核对。', 'ID numbers are partly masked to protect the person; compare with the paper.')}</Typography.Text>
        </Card>
      ) : null}
      {!c && v.claimed ? (
        <Card title={t('二维码声称的内容（不可信）', 'What the QR code claims (not to be trusted)')} style={{ marginBottom: 16 }}>
          <Descriptions column={{ xs: 1, sm: 2 }} size="small">
            <Descriptions.Item label={t('编号', 'Number')}>{v.claimed.number}</Descriptions.Item>
            <Descriptions.Item label={t('证明对象', 'About')}>{v.claimed.subjectName} {v.claimed.subjectIdMasked}</Descriptions.Item>
            <Descriptions.Item label={t('出具日期', 'Issued on')}>{v.claimed.issuedOn}</Descriptions.Item>
            <Descriptions.Item label={t('有效期至', 'Valid until')}>{v.claimed.validUntil}</Descriptions.Item>
          </Descriptions>
        </Card>
      ) : null}
      {v.signature ? (
        <Card size="small" title={t('电子签名', 'Electronic signature')}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('验签结果', 'Signature')}>{v.signature.valid ? t('通过', 'valid') : t('不通过', 'does not match')}</Descriptions.Item>
            <Descriptions.Item label={t('算法', 'Algorithm')}>{v.signature.algorithm === 'SM2' ? t('SM2 数字签名（SM3 杂凑，GB/T 32918）', 'SM2 with SM3 (GB/T 32918)') : v.signature.algorithm}{v.signature.signerId ? ` · ID ${v.signature.signerId}` : ''}</Descriptions.Item>
            <Descriptions.Item label={t('签名密钥', 'Key')}>{v.signature.kid} · {v.signature.unitName ?? ''}{v.signature.keyStatus === 'retired' ? t('（已轮换的旧密钥，仍可验证其签发的证明）', ' (a retired key: what it signed still verifies)') : ''}</Descriptions.Item>
          </Descriptions>
        </Card>
      ) : null}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12 }}>
        {t('核验时间 {t}。各出具单位的公钥公开发布（', 'Checked at {t}. Every unit’s public key is published (', { t: new Date(v.checkedAt).toLocaleString() })}
        <a href="/api/public/certificates/keys" target="_blank" rel="noreferrer">{t('公钥列表', 'keys')}</a>
        {t('），无需联网也可用国密工具验签二维码内容。', '), so the QR content can be checked offline with standard SM2 tools.')}
      </Typography.Paragraph>
    </>
  );
}

export default function VerifyPage() {
  const { t, lang } = useI18n();
  const initial = readQuery();
  const [code, setCode] = useState(initial.code);
  const [payload, setPayload] = useState('');
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  const run = async (input: { code?: string; payload?: string }) => {
    setLoading(true);
    setError(null);
    setVerdict(null);
    try {
      setVerdict(await call.post('/api/public/certificates/verify', { body: input }));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    const q = readQuery();
    if (q.p) void run({ payload: q.p });
    else if (q.code) void run({ code: q.code });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang]);

  const byCode = (c: string) => {
    const v = c.trim();
    if (!v) return;
    window.history.replaceState(null, '', `/verify?code=${encodeURIComponent(v)}`);
    void run({ code: v });
  };

  return (
    <PublicLayout active="verify">
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('证明核验', 'Check a certificate')}</Typography.Title>
      <Card className="qc-no-print" style={{ marginBottom: 16 }}>
        <Tabs
          items={[
            {
              key: 'code',
              label: t('输入核验码', 'Type the code'),
              children: (
                <Space.Compact style={{ width: '100%', maxWidth: 520 }}>
                  <Input size="large" value={code} onChange={(e) => setCode(e.target.value)} onPressEnter={() => byCode(code)} placeholder={t('证明右下方的 10 位核验码，如 K7QM9-XRT2B', 'The 10-character code printed on the certificate, e.g. K7QM9-XRT2B')} maxLength={20} data-testid="verify-code" />
                  <Button size="large" type="primary" icon={<SearchOutlined />} onClick={() => byCode(code)} loading={loading} data-testid="verify-submit">{t('核验', 'Check')}</Button>
                </Space.Compact>
              ),
            },
            {
              key: 'qr',
              label: t('粘贴二维码内容', 'Paste the QR content'),
              children: (
                <Flex vertical gap={8} style={{ maxWidth: 620 }}>
                  <Typography.Text type="secondary">{t('用手机相机扫描证明上的二维码会直接打开本页；如用其他扫码工具，可把读到的内容粘贴到这里。', 'Scanning the QR code with a phone camera opens this page directly; from another scanner, paste what it read here.')}</Typography.Text>
                  <Input.TextArea rows={3} value={payload} onChange={(e) => setPayload(e.target.value)} data-testid="verify-payload" />
                  <Button type="primary" onClick={() => payload.trim() && void run({ payload: payload.trim() })} loading={loading} style={{ alignSelf: 'flex-start' }}>{t('核验', 'Check')}</Button>
                </Flex>
              ),
            },
          ]}
        />
      </Card>
      <ErrorAlert error={error} style={{ marginBottom: 16 }} />
      {loading ? <Skeleton active /> : null}
      {verdict ? <VerdictView v={verdict} /> : null}
    </PublicLayout>
  );
}
