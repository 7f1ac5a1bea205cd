import { useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  EmptyStateLayout,
  Flex,
  Grid,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Download } from '@strapi/icons';
import { Page, useRBAC } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import type { CommissionListQuery, CommissionStatus, CommissionTotalsGroup } from '../../../../server/src/contracts/admin';
import { useCommissions } from '../../api/commissions';
import { useCommissionsExport } from '../../api/reconciliation';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { FormField } from '../../components/FormField';
import { CommissionTable, commissionStatusLabel } from '../../components/CommissionTable';
import { PagerControls } from '../../components/PagerControls';
import { PluginPage } from '../../components/PluginPage';
import { Section } from '../../components/Section';
import { COMMISSION_OPERATIONS } from '../../permissions';
import { saveFile } from '../../utils/download';
import { formatAmounts } from '../../utils/format';
import { pluginPath } from '../../utils/paths';
import { useT } from '../../utils/useT';
import { ErasureDialog } from './ErasureDialog';
import { ReconciliationPanel } from './ReconciliationPanel';

const STATUSES: CommissionStatus[] = ['pending', 'validated', 'declined'];
/** Four filters a row, two on small screens. */
const FILTER_COLS = [3, 6, 12] as const;

/**
 * The commission ledger (Button's webhooks, completed by reconciliation), filtered, with totals by status and
 * brand; and, each behind its own action, Run now, Export CSV and erasing an end user's data.
 */
