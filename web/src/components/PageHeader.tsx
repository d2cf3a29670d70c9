import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

/** The title row of a page: title, a line of context under it, and actions on the right. */
export function PageHeader({ title, subtitle, extra, tags }: { title: ReactNode; subtitle?: ReactNode; extra?: ReactNode; tags?: ReactNode }) {
  return (
    <Flex className="qc-page-header" justify="space-between" align="flex-start" wrap gap={12}>
      <div style={{ minWidth: 0 }}>
        <Flex align="center" gap={8} wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {tags}
        </Flex>
        {subtitle ? (
          <Typography.Text type="secondary" className="qc-page-subtitle">
            {subtitle}
          </Typography.Text>
        ) : null}
      </div>
      {extra ? (
        <Flex gap={8} wrap>
          {extra}
        </Flex>
      ) : null}
    </Flex>
  );
}
