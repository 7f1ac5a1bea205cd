import type { ReactNode } from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';

interface SectionProps {
  title: string;
  /** A line under the title (what the card is about, or how fresh it is). */
  subtitle?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  children: ReactNode;
}

/** A white card with a title, the way Strapi's own settings pages group content. */
export function Section({ title, subtitle, actions, testId, children }: SectionProps) {
  const heading = (
    <Typography variant="delta" tag="h2">
      {title}
    </Typography>
  );
  return (
    <Box
      background="neutral0"
      hasRadius
      shadow="tableShadow"
      paddingTop={6}
      paddingBottom={6}
      paddingLeft={7}
      paddingRight={7}
      data-testid={testId}
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="center" gap={2} wrap="wrap">
          {subtitle ? (
            <Flex direction="column" alignItems="flex-start" gap={1}>
              {heading}
              {subtitle}
            </Flex>
          ) : (
            heading
          )}
          {actions}
        </Flex>
        {children}
      </Flex>
    </Box>
  );
}

/** Label / value pairs in two columns. */
export function KeyValueList({ items }: { items: Array<{ label: string; value: ReactNode; testId?: string }> }) {
  return (
    <Box tag="dl" display="grid" style={{ gridTemplateColumns: 'minmax(160px, max-content) 1fr', gap: '8px 24px', margin: 0 }}>
      {items.map((item) => (
        <Flex key={item.label} style={{ display: 'contents' }}>
          <Typography tag="dt" variant="omega" fontWeight="semiBold" textColor="neutral700">
            {item.label}
          </Typography>
          <Typography
            tag="dd"
            variant="omega"
            textColor="neutral800"
            style={{ margin: 0, wordBreak: 'break-all' }}
            data-testid={item.testId}
          >
            {item.value}
          </Typography>
        </Flex>
      ))}
    </Box>
  );
}
