import { Button, Result } from 'antd';
import { Component, type ReactNode } from 'react';

/** A page that crashes shows a way back instead of a blank screen (and a stale chunk after an update asks for a reload). */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string; texts: { title: string; reload: string; stale: string } }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey?: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const stale = /dynamically imported module|Failed to fetch|Importing a module script failed/i.test(error.message);
    return (
      <Result
        status="warning"
        title={stale ? this.props.texts.stale : this.props.texts.title}
        subTitle={stale ? undefined : error.message}
        extra={<Button onClick={() => window.location.reload()}>{this.props.texts.reload}</Button>}
      />
    );
  }
}
