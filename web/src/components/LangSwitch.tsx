import { Segmented } from 'antd';
import { useI18n, type Lang } from '../i18n';

/** 中文 / English, remembered in the browser and sent to the server. */
export function LangSwitch({ size = 'small' }: { size?: 'small' | 'middle' }) {
  const { lang, setLang } = useI18n();
  return (
    <Segmented
      size={size}
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'EN', value: 'en' },
      ]}
      data-testid="lang-switch"
      aria-label="Language / 语言"
    />
  );
}
