import { Button, Flex, Typography } from '@strapi/design-system';
import { ChevronLeft, ChevronRight } from '@strapi/icons';
import type { Pagination } from '../../../server/src/contracts/admin';
import { useT } from '../utils/useT';

/** Previous / next with "page x of y": the admin API paginates server-side. */
export function PagerControls({ pagination, onPage }: { pagination: Pagination; onPage: (page: number) => void }) {
  const t = useT();
  if (pagination.pageCount <= 1) return null;
  return (
    <Flex justifyContent="flex-end" alignItems="center" gap={3}>
      <Typography variant="pi" textColor="neutral600">
        {t('pagination.summary', 'Page {page} of {pageCount} ({total} rows)', {
          page: pagination.page,
          pageCount: pagination.pageCount,
          total: pagination.total,
        })}
      </Typography>
      <Button
        variant="tertiary"
        size="S"
        startIcon={<ChevronLeft />}
        disabled={pagination.page <= 1}
        onClick={() => onPage(pagination.page - 1)}
      >
        {t('pagination.previous', 'Previous')}
      </Button>
      <Button
        variant="tertiary"
        size="S"
        endIcon={<ChevronRight />}
        disabled={pagination.page >= pagination.pageCount}
        onClick={() => onPage(pagination.page + 1)}
      >
        {t('pagination.next', 'Next')}
      </Button>
    </Flex>
  );
}
