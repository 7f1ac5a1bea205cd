import { useState } from 'react';
import {
  Badge,
  Box,
  Button,
  EmptyStateLayout,
  Flex,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
  VisuallyHidden,
} from '@strapi/design-system';
import { ArrowClockwise, Pencil, Plus } from '@strapi/icons';
import { useNotification, useRBAC } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import type { MappingStatus, MerchantRow } from '../../../../server/src/contracts/admin';
import { contentManagerEditPath, useCreateDraft, useMerchants } from '../../api/merchants';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PagerControls } from '../../components/PagerControls';
import { CONTENT_MANAGER_CREATE } from '../../permissions';
import { SearchField } from '../../components/SearchField';
import { Section } from '../../components/Section';
import { StatGrid } from '../../components/StatCard';
import { formatDateTime } from '../../utils/format';
import { useT, type Translate } from '../../utils/useT';

const PAGE_SIZE = 10;
const STATUS_VARIANT: Record<MappingStatus, 'success' | 'warning' | 'secondary'> = {
  mapped: 'success',
  unmapped: 'warning',
  orphaned: 'secondary',
};

export const statusLabel = (t: Translate, status: MappingStatus) =>
  ({
    mapped: t('merchants.status.mapped', 'Mapped'),
    unmapped: t('merchants.status.unmapped', 'Unmapped'),
    orphaned: t('merchants.status.orphaned', 'Orphaned'),
  })[status];

/**
 * The merchants Button's offers included recently (the seen-merchants registry), joined with the CMS entries: it
 * also shows a merchant Button offers that the synced catalogue does not list (not synced yet, or not partnered).
 */
