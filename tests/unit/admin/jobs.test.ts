import {
  hasRunningRun,
  JOB_POLL_MS,
  lastFinishedId,
  pollWhileRunning,
  refusalOf,
  type JobRun,
} from '../../../admin/src/api/jobs';

/** What the reconciliation panel and the catalogue sync bar share about a background job's runs (newest first). */
const run = (id: number, status: JobRun['status']): JobRun => ({ id, status });

describe('pollWhileRunning', () => {
  const poll = pollWhileRunning((data: { runs: JobRun[] }) => data.runs);

  it('reads the history again every 2 s while a run is running', () => {
    expect(poll({ runs: [run(2, 'running'), run(1, 'succeeded')] })).toBe(JOB_POLL_MS);
    expect(JOB_POLL_MS).toBe(2_000);
  });

  it('never otherwise, nor before the first answer', () => {
    expect(poll({ runs: [run(2, 'failed'), run(1, 'succeeded')] })).toBeUndefined();
    expect(poll({ runs: [] })).toBeUndefined();
    expect(poll(undefined)).toBeUndefined();
    expect(hasRunningRun(undefined)).toBe(false);
  });
});

describe('lastFinishedId', () => {
  it('is the newest run no longer running: it changes when a run finishes, even one never seen running', () => {
    expect(lastFinishedId([run(3, 'running'), run(2, 'failed'), run(1, 'succeeded')])).toBe(2);
    expect(lastFinishedId([run(3, 'succeeded'), run(2, 'failed')])).toBe(3);
    expect(lastFinishedId([run(1, 'running')])).toBeNull();
    expect(lastFinishedId([])).toBeNull();
  });
});

describe('refusalOf', () => {
  const error = (status: number | null, code: string | null) => ({ status, code });

  it('names the refusals the job has words for', () => {
    expect(refusalOf(error(409, 'RUNNING'), [])).toBe('running');
    expect(refusalOf(error(400, 'NO_ACCOUNT'), ['NO_ACCOUNT', 'NOT_CONFIGURED'])).toBe('notConfigured');
    expect(refusalOf(error(400, 'NOT_CONFIGURED'), ['NOT_CONFIGURED'])).toBe('notConfigured');
  });

  it("leaves anything else to the server's message", () => {
    expect(refusalOf(error(400, 'NO_ACCOUNT'), ['NOT_CONFIGURED'])).toBeNull();
    expect(refusalOf(error(400, null), ['NOT_CONFIGURED'])).toBeNull();
    expect(refusalOf(error(409, 'OTHER'), ['NOT_CONFIGURED'])).toBeNull();
    expect(refusalOf(error(500, 'RUNNING'), ['RUNNING'])).toBeNull();
    expect(refusalOf(error(null, null), [])).toBeNull();
  });
});
