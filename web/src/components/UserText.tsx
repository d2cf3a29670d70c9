// Text that people wrote, not the application: names of people and places, addresses, typed notes,
// titles a department gave its report. It is shown as written whatever the language, and marked
// `data-user` so that the browser test of the English app (test/e2e/english.test.ts) can tell it
// from the application's own words, which must all follow the language.
import type { CSSProperties, ReactNode } from 'react';

export function UserText({ children, className, style, title }: { children: ReactNode; className?: string; style?: CSSProperties; title?: string }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <span data-user="" className={className} style={style} title={title}>
      {children}
    </span>
  );
}

/** The same as an element for places that take a node (table cells, option labels, tags). */
export const userText = (s: ReactNode): ReactNode => (s === null || s === undefined || s === '' ? s : <UserText>{s}</UserText>);

/**
 * Text the platform ships with an English version (built-in catalogues): the English for English
 * readers when there is one, else the Chinese as it was written (an administrator's own words).
 */
export function bi(lang: 'zh' | 'en', zh: string | undefined | null, en: string | undefined | null): ReactNode {
  if (lang === 'en' && en) return en;
  return zh ? <UserText>{zh}</UserText> : null;
}

/** A list of such texts, each English when known, joined the language's way. */
export function biList(lang: 'zh' | 'en', zh: readonly string[], en: readonly string[] | undefined | null, sep?: string): ReactNode {
  if (lang === 'en' && en && en.length === zh.length) return en.join(sep ?? '; ');
  return zh.length ? <UserText>{zh.join(sep ?? '；')}</UserText> : null;
}

const CJK_RUN = /([\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+(?:[\s\d\-·.]*[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+)*)/;

/**
 * A message the server wrote in the reader's language (every message has a Chinese and an English
 * form, see src/platform/errors.ts). In an English message, Chinese can only be what it was given
 * to name: a place, a person, a title someone typed. Those runs are marked as user data.
 */
export function ServerText({ text, lang }: { text: string; lang: 'zh' | 'en' }) {
  if (lang !== 'en') return <>{text}</>;
  const parts = text.split(CJK_RUN);
  return <>{parts.map((p, i) => (i % 2 ? <UserText key={i}>{p}</UserText> : p))}</>;
}
