import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createButtonSimulator, transaction } from '../../simulator';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { adminToken, createAdminUserWithPermissions } from '../helpers/admin-users';
import { requestJson, startCluster, type Cluster } from '../helpers/cluster';
import { PUBREF_SECRET, WEBHOOK_SECRET } from '../helpers/ledger';
import { startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY } from '../helpers/simulator';

/**
 * Issue 14, the admin's side of reconciliation: who may run it and read its history (RBAC), what the routes answer
 * when it cannot run (no account, no API key, one already running), the lease that keeps runs to one at a time
 * across instances (two real Strapi processes on one PostgreSQL database), the takeover of a lease left by a
 * crashed instance, and the list of the API key's Button accounts.
 */
type Simulator = ReturnType<typeof createButtonSimulator>;

interface Run {
  id: number;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  message: string | null;
  finished_at: string | null;
  transactions_seen: number;
}

const RUNS = '/button-personalization/reconciliation/runs';
const HISTORY = '/button-personalization/reconciliation';
const ACCOUNTS = '/button-personalization/reconciliation/accounts';
const ACTION = (name: string) => `plugin::button-personalization.${name}`;
const JOB_LOCK_UID = 'plugin::button-personalization.job-lock';
const RUN_UID = 'plugin::button-personalization.reconciliation-run';
const PAGE_SIZE = 7;
const SLOW_PAGE = { rules: [{ route: 'transactions' as const, kind: 'delay' as const, delayMs: 8_000, times: 1 }] };

/** Polls a condition with a bound on the number of rounds, never on a duration asserted. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, rounds = 600): Promise<T> {
  for (let i = 0; i < rounds; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A simulator whose Button already knows a few transactions (three pages' worth). */
async function startSim(): Promise<Simulator> {
  const sim = createButtonSimulator({ apiKey: SIM_API_KEY, webhookSecret: WEBHOOK_SECRET, transactionsPageSize: PAGE_SIZE });
  await sim.start();
  const start = Date.now() - 5 * 3_600_000;
  for (let i = 0; i < 15; i += 1) {
    const at = new Date(start + i * 60_000).toISOString();
    sim.transactions.put(
      transaction({
        id: `tx-admin-${i}`,
        pubRef: null,
        status: i % 3 === 0 ? 'pending' : 'validated',
        modifiedDate: at,
        createdDate: at,
      })
    );
  }
  return sim;
}

const pluginEnv = (sim: Simulator, overrides: Record<string, string | undefined> = {}) => ({
  BUTTON_API_KEY: SIM_API_KEY,
  BUTTON_API_BASE_URL: sim.url,
  BUTTON_ACCOUNTS_BASE_URL: sim.url,
  BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
  BUTTON_PUBREF_SECRET: PUBREF_SECRET,
  BUTTON_RECONCILIATION_ACCOUNT_ID: sim.accountId,
  BUTTON_RECONCILIATION_SCHEDULE: '',
  BUTTON_RETENTION_SCHEDULE: '',
  BUTTON_RATE_LIMIT_PER_MINUTE: '60000',
  ...overrides,
});

