import { Segmented } from 'antd';
import { useI18n, type Lang } from '../i18n';

/** 中文 / English, remembered in the browser and sent to the server. */
export function LangSwitch({ size = 'small' }: { size?: 'small' | 'middle' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented
      size={size}
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      options={[
        // The name of each language in itself (lang marks it, for screen readers and the English test).
        { label: <span lang="zh-CN">中文</span>, value: 'zh' },
        { label: <span lang="en">EN</span>, value: 'en' },
      ]}
      data-testid="lang-switch"
      aria-label={t('语言', 'Language')}
    />
  );
}
