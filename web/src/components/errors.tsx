// Showing server errors readably: the server's own message (already in the user's language),
// the problems of each field on the form where the field is, and the request id in small print
// so that a support call can find the log line.
import { Alert, Button, Result, Typography, type FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { ServerText } from './UserText';

export function ErrorAlert({ error, onRetry, style, title }: { error: ApiError | null | undefined; onRetry?: () => void; style?: React.CSSProperties; title?: ReactNode }) {
  const { tt, lang } = useI18n();
  if (!error) return null;
  const issues = error.code === 'VALIDATION_FAILED' ? error.issues : [];
  return (
    <Alert
      type="error"
      showIcon
      style={style}
      title={title ?? <ServerText text={error.message} lang={lang} />}
      description={
        <>
          {title ? <div><ServerText text={error.message} lang={lang} /></div> : null}
          {issues.length > 1 ? (
            <ul style={{ margin: '4px 0', paddingLeft: 18 }}>
              {issues.map((i) => (
                <li key={`${i.field}-${i.message}`}><ServerText text={i.message} lang={lang} /></li>
              ))}
            </ul>
          ) : null}
          {error.requestId ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {tt('requestId')}: {error.requestId}
            </Typography.Text>
          ) : null}
        </>
      }
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {tt('retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/**
 * A whole page that could not load (404 for records out of scope, 403 for roles, network): the
 * server's message (already in the user's language), or for a problem in the page itself the
 * plain message clientError() gave it; with the request id either way.
 */
export function ErrorPage({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t, tt, lang } = useI18n();
  const status = error.status === 404 ? '404' : error.status === 403 ? '403' : error.status >= 500 ? '500' : 'error';
  return (
    <Result
      status={status}
      title={error.status === 404 ? t('未找到', 'Not found') : error.status === 403 ? t('无权访问', 'Not allowed') : t('加载失败', 'Could not load')}
      data-testid="error-page"
      subTitle={
        <>
          <div><ServerText text={error.message} lang={lang} /></div>
          {error.requestId ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="error-id">
              {tt('requestId')}: {error.requestId}
            </Typography.Text>
          ) : null}
        </>
      }
      extra={onRetry ? <Button onClick={onRetry}>{tt('retry')}</Button> : undefined}
    />
  );
}

/**
 * Puts the server's field errors on the form's fields. Returns true when at least one landed on a
 * field the form has, so the caller can skip a general message.
 */
export function applyFieldErrors(form: FormInstance, err: unknown, map: Record<string, string> = {}): boolean {
  if (!(err instanceof ApiError)) return false;
  const known = new Set(Object.keys(form.getFieldsValue(true)));
  const byField = new Map<string, string[]>();
  for (const i of err.issues) {
    const name = map[i.field] ?? i.field.split('.')[0] ?? '';
    if (!name || !known.has(name)) continue;
    byField.set(name, [...(byField.get(name) ?? []), i.message]);
  }
  if (err.field && !byField.size) {
    const name = map[err.field] ?? err.field;
    if (known.has(name)) byField.set(name, [err.message]);
  }
  if (!byField.size) return false;
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  form.scrollToField([...byField.keys()][0]!, { block: 'center', behavior: 'smooth' });
  return true;
}
