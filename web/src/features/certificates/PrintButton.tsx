// 打印: the server draws, signs and stamps the PDF, which takes a moment (seconds on a busy
// machine). Instead of a dimmed button, the worker sees where it is: drawing (with the seconds
// elapsed), downloading (with the share received), then the PDF opens in a new tab for printing.
// A blocked pop-up or a refusal (a revoked certificate) is said plainly, with a way on.
import { CheckCircleFilled, FilePdfOutlined, LoadingOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Modal, Progress, Steps, Typography } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, type ErrorBody } from '../../api/client';
import { ErrorAlert } from '../../components/errors';
import { useI18n } from '../../i18n';

type Phase = 'drawing' | 'downloading' | 'opened' | 'blocked' | 'failed';

interface State {
  phase: Phase;
  started: number;
  received: number;
  total: number | null;
  url: string | null;
  error: ApiError | null;
}

/** Reads the PDF with progress; the session cookie goes along as with every API call. */
async function fetchPdf(path: string, lang: 'zh' | 'en', onProgress: (received: number, total: number | null, headersIn: boolean) => void, signal: AbortSignal): Promise<Blob> {
  const res = await fetch(`/api${path}`, { credentials: 'same-origin', headers: { 'accept-language': lang === 'en' ? 'en' : 'zh-CN' }, signal });
  if (!res.ok) {
    let e: ErrorBody['error'] | undefined;
    try {
      e = ((await res.json()) as ErrorBody).error;
    } catch {
      e = undefined;
    }
    throw e ? new ApiError(res.status, e.code, e.message, e.field, e.details, e.requestId) : new ApiError(res.status, `HTTP_${res.status}`, lang === 'en' ? `The server answered ${res.status}` : `服务器返回错误（${res.status}）`);
  }
  const total = Number(res.headers.get('content-length')) || null;
  onProgress(0, total, true);
  if (!res.body) return res.blob();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(received, total, true);
  }
  return new Blob(chunks as BlobPart[], { type: 'application/pdf' });
}

