import { Badge, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { ReconciliationRun } from '../../../../server/src/contracts/admin';
import { JobStatusBadge } from '../../components/JobPanel';
import { useT, type Translate } from '../../utils/useT';

const triggerLabel = (t: Translate, trigger: string) =>
  ({
    manual: t('commissions.reconciliation.trigger.manual', 'Manual'),
    schedule: t('commissions.reconciliation.trigger.schedule', 'Scheduled'),
  })[trigger] ?? trigger;

/** Short date and time: the table has many columns. */
function shortDateTime(value: string | null | undefined, locale: string): string {
  if (!value) return '-';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(date);
}

const COUNTS = ['pages', 'transactions_seen', 'added', 'updated', 'unchanged', 'conflicts', 'errors'] as const;

/** The last reconciliation runs, newest first, with what each found. */
export function ReconciliationRuns({ runs }: { runs: ReconciliationRun[] }) {
  const t = useT();
  const { locale } = useIntl();
  if (runs.length === 0)
    return (
      <Typography textColor="neutral600" data-testid="reconciliation-runs-empty">
        {t('commissions.reconciliation.runs.empty', 'No run yet.')}
      </Typography>
    );
  const statusLabels = {
    running: t('commissions.reconciliation.status.running', 'Running'),
    succeeded: t('commissions.reconciliation.status.succeeded', 'Succeeded'),
    failed: t('commissions.reconciliation.status.failed', 'Failed'),
  };
  const countLabels: Record<(typeof COUNTS)[number], string> = {
    pages: t('commissions.reconciliation.column.pages', 'Pages'),
    transactions_seen: t('commissions.reconciliation.column.seen', 'Seen'),
    added: t('commissions.reconciliation.column.added', 'Added'),
    updated: t('commissions.reconciliation.column.updated', 'Updated'),
    unchanged: t('commissions.reconciliation.column.unchanged', 'Unchanged'),
    conflicts: t('commissions.reconciliation.column.conflicts', 'Conflicts'),
    errors: t('commissions.reconciliation.column.errors', 'Errors'),
  };
  return (
    <Table colCount={10} rowCount={runs.length + 1} data-testid="reconciliation-runs">
      <Thead>
        <Tr>
          <Th>
            <Typography variant="sigma">{t('commissions.reconciliation.column.status', 'Status')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('commissions.reconciliation.column.started', 'Started')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('commissions.reconciliation.column.window', 'Window (modified)')}</Typography>
          </Th>
          {COUNTS.map((count) => (
            <Th key={count}>
              <Typography variant="sigma">{countLabels[count]}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {runs.map((run) => (
          <Tr key={run.id} data-testid={`reconciliation-run-${run.id}`} data-status={run.status}>
            <Td style={{ verticalAlign: 'top' }}>
              <Flex direction="column" alignItems="flex-start" gap={1}>
                <JobStatusBadge status={run.status} labels={statusLabels} testId="run-status" />
                {run.truncated ? (
                  <Badge variant="warning" data-testid="run-truncated">
                    {t('commissions.reconciliation.truncated', 'Truncated')}
                  </Badge>
                ) : null}
                {run.message && (run.status === 'failed' || run.truncated) ? (
                  <Typography
                    variant="pi"
                    textColor="neutral600"
                    data-testid="run-message"
                    style={{ maxWidth: 260, whiteSpace: 'normal' }}
                  >
                    {run.message}
                  </Typography>
                ) : null}
              </Flex>
            </Td>
            <Td>
              <Flex direction="column" alignItems="flex-start">
                <Typography>{shortDateTime(run.started_at, locale)}</Typography>
                <Typography variant="pi" textColor="neutral600" data-testid="run-trigger">
                  {triggerLabel(t, run.trigger)}
                </Typography>
              </Flex>
            </Td>
            <Td>
              <Flex direction="column" alignItems="flex-start">
                <Typography variant="pi">
                  {t('commissions.reconciliation.windowFrom', 'from {start}', { start: shortDateTime(run.window_start, locale) })}
                </Typography>
                <Typography variant="pi">
                  {t('commissions.reconciliation.windowTo', 'to {end}', { end: shortDateTime(run.window_end, locale) })}
                </Typography>
              </Flex>
            </Td>
            {COUNTS.map((count) => (
              <Td key={count}>
                <Typography
                  data-testid={`run-${count}`}
                  textColor={(count === 'errors' || count === 'conflicts') && run[count] > 0 ? 'danger600' : undefined}
                  fontWeight={count === 'added' && run.added > 0 ? 'semiBold' : undefined}
                >
                  {run[count]}
                </Typography>
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
