// Reference data many pages share and that rarely changes: the field catalogue, label kinds,
// field policies and departments. Loaded once per session and kept; `invalidateReference` drops
// a kind after an admin changes it.
import { useEffect, useState } from 'react';
import type { Catalogue, Department, FieldPolicy, LabelKind } from '../api/types';
import { call } from '../api/typed';

type Key = 'catalogue' | 'labels' | 'policies' | 'departments';
// The hooks below hand out the shared shapes of api/types, which the pages read: narrower than the
// contract where the server's schema is open (a label's attributeSchema is unknown there; a field's
// type and a policy's kind are plain strings), so the answers are typed here and named there.
const loaders: Record<Key, () => Promise<unknown>> = {
  catalogue: () => call.get('/api/registry/catalogue', {}),
  labels: () => call.get('/api/labels', {}),
  policies: () => call.get('/api/field-policies', {}),
  departments: () => call.get('/api/departments', {}),
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
