// Domain errors with stable codes. Each module declares its codes with `defineErrors`, which makes
// the compiler demand an HTTP status and a Chinese and an English message for every code. Kept
// free of the schema library, so that code run in a worker thread (the sheet reader) loads fast;
// errors.ts re-exports all of it with the error body's schema and the platform's own codes.

export type Lang = 'zh' | 'en';

export interface ErrorDefinition {
  readonly code: string;
  readonly status: number;
  /** Message templates; `{name}` is replaced by the matching param. */
  readonly zh: string;
  readonly en: string;
}

const registry = new Map<string, ErrorDefinition>();

/** Declares a module's error codes. The object key is the code; all codes live in one registry. */
export function defineErrors<K extends string>(defs: Record<K, { status: number; zh: string; en: string }>): { readonly [P in K]: ErrorDefinition } {
  const out = {} as Record<K, ErrorDefinition>;
  for (const code of Object.keys(defs) as K[]) {
    if (registry.has(code)) throw new Error(`error code ${code} declared twice`);
    const def = Object.freeze({ code, ...defs[code] });
    registry.set(code, def);
    out[code] = def;
  }
  return out;
}

export function allErrorDefinitions(): ErrorDefinition[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export type ErrorParams = Record<string, string | number | boolean | null | undefined>;

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(
    readonly definition: ErrorDefinition,
    readonly params: ErrorParams = {},
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(formatMessage(definition.en, params, 'en'));
    this.code = definition.code;
    this.status = definition.status;
  }
  messageIn(lang: Lang): string {
    return formatMessage(lang === 'zh' ? this.definition.zh : this.definition.en, this.params, lang);
  }
}

/** Fills `{name}` from params, preferring a language-specific `name_zh` / `name_en` when given. */
export function formatMessage(template: string, params: ErrorParams, lang: Lang): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => {
    const v = params[`${k}_${lang}`] ?? params[k];
    return v === undefined || v === null ? m : String(v);
  });
}
