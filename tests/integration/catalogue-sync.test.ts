import type { DatabaseClient } from '../helpers/databases';
import { adminToken, createAdminUser } from '../helpers/admin-users';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY } from '../helpers/simulator';
import { createButtonSimulator } from '../../simulator';
import { createJobLocks, type LockQuery } from '../../server/src/jobs/lock';

/**
 * Issue 15: Button's brand catalogue synced into the plugin's table, on SQLite, PostgreSQL and MariaDB, through the
 * admin API against the simulator's Merchants API: counts per run (added, changed, removed, unchanged) as the
 * catalogue changes between runs, the removed flag, one sync at a time across instances (the lease), and a Button
 * that cannot be reached leaving the stored catalogue as it was and the run failed.
 */
type Simulator = ReturnType<typeof createButtonSimulator>;

interface Sync {
  id: number;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed';
  pages: number;
  seen: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  errors: number;
  truncated: boolean;
  message: string | null;
}

interface Row {
  merchant_id: string;
  name: string;
  status: 'partnered' | 'removed';
  removed_at: string | null;
  icon_url: string | null;
}

const PAGE_SIZE = 4; // six approved brands: two pages
const BRAND_UID = 'plugin::button-personalization.brand';

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, rounds = 600): Promise<T> {
  for (let i = 0; i < rounds; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('catalogue sync on %s', (client) => {
  let sim: Simulator;
  let app: Playground;
  let token = '';

  beforeAll(async () => {
    sim = createButtonSimulator({ apiKey: SIM_API_KEY, merchantsPageSize: PAGE_SIZE });
    await sim.start();
    app = await startPlayground(
      {
        BUTTON_API_KEY: SIM_API_KEY,
        BUTTON_API_BASE_URL: sim.url,
        BUTTON_ACCOUNTS_BASE_URL: sim.url,
        BUTTON_CATALOGUE_SCHEDULE: '',
        BUTTON_RECONCILIATION_SCHEDULE: '',
        BUTTON_RETENTION_SCHEDULE: '',
        BUTTON_RATE_LIMIT_PER_MINUTE: '60000',
        BUTTON_POOL_WARMUP: 'false',
        BUTTON_RECONCILIATION_ATTEMPT_TIMEOUT_MS: '2000',
      },
      client
    );
    token = await adminToken(app, await createAdminUser(app.strapi, `catalogue-${client}@example.com`, 'strapi-super-admin'));
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  }, 60_000);

  const call = (method: 'get' | 'post', url: string) => app.http()[method](url).set('Authorization', `Bearer ${token}`);

  /** Starts a sync over HTTP (202) and waits for it to finish, as the admin page does. */
  async function syncNow(): Promise<Sync> {
    const started = await call('post', '/button-personalization/catalogue/syncs');
    expect(started.status).toBe(202);
    expect(started.body.data).toMatchObject({ status: 'running', trigger: 'manual' });
    const id = started.body.data.id as number;
    return waitFor(`sync ${id}`, async () => {
      const res = await call('get', '/button-personalization/catalogue/syncs');
      const sync = (res.body.data as Sync[]).find((candidate) => candidate.id === id);
      return sync && sync.status !== 'running' ? sync : undefined;
    });
  }

  async function catalogue(query = ''): Promise<Row[]> {
    const res = await call('get', `/button-personalization/catalogue?pageSize=100${query}`);
    expect(res.status).toBe(200);
    return res.body.data as Row[];
  }

  it('answers from the empty store before any sync', async () => {
    const res = await call('get', '/button-personalization/catalogue');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: [], meta: { last_sync: null, counts: { total: 0 }, configured: true } });
  });

  it('adds every approved brand on the first sync, page by page', async () => {
    const sync = await syncNow();
    expect(sync).toMatchObject({
      status: 'succeeded',
      pages: 2,
      seen: MERCHANTS.length,
      added: MERCHANTS.length,
      changed: 0,
      removed: 0,
      unchanged: 0,
      errors: 0,
      truncated: false,
      message: null,
    });
    const rows = await catalogue();
    expect(rows.map((row) => row.merchant_id).sort()).toEqual(MERCHANTS.map((merchant) => merchant.merchant_id).sort());
    expect(rows.every((row) => row.status === 'partnered')).toBe(true);
    expect(rows[0]!.icon_url).toMatch(new RegExp(`^${sim.url}/__simulator/icons/org-`));
  });

  it('counts a brand added, one changed and one removed between runs, and flags the removed one', async () => {
    const [changed, removed] = [MERCHANTS[0]!, MERCHANTS[1]!];
    sim.catalogue.put({ id: 'org-0addedbrand01', name: 'Added Outfitters' });
    sim.catalogue.put({ id: changed.merchant_id, description: 'Now with a new description.' });
    sim.catalogue.remove(removed.merchant_id);

    const sync = await syncNow();
    expect(sync).toMatchObject({
      status: 'succeeded',
      seen: MERCHANTS.length,
      added: 1,
      changed: 1,
      removed: 1,
      unchanged: MERCHANTS.length - 2,
    });
    const gone = await catalogue('&status=removed');
    expect(gone).toEqual([expect.objectContaining({ merchant_id: removed.merchant_id, status: 'removed' })]);
    expect(gone[0]!.removed_at).not.toBeNull();
    const brand = await call('get', `/button-personalization/catalogue/brands/${changed.merchant_id}`);
    expect(brand.body.data).toMatchObject({ description: 'Now with a new description.', status: 'partnered' });

    // Nothing changed since: everything unchanged; the removed brand stays removed and is not counted again.
    expect(await syncNow()).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: MERCHANTS.length });

    // Partnered again: counted as added, no longer flagged.
    sim.catalogue.put({ id: removed.merchant_id, name: removed.name, status: 'approved' });
    expect(await syncNow()).toMatchObject({ added: 1, removed: 0 });
    expect(await catalogue('&status=removed')).toEqual([]);
  });

  it('refuses a second sync while another instance holds the lease (409), and runs once it is released', async () => {
    const locks = createJobLocks({
      query: (uid) => app.strapi.db.query(uid) as unknown as LockQuery,
      holder: 'another-instance',
      now: () => new Date(),
    });
    const lease = await locks.acquire('catalogue-sync', 60_000);
    expect(lease).not.toBeNull();
    const refused = await call('post', '/button-personalization/catalogue/syncs');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      data: null,
      error: { status: 409, name: 'ConflictError', details: { code: 'RUNNING' } },
    });
    await lease!.release();
    expect(await syncNow()).toMatchObject({ status: 'succeeded' });
  });

  it('keeps the stored catalogue intact and records the run failed when Button cannot be reached', async () => {
    const before = await catalogue();
    // A complete sync would now remove this brand: a failed one must not.
    sim.catalogue.remove(MERCHANTS[2]!.merchant_id);
    for (const rule of [
      { kind: 'status', status: 503, route: 'merchants' },
      { kind: 'reset', route: 'merchants' },
      { kind: 'schema', route: 'merchants' },
    ] as const) {
      sim.faults.set({ rules: [rule] });
      const sync = await syncNow();
      expect(sync).toMatchObject({ status: 'failed', removed: 0 });
      expect(sync.message).toEqual(expect.any(String));
      expect(await catalogue()).toEqual(before);
    }
    sim.faults.clear();
    // And the listing answers from what is stored while Button is down.
    await sim.stop();
    expect(await catalogue()).toEqual(before);
    const res = await call('get', '/button-personalization/catalogue/syncs');
    expect(res.body.data[0]).toMatchObject({ status: 'failed' });
  }, 120_000);

  it('is written only by the sync: the Document Service refuses writes to the brands', async () => {
    const documents = app.strapi.documents(BRAND_UID as never) as unknown as { create(params: unknown): Promise<unknown> };
    await expect(documents.create({ data: { merchant_id: 'org-forged', name: 'Forged' } })).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
  });
});
