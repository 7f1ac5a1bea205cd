import { Alert, Flex, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { CatalogueSync } from '../../../../server/src/contracts/admin';
import { useCatalogueSyncs, useSyncCatalogue } from '../../api/catalogue';
import { JobPanel, JobStatusBadge } from '../../components/JobPanel';
import { formatDateTime } from '../../utils/format';
import { useT } from '../../utils/useT';

interface CatalogueSyncBarProps {
  /** The role holds `catalogue`: Sync now. */
  canSync: boolean;
  /** Called when a sync finished since the page last read the history, so the workspace is read again. */
  onSyncFinished: () => void;
}

/**
 * How fresh the stored catalogue is: the last sync (its counts, status and message), the schedule, and for roles
 * holding `catalogue`, Sync now. The history is read every 2 s while a sync runs, never otherwise.
 */
export function CatalogueSyncBar({ canSync, onSyncFinished }: CatalogueSyncBarProps) {
  const t = useT();
  const { locale } = useIntl();
  const syncs = useCatalogueSyncs();
  const syncNow = useSyncCatalogue();
  const latest = syncs.data?.data[0];
  const meta = syncs.data?.meta;
  const notConfiguredTitle = t('catalogue.sync.notConfigured.title', 'The catalogue cannot be synced');

  return (
    <JobPanel
      title={t('catalogue.sync.title', "Button's brand catalogue")}
      subtitle={
        <Typography variant="pi" textColor="neutral600" data-testid="catalogue-sync-schedule">
          {meta?.schedule
            ? t('catalogue.sync.scheduled', 'Synced on a schedule (cron {rule}, server time) and on demand.', {
                rule: meta.schedule,
              })
            : t('catalogue.sync.notScheduled', 'Not scheduled: synced only when someone syncs it from here.')}
        </Typography>
      }
      testId="catalogue-sync-bar"
      history={syncs}
      runs={syncs.data?.data}
      start={syncNow}
      runNow={
        canSync
          ? {
              label: t('catalogue.sync.now', 'Sync now'),
              runningLabel: t('catalogue.sync.running', 'Syncing...'),
              icon: <ArrowClockwise />,
              testId: 'catalogue-sync-now',
              disabled: meta?.configured === false,
            }
          : undefined
      }
      refusals={{
        running: {
          title: t('catalogue.sync.alreadyRunning.title', 'Already syncing'),
          body: t(
            'catalogue.sync.alreadyRunning.body',
            'A catalogue sync is already running (started here, by the schedule or on another instance). Its counts appear here when it ends.'
          ),
          testId: 'catalogue-sync-already-running',
        },
        notConfigured: {
          title: notConfiguredTitle,
          testId: 'catalogue-sync-not-configured-error',
          bodies: {
            NOT_CONFIGURED: t(
              'catalogue.sync.error.noApiKey',
              "Syncing calls Button's Merchants API: set the apiKey option and restart Strapi."
            ),
          },
        },
      }}
      onRunFinished={onSyncFinished}
    >
      {meta && !meta.configured ? (
        <Alert
          variant="default"
          title={notConfiguredTitle}
          closeLabel={t('actions.close', 'Close')}
          data-testid="catalogue-not-configured"
        >
          {t(
            'catalogue.sync.notConfigured.body',
            "Syncing reads Button's Merchants API with the plugin's apiKey option, which is not set. Set it and restart Strapi; the brands already stored stay listed below."
          )}
        </Alert>
      ) : null}
      {syncs.data && !latest && meta?.configured ? (
        <Alert
          variant="default"
          title={t('catalogue.sync.never.title', 'Never synced')}
          closeLabel={t('actions.close', 'Close')}
          data-testid="catalogue-never-synced"
        >
          {t(
            'catalogue.sync.never.body',
            "The workspace lists the brands of Button's catalogue once it has been synced: Sync now reads every partnered brand ({status} in Button's Merchants API) and stores it, so this page works even while Button is unreachable.",
            { status: meta.brandStatus }
          )}
        </Alert>
      ) : null}
      {latest ? <LastSync sync={latest} locale={locale} /> : null}
    </JobPanel>
  );
}

/** The newest sync: status, when, its counts, and why it failed or stopped early. */
function LastSync({ sync, locale }: { sync: CatalogueSync; locale: string }) {
  const t = useT();
  const counts = [
    ['added', t('catalogue.sync.count.added', 'Added')],
    ['changed', t('catalogue.sync.count.changed', 'Changed')],
    ['removed', t('catalogue.sync.count.removed', 'Removed')],
    ['unchanged', t('catalogue.sync.count.unchanged', 'Unchanged')],
    ['seen', t('catalogue.sync.count.seen', 'Brands read')],
  ] as const;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="catalogue-last-sync" data-status={sync.status}>
      <Flex gap={3} wrap="wrap" alignItems="center">
        <Typography variant="omega" fontWeight="semiBold">
          {t('catalogue.sync.last', 'Last sync')}
        </Typography>
        <JobStatusBadge
          status={sync.status}
          labels={{
            running: t('catalogue.sync.status.running', 'Running'),
            succeeded: t('catalogue.sync.status.succeeded', 'Succeeded'),
            failed: t('catalogue.sync.status.failed', 'Failed'),
          }}
          testId="catalogue-sync-status"
        />
        <Typography variant="omega" textColor="neutral600" data-testid="catalogue-sync-time">
          {sync.finished_at
            ? t('catalogue.sync.finishedAt', 'Finished {date}', { date: formatDateTime(sync.finished_at, locale) })
            : t('catalogue.sync.startedAt', 'Started {date}', { date: formatDateTime(sync.started_at, locale) })}
        </Typography>
      </Flex>
      <Flex gap={6} wrap="wrap">
        {counts.map(([key, label]) => (
          <Flex key={key} direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="sigma" textColor="neutral600">
              {label}
            </Typography>
            <Typography variant="delta" tag="p" data-testid={`catalogue-sync-${key}`}>
              {sync[key]}
            </Typography>
          </Flex>
        ))}
      </Flex>
      {sync.message ? (
        <Alert
          variant={sync.status === 'failed' ? 'danger' : 'warning'}
          title={
            sync.status === 'failed'
              ? t('catalogue.sync.failed.title', 'The last sync failed: the brands below are those stored before it')
              : t('catalogue.sync.truncated.title', 'The last sync stopped early')
          }
          closeLabel={t('actions.close', 'Close')}
          data-testid="catalogue-sync-message"
        >
          {sync.message}
        </Alert>
      ) : null}
    </Flex>
  );
}