export function CommissionsPage() {
  const t = useT();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<CommissionListQuery>({ page: 1, pageSize: 20 });
  const commissions = useCommissions(filters);
  const { allowedActions } = useRBAC(COMMISSION_OPERATIONS);
  const can = allowedActions as Record<string, boolean>;
  const exportCsv = useCommissionsExport();
  const set = (change: Partial<CommissionListQuery>) =>
    setFilters((previous) => ({ ...previous, ...change, page: change.page ?? 1 }));
  const fieldErrors = commissions.error?.fieldErrors ?? {};

  if (commissions.isLoading && !commissions.data && !commissions.error) return <Page.Loading />;
  const rows = commissions.data?.data ?? [];
  const totals = commissions.data?.meta.totals;
  const filtered = Boolean(filters.status || filters.brand || filters.from || filters.to || filters.conflicts);

  return (
    <PluginPage
      tab="commissions"
      subtitle={t(
        'commissions.subtitle',
        'Transactions Button reported through its webhooks or its Transactions API, with their pubRefs.'
      )}
      primaryAction={
        <Flex gap={2}>
          {can.canErase ? <ErasureDialog onErased={commissions.refetch} /> : null}
          {can.canExport ? (
            <Button
              variant="secondary"
              startIcon={<Download />}
              loading={exportCsv.isLoading}
              data-testid="export-csv"
              onClick={async () => {
                const { page: _page, pageSize: _pageSize, ...applied } = filters;
                const file = await exportCsv.mutate(applied);
                if (file) saveFile(file.name, file.blob);
              }}
            >
              {t('commissions.export.button', 'Export CSV')}
            </Button>
          ) : null}
          <Button
            variant="secondary"
            startIcon={<ArrowClockwise />}
            onClick={commissions.refetch}
            loading={commissions.isLoading}
          >
            {t('actions.refresh', 'Refresh')}
          </Button>
        </Flex>
      }
    >
      <Flex direction="column" alignItems="stretch" gap={6}>
        <ReconciliationPanel canReconcile={can.canReconcile === true} onRunFinished={commissions.refetch} />
        {exportCsv.error ? <ApiErrorAlert error={exportCsv.error} onClose={exportCsv.reset} /> : null}
        <Grid.Root gap={4}>
          <FormField name="status" label={t('commissions.filter.status', 'Status')} error={fieldErrors.status} cols={FILTER_COLS}>
            <SingleSelect
              placeholder={t('commissions.filter.allStatuses', 'All statuses')}
              value={filters.status}
              onChange={(value: string | number) => set({ status: (String(value) || undefined) as CommissionStatus | undefined })}
              onClear={() => set({ status: undefined })}
            >
              {STATUSES.map((status) => (
                <SingleSelectOption key={status} value={status}>
                  {commissionStatusLabel(t, status)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </FormField>
          <FormField
            name="brand"
            label={t('commissions.filter.brand', 'Brand (merchant id)')}
            error={fieldErrors.brand}
            cols={FILTER_COLS}
          >
            <TextInput
              value={filters.brand ?? ''}
              placeholder="org-..."
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => set({ brand: event.target.value.trim() || undefined })}
            />
          </FormField>
          <FormField name="from" label={t('commissions.filter.from', 'Created from')} error={fieldErrors.from} cols={FILTER_COLS}>
            <TextInput
              type="date"
              value={filters.from ?? ''}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => set({ from: event.target.value || undefined })}
            />
          </FormField>
          <FormField name="to" label={t('commissions.filter.to', 'Created until')} error={fieldErrors.to} cols={FILTER_COLS}>
            <TextInput
              type="date"
              value={filters.to ?? ''}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => set({ to: event.target.value || undefined })}
            />
          </FormField>
          <Grid.Item col={12} direction="column" alignItems="stretch">
            <Checkbox
              name="conflicts"
              data-testid="filter-conflicts"
              checked={Boolean(filters.conflicts)}
              onCheckedChange={(checked: boolean | 'indeterminate') => set({ conflicts: checked === true ? true : undefined })}
            >
              {t(
                'commissions.filter.conflicts',
                'Only transactions with conflicting events (a later event that would change a final status)'
              )}
            </Checkbox>
          </Grid.Item>
        </Grid.Root>
        {commissions.error && Object.keys(fieldErrors).length === 0 ? <ApiErrorAlert error={commissions.error} /> : null}
        {totals && totals.count > 0 ? (
          <Grid.Root gap={4}>
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <TotalsTable
                title={t('commissions.totals.byStatus', 'Totals by status')}
                groups={totals.by_status}
                keyLabel={(key) => commissionStatusLabel(t, key)}
                testId="totals-by-status"
              />
            </Grid.Item>
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <TotalsTable
                title={t('commissions.totals.byBrand', 'Totals by brand')}
                groups={totals.by_brand}
                keyLabel={(key) => key}
                testId="totals-by-brand"
              />
            </Grid.Item>
          </Grid.Root>
        ) : null}
        {rows.length === 0 ? (
          <EmptyStateLayout
            content={
              filtered
                ? t('commissions.empty.filtered', 'No transaction matches these filters.')
                : t('commissions.empty.none', 'No commission yet: transactions appear when Button sends its webhooks.')
            }
          />
        ) : (
          <Box data-testid="commissions-table">
            <CommissionTable rows={rows} onOpen={(id) => navigate(`${pluginPath('commissions')}/${encodeURIComponent(id)}`)} />
          </Box>
        )}
        {commissions.data ? (
          <PagerControls pagination={commissions.data.meta.pagination} onPage={(page) => set({ page })} />
        ) : null}
      </Flex>
    </PluginPage>
  );
}

function TotalsTable({
  title,
  groups,
  keyLabel,
  testId,
}: {
  title: string;
  groups: CommissionTotalsGroup[];
  keyLabel: (key: string) => string;
  testId: string;
}) {
  const t = useT();
  const { locale } = useIntl();
  return (
    <Section title={title}>
      <Table colCount={3} rowCount={groups.length + 1} data-testid={testId}>
        <Thead>
          <Tr>
            <Th>
              <Typography variant="sigma">{t('commissions.totals.key', 'Group')}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{t('commissions.totals.count', 'Transactions')}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{t('commissions.totals.amount', 'Commission')}</Typography>
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {groups.map((group) => (
            <Tr key={group.key}>
              <Td>
                <Typography>{keyLabel(group.key)}</Typography>
              </Td>
              <Td>
                <Typography>{group.count}</Typography>
              </Td>
              <Td>
                <Typography>{formatAmounts(group.amounts, locale)}</Typography>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </Section>
  );
}
