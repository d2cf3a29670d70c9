// Language: Chinese by default, English on request. The choice is remembered in localStorage,
// sent to the server (Accept-Language on every call and the qc_lang cookie) so that its messages
// follow, and drives Ant Design's locale and dayjs.
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { createContext, createElement, Fragment, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { setApiLang, type Lang } from '../api/client';
import { terms, type Term } from './terms';

export type { Lang };

const STORAGE_KEY = 'qc_lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    /* storage blocked: fall back to Chinese */
  }
  return 'zh';
}

function apply(lang: Lang) {
  setApiLang(lang);
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.title = `${terms.appName[lang === 'en' ? 1 : 0]} · ${terms.appTagline[lang === 'en' ? 1 : 0]}`;
  document.cookie = `qc_lang=${lang}; path=/; max-age=31536000; SameSite=Strict`;
}

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  /** A pair written in place: t('居民', 'Residents'). `{name}` is filled from params. */
  t(zh: string, en: string, params?: Record<string, string | number>): string;
  /** A word from the shared dictionary. */
  tt(term: Term): string;
  /**
   * A pair with elements in it: tn('{p} 的证明', 'Certificates of {p}', { p: <UserText>{name}</UserText> }),
   * for sentences that carry user data (marked as such) or other elements.
   */
  tn(zh: string, en: string, params: Record<string, ReactNode>): ReactNode;
  /** A list joined the way the language joins it (、 or , ). */
  list(items: readonly ReactNode[]): ReactNode;
  /** A dictionary word whose key is built at run time ("op_" + operation), or the fallback. */
  term(key: string, fallback: string): string;
  /** Picks the right half of a { zh, en } pair from the server. */
  pick(pair: { zh: string; en: string } | undefined | null, fallback?: string): string;
}

const I18nContext = createContext<I18n | null>(null);

const fill = (s: string, params?: Record<string, string | number>) => (params ? s.replace(/\{(\w+)\}/g, (m, k: string) => (params[k] === undefined ? m : String(params[k]))) : s);

function fillNodes(s: string, params: Record<string, ReactNode>): ReactNode {
  const parts = s.split(/\{(\w+)\}/);
  return createElement(Fragment, null, ...parts.map((p, i) => (i % 2 ? (p in params ? params[p] : `{${p}}`) : p)));
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const l = initialLang();
    apply(l);
    return l;
  });
  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* not remembered, still switched */
    }
    apply(l);
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (zh, en, params) => fill(lang === 'en' ? en : zh, params),
      tn: (zh, en, params) => fillNodes(lang === 'en' ? en : zh, params),
      list: (items) => createElement(Fragment, null, ...items.flatMap((x, i) => (i ? [lang === 'en' ? ', ' : '、', x] : [x]))),
      tt: (term) => terms[term][lang === 'en' ? 1 : 0],
      term: (key, fallback) => (key in terms ? terms[key as Term][lang === 'en' ? 1 : 0] : fallback),
      pick: (pair, fallback = '') => (pair ? (lang === 'en' ? pair.en : pair.zh) : fallback),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside LangProvider');
  return v;
}
