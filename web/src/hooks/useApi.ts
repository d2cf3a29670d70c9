// Loading data for a page: the answer, the error (an ApiError with the server's message), a
// loading flag and reload(). A newer request cancels an older one, so a fast typist never sees
// stale results arrive last. Requests are repeated when the language changes, because the server
// answers in it.
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError, clientError } from '../api/client';
import { useI18n } from '../i18n';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
  setData(d: T | undefined): void;
}

/** The server's error as it came; anything else (a bug in the page) as a plain message with an id, never the browser's text. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return clientError(err);
}

export function useApi<T>(load: ((signal: AbortSignal) => Promise<T>) | null, deps: DependencyList): Loaded<T> {
  const { lang } = useI18n();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState<boolean>(load !== null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const fn = loadRef.current;
    if (!fn) {
      setLoading(false);
      return;
    }
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    fn(ctrl.signal).then(
      (d) => {
        if (ctrl.signal.aborted) return;
        setData(d);
        setLoading(false);
      },
      (err: unknown) => {
        if (ctrl.signal.aborted || (err as Error)?.name === 'AbortError') return;
        setError(toApiError(err));
        setLoading(false);
      },
    );
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, lang, tick, load === null]);

  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { data, error, loading, reload, setData };
}
