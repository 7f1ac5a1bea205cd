import { useEffect, useRef, type ReactNode } from 'react';
import { Alert, Badge, Button, Flex } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { hasRunningRun, lastFinishedId, refusalOf, type JobRun, type JobStatus } from '../api/jobs';
import type { ApiError, MutationState, QueryState } from '../api/request';
import { useT } from '../utils/useT';
import { ApiErrorAlert } from './ApiErrorAlert';
import { Section } from './Section';

/** A refusal of Run now that an operator can act on, in the job's own words. */
export interface JobRefusal {
  title: string;
  body: string;
  testId: string;
}

export interface JobRefusals {
  /** 409 `RUNNING`: a run is already running (started here, by the schedule or on another instance). */
  running: JobRefusal;
  /** 400 with one of the `bodies`' codes: the job is not configured; each code says which option is missing. */
  notConfigured: Omit<JobRefusal, 'body'> & { bodies: Record<string, string> };
}

export interface JobRunNow {
  label: string;
  /** The button's label while a run is running (it is disabled then). */
  runningLabel: string;
  icon: ReactNode;
  testId: string;
  /** Disabled for a reason of the job's own (not configured), besides a run running. */
  disabled?: boolean;
}

interface JobPanelProps {
  title: string;
  subtitle?: ReactNode;
  testId: string;
  /** Above the alerts: what the job does. */
  intro?: ReactNode;
  /** The job's history (its own API call, read every 2 s while a run is running): Refresh reads it again. */
  history: QueryState<unknown>;
  /** The history's runs, newest first; undefined until it was read. */
  runs: readonly JobRun[] | undefined;
  /** The job's "start a run" call: 202 with the run, or a refusal as an ApiError. */
  start: MutationState<void, unknown>;
  /** Run now, for a role that may run the job; no button otherwise. */
  runNow?: JobRunNow;
  refusals: JobRefusals;
  /** Called when a run finished since the panel last read the history, so what the job changes is read again. */
  onRunFinished: () => void;
  /** The job's configuration and its runs, in its own words and columns. */
  children: ReactNode;
}

/**
 * A background job's card: Refresh, Run now (disabled while a run is running), the refusals of Run now in words an
 * operator can act on, and the job's own content below.
 */
export function JobPanel({
  title,
  subtitle,
  testId,
  intro,
  history,
  runs,
  start,
  runNow,
  refusals,
  onRunFinished,
  children,
}: JobPanelProps) {
  const t = useT();
  const running = hasRunningRun(runs);
  useRunFinished(runs, onRunFinished);

  const startNow = async () => {
    await start.mutate();
    // Started, or refused because one is running: either way the history now has a running run to show.
    history.refetch();
  };

  return (
    <Section
      title={title}
      subtitle={subtitle}
      testId={testId}
      actions={
        <Flex gap={2}>
          <Button
            variant="tertiary"
            startIcon={<ArrowClockwise />}
            onClick={history.refetch}
            loading={history.isLoading && history.data !== undefined}
          >
            {t('actions.refresh', 'Refresh')}
          </Button>
          {runNow ? (
            <Button
              startIcon={runNow.icon}
              onClick={startNow}
              loading={start.isLoading}
              disabled={running || runNow.disabled === true}
              data-testid={runNow.testId}
            >
              {running ? runNow.runningLabel : runNow.label}
            </Button>
          ) : null}
        </Flex>
      }
    >
      {intro}
      {start.error ? <StartError error={start.error} refusals={refusals} onClose={start.reset} /> : null}
      {history.error && history.data === undefined ? <ApiErrorAlert error={history.error} /> : null}
      {children}
    </Section>
  );
}

/**
 * Calls `onFinished` when the newest finished run changes after the first read: a run that finished since the panel
 * last looked, even one too quick to be seen running.
 */
function useRunFinished(runs: readonly JobRun[] | undefined, onFinished: () => void) {
  const finishedId = runs ? lastFinishedId(runs) : null;
  const loaded = runs !== undefined;
  const lastFinished = useRef<number | null | undefined>(undefined);
  useEffect(() => {
    if (!loaded) return;
    if (lastFinished.current !== undefined && lastFinished.current !== finishedId) onFinished();
    lastFinished.current = finishedId;
  }, [loaded, finishedId, onFinished]);
}

/** The two refusals an operator can act on get the job's own words; anything else is the server's message. */
function StartError({ error, refusals, onClose }: { error: ApiError; refusals: JobRefusals; onClose: () => void }) {
  const t = useT();
  const { bodies, ...notConfigured } = refusals.notConfigured;
  const kind = refusalOf(error, Object.keys(bodies));
  const refusal =
    kind === 'running'
      ? { variant: 'warning' as const, ...refusals.running }
      : kind === 'notConfigured' && error.code !== null
        ? { variant: 'danger' as const, ...notConfigured, body: bodies[error.code] }
        : null;
  if (!refusal) return <ApiErrorAlert error={error} onClose={onClose} />;
  return (
    <Alert
      variant={refusal.variant}
      title={refusal.title}
      closeLabel={t('actions.close', 'Close')}
      onClose={onClose}
      role="alert"
      data-testid={refusal.testId}
    >
      {refusal.body}
    </Alert>
  );
}

const STATUS_VARIANT: Record<JobStatus, 'secondary' | 'success' | 'danger'> = {
  running: 'secondary',
  succeeded: 'success',
  failed: 'danger',
};

/** A run's status, in the job's own words (`labels`); a status this admin does not know is shown as sent. */
export function JobStatusBadge({
  status,
  labels,
  testId,
}: {
  status: JobStatus;
  labels: Record<JobStatus, string>;
  testId: string;
}) {
  return (
    <Badge variant={STATUS_VARIANT[status] ?? 'neutral'} data-testid={testId}>
      {labels[status] ?? status}
    </Badge>
  );
}
