// Password policy: length, a mix of character classes, and a list of common passwords refused.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validationError } from '../errors.js';

const common = new Set(
  readFileSync(fileURLToPath(new URL('./common-passwords.txt', import.meta.url)), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l && !l.startsWith('#')),
);

export interface PasswordPolicy {
  minLength: number;
  minClasses: number;
}

export function characterClasses(pw: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
}

/** Throws VALIDATION_FAILED naming the first rule the password breaks (field "password"). */
export function checkPasswordPolicy(pw: string, policy: PasswordPolicy, username?: string, field = 'password'): void {
  if (pw.length < policy.minLength) {
    throw validationError({ zh: `密码至少 ${policy.minLength} 位`, en: `the password needs at least ${policy.minLength} characters` }, field);
  }
  if (pw.length > 256) throw validationError({ zh: '密码过长（最多 256 位）', en: 'the password is too long (256 characters at most)' }, field);
  if (characterClasses(pw) < policy.minClasses) {
    throw validationError(
      { zh: `密码须包含小写字母、大写字母、数字、符号中的至少 ${policy.minClasses} 类`, en: `the password must mix at least ${policy.minClasses} of: lower case, upper case, digits, symbols` },
      field,
    );
  }
  const lower = pw.toLowerCase();
  // Also catch a common password with a year or "!" stuck on the end.
  const stem = lower.replace(/[0-9!@#.]{1,4}$/, '');
  if (common.has(lower) || (stem.length >= 4 && common.has(stem))) {
    throw validationError({ zh: '密码过于常见，容易被猜中，请换一个', en: 'the password is too common and easy to guess' }, field);
  }
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) {
    throw validationError({ zh: '密码不能包含用户名', en: 'the password must not contain the user name' }, field);
  }
}

/**
 * A random initial password that passes the policy: groups of letters and digits from an
 * alphabet without look-alikes (0/O, 1/l/I), joined by dashes, e.g. "Kp7m-X3qd-9Hwe-Tz4b".
 */
export function generatePassword(policy: PasswordPolicy): string {
  const upper = 'ABCDEFGHJKMNPQRSTUVWXYZ';
  const lower = 'abcdefghijkmnpqrstuvwxyz';
  const digits = '23456789';
  const all = upper + lower + digits;
  const pick = (set: string) => set[randomInt(set.length)]!;
  for (;;) {
    const groups: string[] = [];
    while (groups.join('-').length < Math.max(policy.minLength, 19)) groups.push([pick(upper), pick(lower), pick(digits), pick(all)].sort(() => randomInt(3) - 1).join(''));
    const pw = groups.join('-');
    if (characterClasses(pw) >= Math.min(4, Math.max(policy.minClasses, 4))) return pw;
  }
}
