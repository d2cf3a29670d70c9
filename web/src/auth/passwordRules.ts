import type { UiConfig } from '../api/types';

/** Checks a new password the way the server will, so the user learns before sending it. */
export function passwordProblem(pw: string, ui: UiConfig, t: (zh: string, en: string, p?: Record<string, string | number>) => string): string | null {
  if (pw.length < ui.passwordMinLength) return t('至少 {n} 位', 'At least {n} characters', { n: ui.passwordMinLength });
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
  if (classes < ui.passwordMinClasses) return t('需包含大写字母、小写字母、数字、符号中的至少 {n} 类', 'Mix at least {n} of: upper case, lower case, digits, symbols', { n: ui.passwordMinClasses });
  return null;
}

export function passwordHint(ui: UiConfig, t: (zh: string, en: string, p?: Record<string, string | number>) => string): string {
  return t('至少 {len} 位，包含大写字母、小写字母、数字、符号中的至少 {n} 类；常见密码会被拒绝', 'At least {len} characters mixing {n} of upper case, lower case, digits and symbols; common passwords are refused', {
    len: ui.passwordMinLength,
    n: ui.passwordMinClasses,
  });
}