describe('reconciliation admin routes (sqlite)', () => {
  let sim: Simulator;
  let app: Playground;
  const tokens: Record<'none' | 'reader' | 'reconciler' | 'both', string> = { none: '', reader: '', reconciler: '', both: '' };

  beforeAll(async () => {
    sim = await startSim();
    app = await startPlayground(pluginEnv(sim), 'sqlite');
    const roles: Array<[keyof typeof tokens, string[]]> = [
      ['none', [ACTION('preview')]],
      ['reader', [ACTION('read')]],
      ['reconciler', [ACTION('reconcile')]],
      ['both', [ACTION('read'), ACTION('reconcile')]],
    ];
    for (const [name, actions] of roles) {
      const user = await createAdminUserWithPermissions(
        app.strapi,
        `Recon ${name}`,
        actions.map((action) => ({ action }))
      );
      tokens[name] = await adminToken(app, user);
    }
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  }, 60_000);

  const call = (method: 'get' | 'post', url: string, who?: keyof typeof tokens) => {
    const req = app.http()[method](url);
    return who === undefined ? req : req.set('Authorization', `Bearer ${tokens[who]}`);
  };
  const runs = async (): Promise<Run[]> =>
    app.strapi.plugin('button-personalization').service('commissions').reconciliationRuns(50) as Promise<Run[]>;
  const finished = (id: number) =>
    waitFor(`run ${id}`, async () => {
      const run = (await runs()).find((candidate) => candidate.id === id);
      return run !== undefined && run.status !== 'running' ? run : undefined;
    });

  it('needs an admin: 401 without a token on every route', async () => {
    for (const [method, url] of [
      ['get', HISTORY],
      ['post', RUNS],
      ['get', ACCOUNTS],
    ] as const) {
      expect([url, (await call(method, url)).status]).toEqual([url, 401]);
    }
  });

  it('refuses every route to a role with neither read nor reconcile (403)', async () => {
    expect((await call('get', HISTORY, 'none')).status).toBe(403);
    expect((await call('post', RUNS, 'none')).status).toBe(403);
    expect((await call('get', ACCOUNTS, 'none')).status).toBe(403);
    expect(await runs()).toEqual([]);
  });

  it('lets read see the configuration and history, but neither run nor list accounts', async () => {
    const history = await call('get', HISTORY, 'reader');
    expect(history.status).toBe(200);
    expect(history.body.data).toEqual({
      accountId: sim.accountId,
      schedule: null,
      windowHours: expect.any(Number),
      configured: true,
      runs: [],
    });
    expect((await call('post', RUNS, 'reader')).status).toBe(403);
    expect((await call('get', ACCOUNTS, 'reader')).status).toBe(403);
    expect(await runs()).toEqual([]);
  });

  it('lets reconcile run and list accounts, but not read the history without read', async () => {
    expect((await call('get', HISTORY, 'reconciler')).status).toBe(403);
    const accounts = await call('get', ACCOUNTS, 'reconciler');
    expect(accounts.status).toBe(200);
    expect(accounts.body).toEqual({ data: [{ id: sim.accountId, name: 'Simulator Publisher', currency: 'USD' }] });

    const started = await call('post', RUNS, 'reconciler');
    expect(started.status).toBe(202);
    expect(started.body.data).toMatchObject({ status: 'running', trigger: 'manual', account_id: sim.accountId });
    const run = await finished(started.body.data.id as number);
    expect(run).toMatchObject({ status: 'succeeded', transactions_seen: 15 });
    // Who asked is kept with the run.
    const row = (await app.strapi.db.query(RUN_UID as never).findOne({ where: { id: run.id } })) as { requested_by: unknown };
    expect(row.requested_by).toEqual(expect.any(Number));

    const history = await call('get', HISTORY, 'both');
    expect(history.body.data.runs).toEqual([expect.objectContaining({ id: run.id, status: 'succeeded' })]);
  });

  it('answers 409 RUNNING while a run is in progress, and runs again once it ended', async () => {
    sim.faults.set(SLOW_PAGE);
    const requestsBefore = sim.stats().transactionsRequests;
    try {
      const first = await call('post', RUNS, 'both');
      expect(first.status).toBe(202);
      // The first page is now held back by the simulator: the run is certainly still running.
      await waitFor('the first page request', async () => (sim.stats().transactionsRequests > requestsBefore ? true : undefined));
      const second = await call('post', RUNS, 'both');
      expect(second.status).toBe(409);
      expect(second.body).toEqual({
        data: null,
        error: expect.objectContaining({ status: 409, name: 'ConflictError', details: { code: 'RUNNING' } }),
      });
      expect((await runs()).filter((run) => run.status === 'running').map((run) => run.id)).toEqual([first.body.data.id]);
      expect(await finished(first.body.data.id as number)).toMatchObject({ status: 'succeeded' });
    } finally {
      sim.faults.clear();
    }
    expect(await app.strapi.db.query(JOB_LOCK_UID as never).count({})).toBe(0);
    const third = await call('post', RUNS, 'both');
    expect(third.status).toBe(202);
    expect(await finished(third.body.data.id as number)).toMatchObject({ status: 'succeeded' });
  });

  it("respects another instance's live lease, then takes a crashed instance's expired one over", async () => {
    const locks = app.strapi.db.query(JOB_LOCK_UID as never);
    const now = Date.now();
    // Another instance is running: its lease is in the future.
    await locks.create({
      data: {
        name: 'reconciliation',
        holder: 'crashed-instance-1',
        lease_until: new Date(now + 60_000),
        createdAt: new Date(now),
        updatedAt: new Date(now),
      },
    });
    const orphan = (await app.strapi.db.query(RUN_UID as never).create({
      data: {
        trigger: 'schedule',
        status: 'running',
        account_id: sim.accountId,
        window_start: new Date(now - 96 * 3_600_000),
        window_end: new Date(now),
        started_at: new Date(now - 60_000),
        pages: 1,
        transactions_seen: 7,
        added: 0,
        updated: 0,
        unchanged: 7,
        conflicts: 0,
        errors: 0,
        truncated: false,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      },
    })) as { id: number };
    const refused = await call('post', RUNS, 'both');
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual({ code: 'RUNNING' });
    expect((await runs()).find((run) => run.id === orphan.id)).toMatchObject({ status: 'running' });

    // It crashed: nobody renews the lease, which runs out.
    await locks.updateMany({ where: { name: 'reconciliation' }, data: { lease_until: new Date(now - 60_000) } });
    const started = await call('post', RUNS, 'both');
    expect(started.status).toBe(202);
    const interrupted = (await runs()).find((run) => run.id === orphan.id)!;
    expect(interrupted).toMatchObject({ status: 'failed', message: expect.stringMatching(/^interrupted/) });
    expect(interrupted.finished_at).not.toBeNull();
    expect(await finished(started.body.data.id as number)).toMatchObject({ status: 'succeeded' });
    expect(await locks.count({})).toBe(0);
  });
});

