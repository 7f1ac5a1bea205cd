import type { ReactNode } from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';

/** A labelled figure for the row of counts at the top of a page. */
export function StatCard({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
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
