// What a department grant covers, shown the same way to the department (我的授权) and to the
// administrator who manages grants: fields, labels, unmasking, area and dates.
import { Flex, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { Grant } from '../api/types';
import { useFields } from './fields';
import { useLabelKinds } from '../hooks/useReference';
import { useI18n } from '../i18n';
import { nodeView } from '../shell/tree';

export function useNodeNames(ids: number[]) {
  const [names, setNames] = useState(new Map<number, string>());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    Promise.all([...new Set(ids)].map((id) => nodeView(id).then((v) => [id, [...v.ancestors.slice(1), v.node].map((n) => n.name).join(' / ') || v.node.name] as const, () => [id, `#${id}`] as const))).then((pairs) => live && setNames(new Map(pairs)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return names;
}

export function GrantFields({ grant }: { grant: Grant }) {
  const { t, lang } = useI18n();
  const { label } = useFields();
  const kinds = useLabelKinds();
  const labelName = (c: string) => {
    const k = kinds?.find((x) => x.code === c);
    return k ? (lang === 'en' ? k.nameEn : k.nameZh) : c;
  };
  const fieldName = (f: string) => (f.startsWith('label:') ? t('标签「{l}」', 'label “{l}”', { l: labelName(f.slice(6)) }) : label(grant.recordKind, f));
  return (
    <Flex vertical gap={4}>
      <div>
        <Typography.Text type="secondary">{t('可读：', 'Read: ')}</Typography.Text>
        {grant.readFields.map((f) => (
          <Tag key={f}>{fieldName(f)}</Tag>
        ))}
      </div>
      {grant.writeFields.length ? (
        <div>
          <Typography.Text type="secondary">{t('可写：', 'Write: ')}</Typography.Text>
          {grant.writeFields.map((f) => (
            <Tag key={f} color="blue">
              {fieldName(f)}
            </Tag>
          ))}
        </div>
      ) : null}
      {grant.unmaskedFields.length ? (
        <div>
          <Typography.Text type="secondary">{t('明文显示：', 'Shown unmasked: ')}</Typography.Text>
          {grant.unmaskedFields.map((f) => (
            <Tag key={f} color="red">
              {fieldName(f)}
            </Tag>
          ))}
        </div>
      ) : null}
      {grant.labels.length ? (
        <div>
          <Typography.Text type="secondary">{t('仅限人群：', 'Only residents labelled: ')}</Typography.Text>
          {grant.labels.map((l) => (
            <Tag key={l} color="orange">
              {labelName(l)}
            </Tag>
          ))}
        </div>
      ) : null}
    </Flex>
  );
}