describe.each<[string, Record<string, string | undefined>, string]>([
  ['no account configured', { BUTTON_RECONCILIATION_ACCOUNT_ID: undefined }, 'NO_ACCOUNT'],
  ['no API key', { BUTTON_API_KEY: undefined }, 'NOT_CONFIGURED'],
])('reconciliation admin routes with %s (sqlite)', (_label, overrides, code) => {
  let sim: Simulator;
  let app: Playground;
  let token: string;

  beforeAll(async () => {
    sim = await startSim();
    app = await startPlayground(pluginEnv(sim, overrides), 'sqlite');
    token = await adminToken(
      app,
      await createAdminUserWithPermissions(app.strapi, 'Recon unconfigured', [
        { action: ACTION('read') },
        { action: ACTION('reconcile') },
      ])
    );
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  }, 60_000);

  it(`answers 400 ${code} to a run, records nothing, and says it is not configured`, async () => {
    const res = await app.http().post(RUNS).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ data: null, error: expect.objectContaining({ status: 400, details: { code } }) });
    const history = await app.http().get(HISTORY).set('Authorization', `Bearer ${token}`);
    expect(history.status).toBe(200);
    expect(history.body.data).toMatchObject({ configured: false, runs: [] });
    expect(sim.stats().transactionsRequests).toBe(0);
  });
});

describe('one run at a time across instances (two Strapi processes on one PostgreSQL database)', () => {
  let scratch: string;
  let database: TestDatabase | undefined;
  let sim: Simulator | undefined;
  let cluster: Cluster | undefined;
  // The playground's seeded admin (playground/src/seed.js): one database, so one admin for both instances.
  const ADMIN = { email: 'admin@example.com', password: 'Playground-Admin-1' };

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'button-plugin-recon-lock-'));
    database = await createTestDatabase('postgres', scratch);
    sim = await startSim();
    cluster = await startCluster({
      instances: 2,
      inheritEnv: false,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        NODE_ENV: 'test',
        ...database.env,
        PLAYGROUND_SERVE_ADMIN: 'false',
        PLAYGROUND_SEED_LOGOS: 'false',
        STRAPI_TELEMETRY_DISABLED: 'true',
        STRAPI_LOG_LEVEL: 'warn',
        ...(pluginEnv(sim) as Record<string, string>),
      },
    });
  }, 420_000);

  afterAll(async () => {
    await cluster?.stop();
    await sim?.stop();
    await database?.drop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }, 120_000);

  const login = async (url: string) => {
    const answer = await requestJson(`${url}/admin/login`, { method: 'POST', body: ADMIN });
    expect(answer.status).toBe(200);
    return (answer.body as { data: { token: string } }).data.token;
  };

  it('starts exactly one run when both instances are asked at once', async () => {
    const [a, b] = cluster!.instances as [Cluster['instances'][number], Cluster['instances'][number]];
    const [tokenA, tokenB] = [await login(a.url), await login(b.url)];
    sim!.faults.set(SLOW_PAGE);
    try {
      const answers = await Promise.all([
        requestJson(`${a.url}${RUNS}`, { method: 'POST', token: tokenA }),
        requestJson(`${b.url}${RUNS}`, { method: 'POST', token: tokenB }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409]);
      const refused = answers.find((answer) => answer.status === 409)!;
      expect(refused.body).toMatchObject({ error: { details: { code: 'RUNNING' } } });
      const winner = answers.find((answer) => answer.status === 202)!;
      const id = (winner.body as { data: Run }).data.id;

      // Asked again on either instance while it runs: still refused.
      for (const [instance, token] of [
        [a, tokenA],
        [b, tokenB],
      ] as const) {
        expect((await requestJson(`${instance.url}${RUNS}`, { method: 'POST', token })).status).toBe(409);
      }

      const history = await waitFor('the run to end', async () => {
        const answer = await requestJson(`${b.url}${HISTORY}`, { token: tokenB });
        expect(answer.status).toBe(200);
        const body = answer.body as { data: { runs: Run[] } };
        return body.data.runs.every((run) => run.status !== 'running') ? body.data.runs : undefined;
      });
      expect(history).toEqual([expect.objectContaining({ id, status: 'succeeded', transactions_seen: 15 })]);
    } finally {
      sim!.faults.clear();
    }
    // The lease was released: the other instance may run now.
    const next = await requestJson(`${b.url}${RUNS}`, { method: 'POST', token: tokenB });
    expect(next.status).toBe(202);
    await waitFor('the second run to end', async () => {
      const answer = await requestJson(`${a.url}${HISTORY}`, { token: tokenA });
      const runs = (answer.body as { data: { runs: Run[] } }).data.runs;
      return runs.length === 2 && runs.every((run) => run.status === 'succeeded') ? true : undefined;
    });
  });
});

