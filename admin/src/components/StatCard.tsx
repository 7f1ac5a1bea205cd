import type { ReactNode } from 'react';
import { Box, Flex, Grid, Typography } from '@strapi/design-system';

interface StatCardProps {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
}

/** A labelled figure for the row of counts at the top of a page. */
export function StatCard({ label, value, hint, testId }: StatCardProps) {
  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={4} data-testid={testId} width="100%" height="100%">
      <Flex direction="column" alignItems="flex-start" gap={1}>
        <Typography variant="sigma" textColor="neutral600">
          {label}
        </Typography>
        <Typography variant="beta" tag="p">
          {value}
        </Typography>
        {hint ? (
          <Typography variant="pi" textColor="neutral600">
            {hint}
          </Typography>
        ) : null}
      </Flex>
    </Box>
  );
}

/**
 * The row of counts itself: a StatCard per item, each in a grid cell `cols` wide (columns out of 12, then on small and
 * extra-small screens).
 */
export function StatGrid({
  items,
  cols = [3, 6, 12],
}: {
  items: Array<StatCardProps & { id: string }>;
  cols?: readonly [number, number, number];
}) {
  return (
    <Grid.Root gap={4}>
      {items.map(({ id, ...card }) => (
        <Grid.Item key={id} col={cols[0]} s={cols[1]} xs={cols[2]}>
          <StatCard {...card} />
        </Grid.Item>
      ))}
    </Grid.Root>
  );
}