export function PrintButton({ pdfUrl, filename, label, testId, type = 'primary', onPrinted }: { pdfUrl: string; filename: string; label?: ReactNode; testId?: string; type?: 'primary' | 'default'; onPrinted?(): void }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<State | null>(null);
  const [now, setNow] = useState(Date.now());
  const ctrl = useRef<AbortController | null>(null);
  const path = pdfUrl.startsWith('/api') ? pdfUrl.slice(4) : pdfUrl;

  useEffect(() => {
    if (state?.phase !== 'drawing' && state?.phase !== 'downloading') return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [state?.phase]);

  // Leaving the page stops a print under way; a PDF's address is let go once it is no longer shown.
  useEffect(() => () => ctrl.current?.abort(), []);
  const url = state?.url ?? null;
  useEffect(() => {
    if (!url) return;
    return () => URL.revokeObjectURL(url);
  }, [url]);

  const start = async () => {
    // Opened now, in the click, so that the browser does not take it for an unwanted pop-up.
    const win = window.open('', '_blank');
    if (win) {
      win.document.title = t('正在生成证明…', 'Preparing the certificate…');
      const note = win.document.createElement('p');
      note.style.cssText = 'font:16px sans-serif;padding:24px;color:#555';
      note.textContent = t('正在生成证明 PDF，请稍候…', 'Preparing the certificate PDF, one moment…');
      win.document.body.replaceChildren(note);
    }
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    const started = Date.now();
    setNow(started);
    setState({ phase: 'drawing', started, received: 0, total: null, url: null, error: null });
    try {
      const blob = await fetchPdf(path, lang, (received, total) => setState((s) => (s ? { ...s, phase: 'downloading', received, total } : s)), c.signal);
      const url = URL.createObjectURL(blob);
      if (win && !win.closed) {
        win.location.href = url;
        setState((s) => (s ? { ...s, phase: 'opened', url } : s));
      } else setState((s) => (s ? { ...s, phase: 'blocked', url } : s));
      onPrinted?.();
    } catch (e) {
      win?.close();
      if ((e as Error).name === 'AbortError') return;
      const err = e instanceof ApiError ? e : new ApiError(0, 'NETWORK', t('无法连接服务器，请检查网络后重试', 'Cannot reach the server. Check the network and try again.'));
      setState((s) => (s ? { ...s, phase: 'failed', error: err } : s));
    }
  };

  const close = () => {
    ctrl.current?.abort();
    setState(null);
  };

  const busy = state?.phase === 'drawing' || state?.phase === 'downloading';
  const seconds = state ? Math.max(0, Math.floor((now - state.started) / 1000)) : 0;
  const current = !state ? 0 : state.phase === 'drawing' ? 0 : state.phase === 'downloading' ? 1 : 2;
  const percent = !state ? 0 : state.phase === 'drawing' ? Math.min(60, 8 + seconds * 12) : state.phase === 'downloading' ? 60 + (state.total ? Math.round((state.received / state.total) * 38) : 20) : 100;

  return (
    <>
      <Button type={type} icon={<FilePdfOutlined />} onClick={() => void start()} loading={busy} data-testid={testId}>
        {label ?? t('打印', 'Print')}
      </Button>
      <Modal
        open={state !== null}
        title={t('打印证明', 'Print the certificate')}
        onCancel={close}
        footer={busy ? <Button onClick={close}>{t('取消', 'Cancel')}</Button> : <Button type="primary" onClick={close} data-testid="cert-print-close">{t('关闭', 'Close')}</Button>}
        destroyOnHidden
      >
        <div data-testid="cert-print-progress" data-phase={state?.phase}>
          {state?.phase === 'failed' ? (
            <ErrorAlert error={state.error} />
          ) : (
            <>
              <Steps
                size="small"
                current={current}
                status={state?.phase === 'blocked' ? 'error' : undefined}
                items={[
                  { title: t('生成', 'Drawing'), content: t('签名、盖章、二维码', 'signature, seal, QR code'), icon: state?.phase === 'drawing' ? <LoadingOutlined /> : undefined },
                  { title: t('下载', 'Download'), icon: state?.phase === 'downloading' ? <LoadingOutlined /> : undefined },
                  { title: t('打开打印', 'Open to print'), icon: state?.phase === 'opened' ? <CheckCircleFilled style={{ color: '#389e0d' }} /> : undefined },
                ]}
                style={{ marginBottom: 16 }}
              />
              <Progress percent={percent} status={busy ? 'active' : state?.phase === 'blocked' ? 'exception' : 'success'} showInfo={false} />
              <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }} data-testid="cert-print-status">
                {state?.phase === 'drawing'
                  ? t('正在生成 PDF（已用 {s} 秒）…', 'Drawing the PDF ({s} s so far)…', { s: seconds })
                  : state?.phase === 'downloading'
                    ? state.total
                      ? t('正在下载 {r} / {n} KB…', 'Downloading {r} / {n} KB…', { r: Math.round(state.received / 1024), n: Math.round(state.total / 1024) })
                      : t('正在下载…', 'Downloading…')
                    : state?.phase === 'opened'
                      ? t('已在新标签页打开，请在其中打印（用时 {s} 秒）。', 'Opened in a new tab: print it from there (took {s} s).', { s: seconds })
                      : null}
              </Typography.Paragraph>
              {state?.phase === 'blocked' || state?.phase === 'opened' ? (
                <Flex gap={8} wrap style={{ marginTop: 12 }}>
                  {state.phase === 'blocked' ? <Alert type="warning" showIcon title={t('浏览器拦截了新标签页，请点击下面的按钮打开 PDF。', 'The browser blocked the new tab: open the PDF with the button below.')} style={{ width: '100%' }} /> : null}
                  <Button href={state.url ?? undefined} target="_blank" data-testid="cert-print-open">{t('打开 PDF', 'Open the PDF')}</Button>
                  <Button href={state.url ?? undefined} download={filename}>{t('下载 PDF', 'Download the PDF')}</Button>
                </Flex>
              ) : null}
            </>
          )}
        </div>
      </Modal>
    </>
  );
}
