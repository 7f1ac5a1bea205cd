import type { DatabaseClient } from '../helpers/databases';
import { startPlayground, type Playground } from '../helpers/playground';
import { createJobLocks, type LockQuery } from '../../server/src/jobs/lock';

/**
 * The lease that keeps a scheduled job to one instance, on the three databases (the unique index decides, and each
 * database reports its violation its own way).
 */
const LOCK_UID = 'plugin::button-personalization.job-lock';

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('job leases on %s', (client) => {
  let app: Playground;
  let now = Date.parse('2026-11-26T10:00:00.000Z');
  const locks = (holder: string) =>
    createJobLocks({
      query: () => app.strapi.db.query(LOCK_UID as never) as unknown as LockQuery,
      holder,
      now: () => new Date(now),
    });

  beforeAll(async () => {
    app = await startPlayground({}, client);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('grants a lease to one holder at a time, renews it, and frees it on release', async () => {
    const first = await locks('instance-a').acquire('reconciliation', 60_000);
    expect(first).not.toBeNull();
    expect(await locks('instance-b').acquire('reconciliation', 60_000)).toBeNull();
    expect(await locks('instance-a').acquire('reconciliation', 60_000)).toBeNull(); // not re-entrant either
    // Another job's lease is independent.
    const other = await locks('instance-b').acquire('retention', 60_000);
    expect(other).not.toBeNull();

    now += 50_000;
    expect(await first!.renew(60_000)).toBe(true);
    now += 50_000; // past the first lease, within the renewed one
    expect(await locks('instance-b').acquire('reconciliation', 60_000)).toBeNull();

    await first!.release();
    const second = await locks('instance-b').acquire('reconciliation', 60_000);
    expect(second).not.toBeNull();
    await second!.release();
    await other!.release();
    expect(await app.strapi.db.query(LOCK_UID as never).count({})).toBe(0);
  });

  it("takes over a crashed holder's lease once it has run out, and the old holder can no longer renew it", async () => {
    const crashed = await locks('instance-a').acquire('reconciliation', 60_000);
    expect(crashed).not.toBeNull();
    now += 61_000;
    const taken = await locks('instance-b').acquire('reconciliation', 60_000);
    expect(taken).not.toBeNull();
    expect(await crashed!.renew(60_000)).toBe(false);
    // A late release by the old holder does not free the new holder's lease.
    await crashed!.release();
    expect(await locks('instance-c').acquire('reconciliation', 60_000)).toBeNull();
    await taken!.release();
  });

  it('lets exactly one of many concurrent claimants win', async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => locks(`instance-${i}`).acquire('retention', 60_000)));
    expect(claims.filter((lease) => lease !== null)).toHaveLength(1);
    await claims.find((lease) => lease !== null)!.release();
  });
});
