// The frame of the public pages: no log-in, a short header (verification, the service guide,
// staff log-in), the language switch.
import type { ReactNode } from 'react';
import { LangSwitch } from '../../components/LangSwitch';
import { useI18n } from '../../i18n';
import './certificates.css';

export function PublicLayout({ active, children }: { active: 'verify' | 'handbook'; children: ReactNode }) {
  const { t, tt } = useI18n();
  return (
    <div className="qc-public">
      <header className="qc-public-header">
        <a href="/verify" className="qc-public-brand">
          {tt('appName')} <small>{t('便民服务', 'Public services')}</small>
        </a>
        <nav className="qc-public-nav">
          <a href="/verify" className={active === 'verify' ? 'active' : ''} data-testid="public-nav-verify">{t('证明核验', 'Check a certificate')}</a>
          <a href="/handbook" className={active === 'handbook' ? 'active' : ''} data-testid="public-nav-handbook">{t('办事指南', 'Service guide')}</a>
        </nav>
        <LangSwitch />
        <a href="/" className="qc-public-staff">{t('工作人员登录', 'Staff log-in')}</a>
      </header>
      <main className="qc-public-main">{children}</main>
    </div>
  );
}
