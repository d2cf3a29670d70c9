// A staff member as pages show them: their name, and under it their role and unit (社区工作者 ·
// 滨体社区). Never the log-in name. Accounts whose display name already ends in the unit
// ("王芳（滨体社区）") are not told twice.
import { Typography } from 'antd';
import { roleNames } from '../../../src/platform/auth/roles';
import type { Person } from '../api/types';
import { useI18n } from '../i18n';
import { UserText } from './UserText';

/** The role in the user's language (the role code if it is not one the app knows). */
export function useRoleName(): (role: string | null | undefined) => string {
  const { pick } = useI18n();
  return (role) => (role ? pick(roleNames[role as keyof typeof roleNames], role) : '');
}

export function PersonName({ person, fallback, role, unit, inline, testId }: { person?: Person | null; fallback?: string | null; role?: string | null; unit?: string | null; inline?: boolean; testId?: string }) {
  const roleName = useRoleName();
  const { lang } = useI18n();
  const name = person?.name ?? fallback ?? '—';
  const u = person?.unit ?? unit ?? null;
  const r = roleName(person?.role ?? role);
  const shownName = u && name.endsWith(`（${u}）`) ? name.slice(0, -u.length - 2) : name;
  // The name and the unit are user data (marked, never translated); the role is the app's word.
  const sub = [r ? <span key="r">{r}</span> : null, u ? <UserText key="u">{u}</UserText> : null].filter(Boolean);
  const joined = sub.flatMap((part, i) => (i ? [' · ', part] : [part]));
  if (inline) {
    return (
      <span data-testid={testId}>
        <UserText>{shownName}</UserText>
        {sub.length ? <Typography.Text type="secondary">{lang === 'en' ? ' (' : '（'}{joined}{lang === 'en' ? ')' : '）'}</Typography.Text> : null}
      </span>
    );
  }
  return (
    <span data-testid={testId} style={{ display: 'inline-flex', flexDirection: 'column', lineHeight: 1.3 }}>
      <UserText>{shownName}</UserText>
      {sub.length ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {joined}
        </Typography.Text>
      ) : null}
    </span>
  );
}
