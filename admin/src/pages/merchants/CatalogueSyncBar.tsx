import { useEffect, useRef } from 'react';
import { Alert, Badge, Box, Button, Flex, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { CatalogueSync } from '../../../../server/src/contracts/admin';
import { runningSync, useCatalogueSyncs, useSyncCatalogue } from '../../api/catalogue';
import type { ApiError } from '../../api/request';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../utils/format';
import { useT, type Translate } from '../../utils/useT';

interface CatalogueSyncBarProps {
  /** The role holds `catalogue`: Sync now. */
  canSync: boolean;
  /** Called when a sync finished since the page last read the history, so the workspace is read again. */
  onSyncFinished: () => void;
}

const STATUS_VARIANT: Record<CatalogueSync['status'], 'secondary' | 'success' | 'danger'> = {
  running: 'secondary',
  succeeded: 'success',
  failed: 'danger',
};

const syncStatusLabel = (t: Translate, status: CatalogueSync['status']) =>
  ({
    running: t('catalogue.sync.status.running', 'Running'),
    succeeded: t('catalogue.sync.status.succeeded', 'Succeeded'),
    failed: t('catalogue.sync.status.failed', 'Failed'),
  })[status];

/**
 * How fresh the stored catalogue is: the last sync (its counts, status and message), the schedule, and for roles
 * holding `catalogue`, Sync now. The history is read every 2 s while a sync runs, never otherwise.
 */
export function CatalogueSyncBar({ canSync, onSyncFinished }: CatalogueSyncBarProps) {
  const t = useT();
  const { locale } = useIntl();
  const syncs = useCatalogueSyncs();
  const syncNow = useSyncCatalogue();
  const running = runningSync(syncs.data) !== undefined;
  const latest = syncs.data?.data[0];
  const meta = syncs.data?.meta;

  // A sync that finished since the page last looked (even one too quick to be seen running): the brands changed.
  const finishedId = syncs.data?.data.find((sync) => sync.status !== 'running')?.id ?? null;
  const loaded = syncs.data !== undefined;
  const lastFinished = useRef<number | null | undefined>(undefined);
  useEffect(() => {
    if (!loaded) return;
    if (lastFinished.current !== undefined && lastFinished.current !== finishedId) onSyncFinished();
    lastFinished.current = finishedId;
  }, [loaded, finishedId, onSyncFinished]);

  const start = async () => {
    await syncNow.mutate();
    // Started, or refused because one is running: either way the history now has a running sync to show.
    syncs.refetch();
  };

  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={6} data-testid="catalogue-sync-bar">
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="center" gap={4} wrap="wrap">
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="delta" tag="h2">
              {t('catalogue.sync.title', "Button's brand catalogue")}
            </Typography>
            <Typography variant="pi" textColor="neutral600" data-testid="catalogue-sync-schedule">
              {meta?.schedule
                ? t('catalogue.sync.scheduled', 'Synced on a schedule (cron {rule}, server time) and on demand.', {
                    rule: meta.schedule,
                  })
                : t('catalogue.sync.notScheduled', 'Not scheduled: synced only when someone syncs it from here.')}
            </Typography>
          </Flex>
          <Flex gap={2}>
            <Button
              variant="tertiary"
              startIcon={<ArrowClockwise />}
              onClick={syncs.refetch}
              loading={syncs.isLoading && Boolean(syncs.data)}
            >
              {t('actions.refresh', 'Refresh')}
            </Button>
            {canSync ? (
              <Button
                startIcon={<ArrowClockwise />}
                onClick={start}
                loading={syncNow.isLoading}
                disabled={running || meta?.configured === false}
                data-testid="catalogue-sync-now"
              >
                {running ? t('catalogue.sync.running', 'Syncing...') : t('catalogue.sync.now', 'Sync now')}
              </Button>
            ) : null}
          </Flex>
        </Flex>
        {syncNow.error ? <SyncNowError error={syncNow.error} onClose={syncNow.reset} /> : null}
        {syncs.error && !syncs.data ? <ApiErrorAlert error={syncs.error} /> : null}
        {meta && !meta.configured ? (
          <Alert
            variant="default"
            title={t('catalogue.sync.notConfigured.title', 'The catalogue cannot be synced')}
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
      </Flex>
    </Box>
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
        <Badge variant={STATUS_VARIANT[sync.status]} data-testid="catalogue-sync-status">
          {syncStatusLabel(t, sync.status)}
        </Badge>
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

/** The two refusals an operator can act on get their own words; anything else is the server's message. */
function SyncNowError({ error, onClose }: { error: ApiError; onClose: () => void }) {
  const t = useT();
  if (error.status === 409 && error.code === 'RUNNING')
    return (
      <Alert
        variant="warning"
        title={t('catalogue.sync.alreadyRunning.title', 'Already syncing')}
        closeLabel={t('actions.close', 'Close')}
        onClose={onClose}
        role="alert"
        data-testid="catalogue-sync-already-running"
      >
        {t(
          'catalogue.sync.alreadyRunning.body',
          'A catalogue sync is already running (started here, by the schedule or on another instance). Its counts appear here when it ends.'
        )}
      </Alert>
    );
  if (error.status === 400 && error.code === 'NOT_CONFIGURED')
    return (
      <Alert
        variant="danger"
        title={t('catalogue.sync.notConfigured.title', 'The catalogue cannot be synced')}
        closeLabel={t('actions.close', 'Close')}
        onClose={onClose}
        role="alert"
        data-testid="catalogue-sync-not-configured-error"
      >
        {t('catalogue.sync.error.noApiKey', "Syncing calls Button's Merchants API: set the apiKey option and restart Strapi.")}
      </Alert>
    );
  return <ApiErrorAlert error={error} onClose={onClose} />;
}
