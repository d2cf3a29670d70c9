// One handbook entry as the counter reads it out to the resident: who issues it now, where to go,
// whom to ask, what to bring, whether it can be done online.
import { Card, Descriptions, Space, Tag } from 'antd';
import { bi, biList } from '../../components/UserText';
import { useI18n } from '../../i18n';
import type { HandbookEntry } from './types';

export function HandbookCard({ e, compact }: { e: HandbookEntry; compact?: boolean }) {
  const { t, lang } = useI18n();
  return (
    <Card size="small" title={<Space wrap><span>{bi(lang, e.title, e.en?.title)}</span><Tag color="default">{t('社区不再出具', 'No longer issued here')}</Tag>{e.online ? <Tag color="blue">{t('可网上办', 'Online')}</Tag> : null}</Space>} data-testid={`handbook-${e.code}`}>
      <Descriptions column={1} size="small" colon styles={{ label: { width: compact ? 84 : 96 } }}>
        <Descriptions.Item label={t('出具机构', 'Issued by')}>{bi(lang, e.authority, e.en?.authority)}</Descriptions.Item>
        <Descriptions.Item label={t('办理地点', 'Where')}>{bi(lang, e.place, e.en?.place)}</Descriptions.Item>
        <Descriptions.Item label={t('咨询方式', 'Ask')}>{bi(lang, e.contact, e.en?.contact)}</Descriptions.Item>
        <Descriptions.Item label={t('所需材料', 'Bring')}>{e.materials.length ? biList(lang, e.materials, e.en?.materials) : t('无', 'nothing')}</Descriptions.Item>
        <Descriptions.Item label={t('网上办理', 'Online')}>{e.online ? bi(lang, e.onlineHow, e.en?.onlineHow) : t('不可以，请到窗口办理', 'No: at the counter only')}</Descriptions.Item>
        {e.notes ? <Descriptions.Item label={t('说明', 'Note')}>{bi(lang, e.notes, e.en?.notes)}</Descriptions.Item> : null}
      </Descriptions>
    </Card>
  );
}

