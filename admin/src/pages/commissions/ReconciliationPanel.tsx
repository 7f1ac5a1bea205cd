import { Alert, Button, Flex, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useButtonAccounts, useReconciliation, useRunReconciliation } from '../../api/reconciliation';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { JobPanel } from '../../components/JobPanel';
import { KeyValueList } from '../../components/Section';
import { describeSchedule } from '../../utils/schedule';
import { useT, type Translate } from '../../utils/useT';
import { ReconciliationRuns } from './ReconciliationRuns';

interface ReconciliationPanelProps {
  /** The role holds `reconcile`: Run now, and the Button accounts when none is configured. */
  canReconcile: boolean;
  /** Called when a run finished since the page last read the history, so the ledger below is read again. */
  onRunFinished: () => void;
}

/**
 * Reconciliation with Button's Transactions API: whether it is configured, the last runs (read again every 2 s
 * while one is running) and, for roles holding `reconcile`, Run now.
 */
export function ReconciliationPanel({ canReconcile, onRunFinished }: ReconciliationPanelProps) {
  const t = useT();
  const reconciliation = useReconciliation();
  const runNow = useRunReconciliation();
  const status = reconciliation.data;

  return (
    <JobPanel
      title={t('commissions.reconciliation.title', 'Reconciliation with Button')}
      testId="reconciliation-panel"
      intro={
        <Typography variant="omega" textColor="neutral600">
          {t(
            'commissions.reconciliation.intro',
            "Reads Button's Transactions API over a recent window and adds to the ledger what its webhooks did not deliver."
          )}
        </Typography>
      }
      history={reconciliation}
      runs={status?.runs}
      start={runNow}
      runNow={
        canReconcile
          ? {
              label: t('commissions.reconciliation.runNow', 'Run now'),
              runningLabel: t('commissions.reconciliation.running', 'Running...'),
              icon: <Play />,
              testId: 'reconciliation-run-now',
            }
          : undefined
      }
      refusals={{
        running: {
          title: t('commissions.reconciliation.alreadyRunning.title', 'Already running'),
          body: t(
            'commissions.reconciliation.alreadyRunning.body',
            'A reconciliation is already running (started here, by the schedule or on another instance). Its results appear below when it ends.'
          ),
          testId: 'reconciliation-already-running',
        },
        notConfigured: {
          title: t('commissions.reconciliation.notConfigured.title', 'Reconciliation is not configured'),
          testId: 'reconciliation-not-configured-error',
          bodies: {
            NO_ACCOUNT: t(
              'commissions.reconciliation.error.noAccount',
              'No Button account to read: set the reconciliation.accountId option and restart Strapi.'
            ),
            NOT_CONFIGURED: t(
              'commissions.reconciliation.error.noApiKey',
              "Reconciliation calls Button's API: set the apiKey option and restart Strapi."
            ),
          },
        },
      }}
      onRunFinished={onRunFinished}
    >
      {status ? (
        status.configured ? (
          <KeyValueList
            items={[
              {
                label: t('commissions.reconciliation.account', 'Button account'),
                value: status.accountId ?? '-',
                testId: 'reconciliation-account',
              },
              {
                label: t('commissions.reconciliation.schedule', 'Schedule'),
                value: scheduleInWords(t, status.schedule),
                testId: 'reconciliation-schedule',
              },
              {
                label: t('commissions.reconciliation.window', 'Window'),
                value: t(
                  'commissions.reconciliation.windowHours',
                  '{hours, plural, one {The last hour} other {The last # hours}} of changes (by modified date)',
                  { hours: status.windowHours }
                ),
              },
            ]}
          />
        ) : (
          <NotConfigured canReconcile={canReconcile} />
        )
      ) : null}
      {status ? <ReconciliationRuns runs={status.runs} /> : null}
    </JobPanel>
  );
}

function scheduleInWords(t: Translate, rule: string | null): string {
  if (rule === null) return t('commissions.reconciliation.schedule.none', 'Not scheduled: only when run from here');
  const shape = describeSchedule(rule);
  const minute = (value: number) => String(value).padStart(2, '0');
  switch (shape.kind) {
    case 'every-hours':
      return t(
        'commissions.reconciliation.schedule.everyHours',
        'Every {hours} hours, at minute {minute} (server time; {rule})',
        {
          hours: shape.hours,
          minute: minute(shape.minute),
          rule,
        }
      );
    case 'hourly':
      return t('commissions.reconciliation.schedule.hourly', 'Every hour, at minute {minute} (server time; {rule})', {
        minute: minute(shape.minute),
        rule,
      });
    case 'daily':
      return t('commissions.reconciliation.schedule.daily', 'Every day at {time} (server time; {rule})', {
        time: `${minute(shape.hour)}:${minute(shape.minute)}`,
        rule,
      });
    default:
      return t('commissions.reconciliation.schedule.rule', 'Cron rule {rule} (server time)', { rule });
  }
}

/** No account configured: which option to set, and (for `reconcile`) the accounts the API key sees. */
function NotConfigured({ canReconcile }: { canReconcile: boolean }) {
  const t = useT();
  const accounts = useButtonAccounts();
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="reconciliation-not-configured">
      <Alert
        variant="default"
        title={t('commissions.reconciliation.notConfigured.title', 'Reconciliation is not configured')}
        closeLabel={t('actions.close', 'Close')}
      >
        {t(
          'commissions.reconciliation.notConfigured.body',
          "Set the plugin's reconciliation.accountId option to the Button account whose transactions should be compared with the ledger, then restart Strapi. Until then, only webhooks fill the ledger."
        )}
      </Alert>
      {canReconcile ? (
        <Flex direction="column" alignItems="flex-start" gap={2}>
          <Button variant="secondary" onClick={() => accounts.mutate()} loading={accounts.isLoading}>
            {t('commissions.reconciliation.listAccounts', 'List the Button accounts this API key sees')}
          </Button>
          {accounts.error ? <ApiErrorAlert error={accounts.error} onClose={accounts.reset} /> : null}
          {accounts.data ? (
            accounts.data.length === 0 ? (
              <Typography>{t('commissions.reconciliation.noAccounts', 'Button lists no account for this API key.')}</Typography>
            ) : (
              <KeyValueList
                items={accounts.data.map((account) => ({
                  label: account.id,
                  value: [account.name, account.currency].filter(Boolean).join(' - ') || '-',
                  testId: `button-account-${account.id}`,
                }))}
              />
            )
          ) : null}
        </Flex>
      ) : null}
    </Flex>
  );
}
