// Reference data many pages share and that rarely changes: the field catalogue, label kinds,
// field policies and departments. Loaded once per session and kept; `invalidateReference` drops
// a kind after an admin changes it.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Catalogue, Department, FieldPolicy, LabelKind } from '../api/types';

type Key = 'catalogue' | 'labels' | 'policies' | 'departments';
const loaders: Record<Key, () => Promise<unknown>> = {
  catalogue: () => api.get<Catalogue>('/registry/catalogue'),
  labels: () => api.get<LabelKind[]>('/labels'),
  policies: () => api.get<FieldPolicy[]>('/field-policies'),
  departments: () => api.get<Department[]>('/departments'),
};
const cache = new Map<Key, Promise<unknown>>();
const listeners = new Map<Key, Set<() => void>>();

function fetchRef<T>(key: Key): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = loaders[key]().catch((err) => {
      cache.delete(key);
      throw err;
    });
    cache.set(key, p);
  }
  return p as Promise<T>;
}

export function invalidateReference(key?: Key): void {
  for (const k of key ? [key] : (Object.keys(loaders) as Key[])) {
    cache.delete(k);
    listeners.get(k)?.forEach((fn) => fn());
  }
}

function useRef<T>(key: Key): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const set = listeners.get(key) ?? new Set();
    const fn = () => setTick((x) => x + 1);
    set.add(fn);
    listeners.set(key, set);
    return () => void set.delete(fn);
  }, [key]);
  useEffect(() => {
    let live = true;
    fetchRef<T>(key).then(
      (v) => live && setValue(v),
      () => live && setValue(undefined),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  return value;
}

export const useCatalogue = () => useRef<Catalogue>('catalogue');
export const useLabelKinds = () => useRef<LabelKind[]>('labels');
export const useFieldPolicies = () => useRef<FieldPolicy[]>('policies');
export const useDepartments = () => useRef<Department[]>('departments');
