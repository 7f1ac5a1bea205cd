import {
  Alert,
  Badge,
  Button,
  EmptyStateLayout,
  Flex,
  Grid,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Duplicate } from '@strapi/icons';
import { Page, useClipboard, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import type { BreakerState, HealthSnapshot } from '../../../../server/src/contracts/admin';

type SharedStateSnapshot = NonNullable<HealthSnapshot['shared_state']>;
type SharedMode = SharedStateSnapshot['mode'];
import { useHealth } from '../../api/health';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PluginPage } from '../../components/PluginPage';
import { KeyValueList, Section } from '../../components/Section';
import { StatCard } from '../../components/StatCard';
import { formatDateTime, formatMs } from '../../utils/format';
import { useT, type Translate } from '../../utils/useT';
import { LatencyChart } from './LatencyChart';

const BREAKER_VARIANT: Record<BreakerState, 'success' | 'danger' | 'warning'> = {
  closed: 'success',
  open: 'danger',
  'half-open': 'warning',
};

const SHARED_VARIANT: Record<SharedMode, 'success' | 'danger' | 'warning' | 'secondary'> = {
  local: 'secondary',
  connecting: 'warning',
  shared: 'success',
  fallback: 'danger',
};

const sharedLabel = (t: Translate, mode: SharedMode) =>
  ({
    local: t('health.shared.local', 'This instance only (no Redis configured)'),
    connecting: t('health.shared.connecting', 'Connecting to Redis'),
    shared: t('health.shared.shared', 'Shared with every instance (Redis)'),
    fallback: t('health.shared.fallback', 'Redis unreachable: local share'),
  })[mode];

const breakerLabel = (t: Translate, state: BreakerState) =>
  ({
    closed: t('health.breaker.closed', 'Closed (calls go through)'),
    open: t('health.breaker.open', 'Open (Button is skipped)'),
    'half-open': t('health.breaker.halfOpen', 'Half-open (probing Button)'),
  })[state];

/** Configuration status, breaker, pool and the last minutes of calls to Button; refreshed every few seconds. */
export function HealthPage() {
  const t = useT();
  const health = useHealth();
  if (health.isLoading && !health.data && !health.error) return <Page.Loading />;
  const data = health.data;

  return (
    <PluginPage
      tab="health"
      subtitle={t('health.subtitle', 'How the connection to Button is doing right now.')}
      primaryAction={
        <Button variant="secondary" startIcon={<ArrowClockwise />} onClick={health.refetch} loading={health.isLoading}>
          {t('actions.refresh', 'Refresh')}
        </Button>
      }
    >
      <Flex direction="column" alignItems="stretch" gap={6}>
        {health.error ? <ApiErrorAlert error={health.error} /> : null}
        {data ? <HealthBody data={data} /> : null}
      </Flex>
    </PluginPage>
  );
}

function DownBanner({ data }: { data: HealthSnapshot }) {
  const t = useT();
  if (data.breaker?.state === 'open') {
    return (
      <Alert
        variant="danger"
        title={t('health.down.title', 'Button is down')}
        closeLabel={t('actions.close', 'Close')}
        data-testid="upstream-down"
      >
        {t(
          'health.down.breaker',
          'The circuit breaker is open after {failures} failed calls of {requests}: offers requests answer 503 at once until a probe succeeds (next probe in {seconds} s).',
          {
            failures: data.breaker.failures,
            requests: data.breaker.requests,
            seconds: Math.ceil((data.breaker.nextProbeInMs ?? 0) / 1000),
          }
        )}
      </Alert>
    );
  }
  if (!data.config.api_key_set) {
    return (
      <Alert variant="danger" title={t('health.noKey.title', 'No Button API key')} closeLabel={t('actions.close', 'Close')}>
        {t('health.noKey.body', 'Set the apiKey option (BUTTON_API_KEY): until then the offers endpoint answers 503.')}
      </Alert>
    );
  }
  if (data.shared_state?.mode === 'fallback') {
    return (
      <Alert
        variant="warning"
        title={t('health.sharedDown.title', 'Redis is unreachable')}
        closeLabel={t('actions.close', 'Close')}
        data-testid="shared-state-fallback"
      >
        {t(
          'health.sharedDown.body',
          'This instance keeps to its own share of the Button budget ({budget, number} calls a minute) until Redis answers again; changes made on other instances show within 30 s instead of at once.',
          { budget: data.shared_state.fallback_per_minute ?? data.shared_state.budget_per_minute }
        )}
      </Alert>
    );
  }
  if (data.upstream.calls > 0 && data.upstream.error_rate >= 0.5) {
    return (
      <Alert variant="warning" title={t('health.degraded.title', 'Button is failing')} closeLabel={t('actions.close', 'Close')}>
        {t('health.degraded.body', '{rate}% of recent calls to Button failed.', {
          rate: Math.round(data.upstream.error_rate * 100),
        })}
      </Alert>
    );
  }
  return null;
}

