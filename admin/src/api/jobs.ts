/**
 * What the admin reads of a background job's run, the same for the reconciliation's runs and the catalogue's syncs:
 * both histories list their runs newest first.
 */
export interface JobRun {
  id: number;
  status: JobStatus;
}

export type JobStatus = 'running' | 'succeeded' | 'failed';

/** While a run is running, the job's history is read again this often; never otherwise. */
export const JOB_POLL_MS = 2_000; // 2 s

export const hasRunningRun = (runs: readonly JobRun[] | undefined) => runs?.some((run) => run.status === 'running') ?? false;

/** `pollMs` for a job's history query: every 2 s while one of the runs `runsOf` finds in the answer is running. */
export const pollWhileRunning =
  <T>(runsOf: (data: T) => readonly JobRun[]) =>
  (data: T | undefined) =>
    data !== undefined && hasRunningRun(runsOf(data)) ? JOB_POLL_MS : undefined;

/** The newest run that is no longer running (null when none is): when it changes, a run finished. */
export const lastFinishedId = (runs: readonly JobRun[]): number | null =>
  runs.find((run) => run.status !== 'running')?.id ?? null;

/**
 * Which refusal of Run now an error is: `running` (409 `RUNNING`), `notConfigured` (400 with one of the codes the
 * job has words for), or null for anything else (the server's message is shown). Typed by the two fields of ApiError it
 * reads, so this module imports nothing (its unit test runs without the admin's types).
 */
export function refusalOf(
  error: { status: number | null; code: string | null },
  notConfiguredCodes: readonly string[]
): 'running' | 'notConfigured' | null {
  if (error.status === 409 && error.code === 'RUNNING') return 'running';
  if (error.status === 400 && error.code !== null && notConfiguredCodes.includes(error.code)) return 'notConfigured';
  return null;
}
