// Who is logged in: GET /api/auth/me on start and after log-in. The menu, the routes and the
// place navigator all read it. A lost session anywhere sends the user back to the log-in page
// with the server's reason (expired, revoked).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setSessionLostHandler } from '../api/client';
import type { Me, Permission, UiConfig } from '../api/types';
import { useI18n } from '../i18n';

export interface Auth {
  me: Me | null;
  /** True until the first "who am I" answer. */
  checking: boolean;
  /** Why the last session ended (shown on the log-in page), if it ended on its own. */
  lostReason: string | null;
  ui: UiConfig;
  refresh(): Promise<Me | null>;
  logout(): Promise<void>;
  can(permission: Permission | readonly Permission[] | undefined): boolean;
}

const AuthContext = createContext<Auth | null>(null);
const defaultUi: UiConfig = { tileUrl: '', passwordMinLength: 10, passwordMinClasses: 3, sessionIdleMinutes: 30 };

export function AuthProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);
  const [lostReason, setLostReason] = useState<string | null>(null);
  const [ui, setUi] = useState<UiConfig>(defaultUi);

  const refresh = useCallback(async () => {
    try {
      const m = await api.quiet.get<Me>('/auth/me');
      setMe(m);
      setLostReason(null);
      return m;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setMe(null);
        return null;
      }
      throw err;
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setChecking(false));
    api.quiet.get<UiConfig>('/ui/config').then(setUi, () => undefined);
  }, [refresh]);

  // Role names come from the server in the caller's language.
  useEffect(() => {
    if (me) refresh().catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang]);

  useEffect(() => {
    setSessionLostHandler((err) => {
      setLostReason(err.message);
      setMe(null);
    });
    return () => setSessionLostHandler(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      /* the session may already be gone: the user is logged out either way */
    }
    setLostReason(null);
    setMe(null);
  }, []);

  const value = useMemo<Auth>(
    () => ({
      me,
      checking,
      lostReason,
      ui,
      refresh,
      logout,
      can: (p) => {
        if (!p) return true;
        if (!me) return false;
        const list = typeof p === 'string' ? [p] : p;
        return list.some((x) => me.permissions.includes(x));
      },
    }),
    [me, checking, lostReason, ui, refresh, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