export function SeenMerchants() {
  const t = useT();
  const { locale } = useIntl();
  const navigate = useNavigate();
  const { toggleNotification } = useNotification();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<MappingStatus | ''>('');
  const [page, setPage] = useState(1);
  const query = { search: search || undefined, status: status || undefined, page, pageSize: PAGE_SIZE };
  const merchants = useMerchants(query);
  const draft = useCreateDraft();
  const { allowedActions: contentManager } = useRBAC(CONTENT_MANAGER_CREATE);
  const canCreate = (contentManager as Record<string, boolean>).canCreate === true;

  const openEntry = async (row: MerchantRow) => {
    if (row.entry) return navigate(contentManagerEditPath(row.entry.document_id));
    const created = await draft.mutate(row.merchant_id);
    if (!created) return undefined;
    toggleNotification({
      type: 'success',
      message: t('merchants.draft.created', 'Draft entry created for {merchant}: fill it in and publish it.', {
        merchant: row.merchant_id,
      }),
    });
    return navigate(contentManagerEditPath(created.document_id));
  };

  const counts = merchants.data?.meta.counts;
  const pagination = merchants.data?.meta.pagination;
  const rows = merchants.data?.data ?? [];

  return (
    <Section
      title={t('merchants.seen.title', 'Offered by Button')}
      actions={
        <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={merchants.refetch} loading={merchants.isLoading}>
          {t('actions.refresh', 'Refresh')}
        </Button>
      }
    >
      <Flex direction="column" alignItems="stretch" gap={6} data-testid="seen-merchants">
        <Typography variant="omega" textColor="neutral600">
          {t('merchants.subtitle', 'Merchants Button returned recently, joined with your merchant-offer entries.')}
        </Typography>
        {merchants.error ? <ApiErrorAlert error={merchants.error} /> : null}
        {draft.error ? <ApiErrorAlert error={draft.error} onClose={draft.reset} /> : null}
        {counts ? (
          <StatGrid
            items={(['total', 'mapped', 'unmapped', 'orphaned'] as const).map((key) => ({
              id: key,
              testId: `merchants-count-${key}`,
              label: key === 'total' ? t('merchants.count.total', 'All merchants') : statusLabel(t, key),
              value: counts[key],
            }))}
          />
        ) : null}
        <Flex gap={4} alignItems="flex-end" wrap="wrap">
          <SearchField
            label={t('merchants.search.label', 'Search merchants')}
            placeholder={t('merchants.search.placeholder', 'Search by merchant id or entry name')}
            onSearch={(value) => {
              setSearch(value);
              setPage(1);
            }}
          />
          <Box minWidth="200px">
            <SingleSelect
              aria-label={t('merchants.filter.label', 'Mapping status')}
              placeholder={t('merchants.filter.all', 'All statuses')}
              value={status || undefined}
              onChange={(value: string | number) => {
                setStatus(String(value) as MappingStatus | '');
                setPage(1);
              }}
              onClear={() => setStatus('')}
            >
              {(['mapped', 'unmapped', 'orphaned'] as const).map((value) => (
                <SingleSelectOption key={value} value={value}>
                  {statusLabel(t, value)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Box>
        </Flex>
        {rows.length === 0 && !merchants.isLoading ? (
          <EmptyStateLayout
            content={
              search || status
                ? t('merchants.empty.filtered', 'No merchant matches these filters.')
                : t(
                    'merchants.empty.none',
                    'No merchant yet: the list fills as Button returns offers (run a live preview to see some).'
                  )
            }
          />
        ) : (
          <Table colCount={6} rowCount={rows.length + 1}>
            <Thead>
              <Tr>
                <Th>
                  <Typography variant="sigma">{t('merchants.column.merchant', 'Merchant id')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('merchants.column.status', 'Status')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('merchants.column.entry', 'CMS entry')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('merchants.column.locales', 'Locales')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('merchants.column.lastSeen', 'Last returned by Button')}</Typography>
                </Th>
                <Th>
                  <VisuallyHidden>{t('merchants.column.actions', 'Actions')}</VisuallyHidden>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {rows.map((row) => (
                <Tr key={row.merchant_id} data-testid={`merchant-row-${row.merchant_id}`}>
                  <Td>
                    <Typography fontWeight="semiBold">{row.merchant_id}</Typography>
                  </Td>
                  <Td>
                    <Badge variant={STATUS_VARIANT[row.status]} data-testid="merchant-status">
                      {statusLabel(t, row.status)}
                    </Badge>
                  </Td>
                  <Td>
                    <Typography textColor={row.entry ? 'neutral800' : 'neutral500'}>
                      {row.entry
                        ? row.entry.live
                          ? row.entry.name
                          : t('merchants.entry.draft', '{name} (draft)', { name: row.entry.name })
                        : t('merchants.entry.none', 'No entry')}
                    </Typography>
                  </Td>
                  <Td>
                    <Typography>{row.entry?.locales.join(', ') || '-'}</Typography>
                  </Td>
                  <Td>
                    <Typography>
                      {row.last_seen_at ? formatDateTime(row.last_seen_at, locale) : t('merchants.neverSeen', 'Not recently')}
                    </Typography>
                  </Td>
                  <Td>
                    <Flex justifyContent="flex-end">
                      {row.entry ? (
                        <Button variant="tertiary" size="S" startIcon={<Pencil />} onClick={() => openEntry(row)}>
                          {t('merchants.action.edit', 'Edit entry')}
                        </Button>
                      ) : (
                        <Button
                          variant="default"
                          size="S"
                          startIcon={<Plus />}
                          loading={draft.isLoading}
                          disabled={!canCreate}
                          title={
                            canCreate
                              ? undefined
                              : t(
                                  'merchants.action.createForbidden',
                                  "Needs the Content Manager's Create permission on Merchant offer"
                                )
                          }
                          onClick={() => openEntry(row)}
                        >
                          {t('merchants.action.create', 'Create entry')}
                        </Button>
                      )}
                    </Flex>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
        {pagination ? <PagerControls pagination={pagination} onPage={setPage} /> : null}
      </Flex>
    </Section>
  );
}
