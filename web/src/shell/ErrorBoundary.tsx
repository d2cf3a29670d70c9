import { Button, Result, Typography } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { reportClientError } from '../api/client';
import { useI18n } from '../i18n';

export interface BoundaryTexts {
  title: string;
  /** What to do, in the user's language: never the browser's message or a stack. */
  body: string;
  reload: string;
  stale: string;
  /** The label before the id ("请求编号"). */
  idLabel: string;
}

/**
 * A page that crashes shows a way back instead of a blank screen: a plain message in the user's
 * language and an id, under which the error went to the server's log (the browser's own message
 * and stack go there, not on screen). A stale chunk after an update asks for a reload.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string; texts: BoundaryTexts }, { error: Error | null; id: string | null }> {
  override state: { error: Error | null; id: string | null } = { error: null, id: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    const e = new Error(error.message);
    e.stack = `${error.stack ?? ''}\n--- component stack ---${info.componentStack ?? ''}`;
    this.setState({ id: reportClientError(e) });
  }

  override componentDidUpdate(prev: { resetKey?: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null, id: null });
  }

  override render() {
    const { error, id } = this.state;
    if (!error) return this.props.children;
    const stale = /dynamically imported module|Failed to fetch|Importing a module script failed/i.test(error.message);
    const { texts } = this.props;
    return (
      <Result
        status="warning"
        title={stale ? texts.stale : texts.title}
        subTitle={
          stale ? undefined : (
            <>
              <div>{texts.body}</div>
              {id ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="error-id">
                  {texts.idLabel}: {id}
                </Typography.Text>
              ) : null}
            </>
          )
        }
        extra={<Button onClick={() => window.location.reload()}>{texts.reload}</Button>}
        data-testid="error-boundary"
      />
    );
  }
}

/** The boundary's words in the user's language. */
export function useBoundaryTexts(): BoundaryTexts {
  const { t, tt } = useI18n();
  return {
    title: t('页面出错了', 'This page ran into a problem'),
    body: t('请重新加载页面；如仍出现此问题，请把下面的编号告诉技术支持。', 'Reload the page. If it happens again, give support the id below.'),
    reload: tt('reload'),
    stale: t('系统已更新，请重新加载页面', 'The app was updated: reload the page'),
    idLabel: tt('requestId'),
  };
}