describe('scheduled runs (sqlite, a schedule every second)', () => {
  let sim: Simulator;
  let app: Playground;

  beforeAll(async () => {
    sim = await startSim();
    // Every page held back a while: each run spans several ticks of the schedule.
    sim.faults.set({ rules: [{ route: 'transactions', kind: 'delay', delayMs: 700 }] });
    app = await startPlayground(pluginEnv(sim, { BUTTON_RECONCILIATION_SCHEDULE: '* * * * * *' }), 'sqlite');
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  }, 60_000);

  it('runs on its schedule, never two runs at once even though the schedule fires during a run', async () => {
    const commissions = app.strapi.plugin('button-personalization').service('commissions');
    const runs = await waitFor('two scheduled runs to end', async () => {
      const all = (await commissions.reconciliationRuns(50)) as Array<Run & { trigger: string; started_at: string }>;
      return all.filter((run) => run.status !== 'running').length >= 2 ? all : undefined;
    });
    const ended = runs.filter((run) => run.status !== 'running').reverse();
    expect(ended.every((run) => run.trigger === 'schedule' && run.status === 'succeeded')).toBe(true);
    // One after the other: each run started once the previous one had finished (none was interrupted either).
    for (let i = 1; i < ended.length; i += 1) {
      expect(Date.parse(ended[i]!.started_at)).toBeGreaterThanOrEqual(Date.parse(ended[i - 1]!.finished_at!));
    }
    expect(ended[0]).toMatchObject({ transactions_seen: 15, added: 15 });
    expect(ended[1]).toMatchObject({ transactions_seen: 15, added: 0, unchanged: 15 });
  });
});

describe('a backlog larger than maxPages (sqlite, maxPages 2, pages of 7, 15 transactions)', () => {
  let sim: Simulator;
  let app: Playground;

  beforeAll(async () => {
    sim = await startSim();
    app = await startPlayground(pluginEnv(sim, { BUTTON_RECONCILIATION_MAX_PAGES: '2' }), 'sqlite');
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  }, 60_000);

  const runOnce = async (): Promise<Run & { pages: number; added: number; truncated: boolean }> => {
    const commissions = app.strapi.plugin('button-personalization').service('commissions');
    const started = await commissions.startReconciliation('manual');
    expect(started.started).toBe(true);
    return started.done;
  };
  const ledgerSize = () => app.strapi.db.query('plugin::button-personalization.transaction' as never).count({});

  it('stops after maxPages, marked truncated, with a message saying so', async () => {
    const run = await runOnce();
    expect(run).toMatchObject({ status: 'succeeded', pages: 2, transactions_seen: 14, added: 14, truncated: true });
    expect(run.message).toMatch(/stopped after 2 pages/);
    expect(Number(await ledgerSize())).toBe(14);
  });

  // A truncated run keeps the cursor where it stopped; the next one reads on from it over the same window (before, it
  // re-read the same first pages and stopped at maxPages again: the newest transactions were never reached).
  it('finishes the backlog on the next run, as its message promises', async () => {
    const commissions = app.strapi.plugin('button-personalization').service('commissions');
    const [first] = (await commissions.reconciliationRuns(1)) as Array<{ id: number; window_start: string }>;
    const run = (await runOnce()) as unknown as Run & { added: number; truncated: boolean; window_start: string };
    expect(run).toMatchObject({ status: 'succeeded', added: 1, truncated: false, continues_run: first!.id });
    expect(run.window_start).toBe(first!.window_start);
    expect(Number(await ledgerSize())).toBe(15);
  });
});
