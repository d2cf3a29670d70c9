// The place the user is looking at (当前辖区): a node of the tree inside their own subtree. The
// dashboard, map, lists and to-do list all follow it. It starts at the user's own node, lives in
// the URL-independent session (so it survives reloads, not log-ins), and never goes above the
// user's node.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { TreeLevel } from '../api/types';
import { useAuth } from '../auth/AuthContext';

export interface Place {
  id: number;
  name: string;
  level: TreeLevel;
  path: string;
}

interface PlaceState {
  place: Place | null;
  /** The user's own node: the top of what they may choose. */
  home: Place | null;
  setPlace(p: Place): void;
  resetPlace(): void;
}

const PlaceContext = createContext<PlaceState | null>(null);

export function PlaceProvider({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  const home = useMemo<Place | null>(() => (me?.node ? { id: me.node.id, name: me.node.name, level: me.node.level, path: me.node.path } : null), [me?.node]);
  const key = me ? `qc_place_${me.user.id}` : null;
  const [place, setPlaceState] = useState<Place | null>(null);

  useEffect(() => {
    if (!home || !key) {
      setPlaceState(null);
      return;
    }
    try {
      const saved = JSON.parse(sessionStorage.getItem(key) ?? 'null') as Place | null;
      if (saved && typeof saved.path === 'string' && saved.path.startsWith(home.path)) {
        setPlaceState(saved);
        return;
      }
    } catch {
      /* ignore a damaged entry */
    }
    setPlaceState(home);
  }, [home, key]);

  const setPlace = useCallback(
    (p: Place) => {
      if (!home || !p.path.startsWith(home.path)) return;
      setPlaceState(p);
      if (key) sessionStorage.setItem(key, JSON.stringify(p));
    },
    [home, key],
  );
  const resetPlace = useCallback(() => {
    if (home) setPlace(home);
  }, [home, setPlace]);

  const value = useMemo(() => ({ place: place ?? home, home, setPlace, resetPlace }), [place, home, setPlace, resetPlace]);
  return <PlaceContext.Provider value={value}>{children}</PlaceContext.Provider>;
}

export function usePlace(): PlaceState {
  const v = useContext(PlaceContext);
  if (!v) throw new Error('usePlace outside PlaceProvider');
  return v;
}