function HealthBody({ data }: { data: HealthSnapshot }) {
  const t = useT();
  const { locale } = useIntl();
  const { copy } = useClipboard();
  const { toggleNotification } = useNotification();
  const setBadge = (set: boolean) => (
    <Badge variant={set ? 'success' : 'danger'}>
      {set ? t('health.config.set', 'Set') : t('health.config.notSet', 'Not set')}
    </Badge>
  );
  const upstream = data.upstream;

  return (
    <>
      <DownBanner data={data} />
      <Grid.Root gap={4}>
        <Grid.Item col={3} s={6} xs={12}>
          <StatCard
            label={t('health.breaker.title', 'Circuit breaker')}
            testId="health-breaker"
            value={
              data.breaker ? (
                <Badge variant={BREAKER_VARIANT[data.breaker.state]} size="M" data-testid="breaker-state">
                  {breakerLabel(t, data.breaker.state)}
                </Badge>
              ) : (
                <Typography textColor="neutral600">{t('health.breaker.none', 'Not started yet')}</Typography>
              )
            }
            hint={
              data.breaker
                ? t('health.breaker.hint', '{failures} failed of {requests, plural, one {# call} other {# calls}}', {
                    failures: data.breaker.failures,
                    requests: data.breaker.requests,
                  })
                : undefined
            }
          />
        </Grid.Item>
        <Grid.Item col={3} s={6} xs={12}>
          <StatCard
            label={t('health.errorRate', 'Error rate')}
            value={`${Math.round(upstream.error_rate * 1000) / 10}%`}
            hint={t(
              'health.window',
              '{calls, plural, one {# call} other {# calls}}, {errors, plural, one {# error} other {# errors}} in {seconds} s',
              {
                calls: upstream.calls,
                errors: upstream.errors,
                seconds: upstream.window_seconds,
              }
            )}
          />
        </Grid.Item>
        <Grid.Item col={3} s={6} xs={12}>
          <StatCard
            label={t('health.latency', 'Latency p50 / p95 / p99')}
            value={`${formatMs(upstream.p50_ms)}`}
            hint={`${formatMs(upstream.p95_ms)} / ${formatMs(upstream.p99_ms)}`}
          />
        </Grid.Item>
        <Grid.Item col={3} s={6} xs={12}>
          <StatCard
            label={t('health.pool.title', 'Connection pool')}
            value={data.pool ? t('health.pool.connected', '{connected} connected', { connected: data.pool.connected }) : '-'}
            hint={
              data.pool
                ? t('health.pool.hint', '{free} free, {running} running, {pending} pending, {queued} queued', { ...data.pool })
                : t('health.pool.none', 'No call made yet')
            }
          />
        </Grid.Item>
      </Grid.Root>
      <Section title={t('health.chart.title', 'Recent calls to Button')}>
        {upstream.series.some((point) => point.calls > 0) ? (
          <LatencyChart series={upstream.series} />
        ) : (
          <EmptyStateLayout content={t('health.chart.empty', 'No call to Button in the last minutes.')} />
        )}
      </Section>
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Section title={t('health.config.title', 'Configuration')}>
            <KeyValueList
              items={[
                { label: t('health.config.apiKey', 'API key'), value: setBadge(data.config.api_key_set) },
                { label: t('health.config.webhookSecret', 'Webhook secret'), value: setBadge(data.config.webhook_secret_set) },
                { label: t('health.config.pubRefSecret', 'pubRef secret'), value: setBadge(data.config.pubref_secret_set) },
                { label: t('health.config.baseUrl', 'Button API'), value: data.config.base_url },
              ]}
            />
          </Section>
          {data.shared_state ? <SharedStateSection shared={data.shared_state} /> : null}
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Section title={t('health.webhook.title', 'Webhook URL to give Button')}>
            <Typography tag="code" data-testid="webhook-url" style={{ wordBreak: 'break-all' }}>
              {data.webhook_url}
            </Typography>
            <Flex>
              <Button
                variant="tertiary"
                startIcon={<Duplicate />}
                onClick={async () => {
                  await copy(data.webhook_url);
                  toggleNotification({ type: 'success', message: t('health.webhook.copied', 'Copied') });
                }}
              >
                {t('health.webhook.copy', 'Copy')}
              </Button>
            </Flex>
          </Section>
        </Grid.Item>
      </Grid.Root>
      <Section title={t('health.errors.title', 'Last upstream errors')}>
        {upstream.last_errors.length === 0 ? (
          <EmptyStateLayout content={t('health.errors.empty', 'No error in the last minutes.')} />
        ) : (
          <Table colCount={4} rowCount={upstream.last_errors.length + 1} data-testid="last-errors">
            <Thead>
              <Tr>
                <Th>
                  <Typography variant="sigma">{t('health.errors.at', 'When')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('health.errors.code', 'Code')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('health.errors.status', 'Button status')}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{t('health.errors.message', 'Message')}</Typography>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {upstream.last_errors.map((error, index) => (
                <Tr key={`${error.at}-${index}`}>
                  <Td>
                    <Typography>{formatDateTime(error.at, locale)}</Typography>
                  </Td>
                  <Td>
                    <Badge variant="danger">{error.code}</Badge>
                  </Td>
                  <Td>
                    <Typography>{error.upstream_status ?? '-'}</Typography>
                  </Td>
                  <Td>
                    <Typography>{error.message}</Typography>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </Section>
    </>
  );
}

/** Where the Button budget and cache invalidations live: this instance alone, or Redis for the whole fleet. */
function SharedStateSection({ shared }: { shared: SharedStateSnapshot }) {
  const t = useT();
  const { locale } = useIntl();
  const perMinute = (count: number) => t('health.shared.perMinute', '{count, number} calls a minute', { count });
  const items = [
    {
      label: t('health.shared.mode', 'Mode'),
      value: (
        <Badge variant={SHARED_VARIANT[shared.mode]} data-testid="shared-state-mode">
          {sharedLabel(t, shared.mode)}
        </Badge>
      ),
    },
    { label: t('health.shared.budget', 'Button budget in use'), value: perMinute(shared.budget_per_minute) },
  ];
  if (shared.fallback_per_minute !== null) {
    items.push({
      label: t('health.shared.fallbackBudget', 'Share if Redis fails'),
      value: perMinute(shared.fallback_per_minute),
    });
  }
  if (shared.redis_url !== null) items.push({ label: t('health.shared.redis', 'Redis'), value: shared.redis_url });
  if (shared.since !== null)
    items.push({ label: t('health.shared.since', 'Since'), value: formatDateTime(shared.since, locale) });
  return (
    <Section title={t('health.shared.title', 'Instances')}>
      <KeyValueList items={items} />
    </Section>
  );
}
