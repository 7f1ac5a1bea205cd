import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { encodePubRef } from '../../server/src/pub-ref';
import { createWebhookSender } from '../../simulator';
import { createTestDatabase, type DatabaseClient, type TestDatabase } from '../helpers/databases';
import { PUBREF_SECRET, readJsonLines, WEBHOOK_PATH, WEBHOOK_SECRET } from '../helpers/ledger';

/**
 * Issue 14: the transactional outbox survives kill -9. The playground runs as a real child process on each database,
 * with the playground's own commission hook (it credits a user once per idempotency key and journals every call and
 * every credit) made slow, so deliveries are still in flight and pending when the process is killed with SIGKILL.
 * Restarted on the same database and journal, it delivers what was pending: every state change the ledger committed
 * is credited exactly once, redeliveries carry the same key, and no clear user id is left in the database.
 * The database is read directly, through a connection of this test's own (knex), never through the child.
 */
const LAUNCHER = path.resolve(__dirname, '../helpers/playground-process.js');
const TRANSACTIONS_PER_ROUND = 20;
const SLOW_HOOK_MS = 1_500;
const CLAIM_MS = 5_000;
const MAX_ROUNDS = 3;
const OFFER = { id: 'offer-outbox-crash', rate_percent: '5', rate_fixed: null, currency: null };

interface Child {
  process: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Call {
  key: string;
  attempt: number;
  tx: string;
  status: string;
  pid: number;
}

interface Credit {
  key: string;
  tx: string;
  status: string;
}

interface OutboxRow {
  event_id: string;
  transaction_id: string;
  status: string;
  attempts: number | string;
  customer_id_sealed: string | null;
  claim_until: unknown;
}

interface SentEvent {
  id: string;
  transactionId: string;
  status: string;
  customerId: string;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startChild(env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [LAUNCHER], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      PLAYGROUND_SEED: 'false',
      PLAYGROUND_SERVE_ADMIN: 'false',
      STRAPI_TELEMETRY_DISABLED: 'true',
      STRAPI_LOG_LEVEL: 'info',
      BUTTON_POOL_WARMUP: 'false',
      BUTTON_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BUTTON_PUBREF_SECRET: PUBREF_SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal }))
  );
  const ready = new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      output.push(chunk.toString());
      for (const line of buffered.split('\n')) {
        if (line.startsWith('{"ready"')) resolve((JSON.parse(line) as { ready: string }).ready);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then(({ code, signal }) =>
      reject(new Error(`the playground exited during boot (${code ?? signal}):\n${output.join('')}`))
    );
  });
  return { process: child, url: await ready, output, exited };
}

/**
 * This test's own connection to the child's database. It only ever SELECTs. On SQLite it is nevertheless opened
 * writable: a kill -9 that lands inside a commit leaves a hot rollback journal, and a read-only connection refuses
 * to read past it (SQLITE_READONLY_ROLLBACK, "attempt to write a readonly database", seen in CI),
 * where a writable one rolls it back first, SQLite's own crash recovery, the same the restarted child would run.
 */
function openReader(client: DatabaseClient, env: Record<string, string>): Knex {
  if (client === 'sqlite') {
    return knex({ client: 'better-sqlite3', connection: { filename: env.DATABASE_FILENAME! }, useNullAsDefault: true });
  }
  const connection = {
    host: env.DATABASE_HOST!,
    port: Number(env.DATABASE_PORT),
    user: env.DATABASE_USERNAME!,
    password: env.DATABASE_PASSWORD ?? '',
    database: env.DATABASE_NAME!,
  };
  return knex({ client: client === 'postgres' ? 'pg' : 'mysql2', connection, pool: { min: 0, max: 2 } });
}

async function outboxRows(db: Knex): Promise<OutboxRow[]> {
  return (await db('button_hook_deliveries')
    .select('event_id', 'transaction_id', 'status', 'attempts', 'customer_id_sealed', 'claim_until')
    .orderBy('id', 'asc')) as OutboxRow[];
}

async function tableNames(db: Knex, client: DatabaseClient): Promise<string[]> {
  const sql =
    client === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table'"
      : client === 'postgres'
        ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()';
  const result = (await db.raw(sql)) as unknown;
  const rows =
    client === 'sqlite'
      ? (result as Array<{ name: string }>)
      : client === 'postgres'
        ? (result as { rows: Array<{ name: string }> }).rows
        : (result as [Array<{ name?: string; NAME?: string }>])[0].map((row) => ({ name: (row.name ?? row.NAME)! }));
  return rows.map((row) => row.name);
}

/** Every row of every table, as text: where a clear user id would show. */
async function databaseText(db: Knex, client: DatabaseClient): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const table of await tableNames(db, client)) {
    const rows = (await db(table).select('*')) as unknown[];
    texts.set(
      table,
      JSON.stringify(rows, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('utf8') : value))
    );
  }
  return texts;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return results;
}

describe.each<DatabaseClient>(['sqlite', 'postgres', 'mysql'])('hook outbox, kill -9 on %s', (client) => {
  let scratch: string;
  let database: TestDatabase;
  let reader: Knex | undefined;
  const children: Child[] = [];

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), `button-plugin-outbox-crash-${client}-`));
    database = await createTestDatabase(client, scratch);
  });

  afterAll(async () => {
    for (const child of children)
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await reader?.destroy();
    await database?.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('delivers every committed change after a restart, each credited exactly once', async () => {
    const journal = path.join(scratch, 'hooks');
    const tag = randomBytes(4).toString('hex');
    const sent: SentEvent[] = [];
    const reports: Array<{ eventId: string; delivered: boolean; attempts: Array<{ status: number; body: unknown }> }> = [];

    /**
     * One crash: a child with the slow hook, a batch of transactions (pending, then final: Button's order), all
     * acknowledged, then SIGKILL at the chosen moment:
     * - 'in-flight': a delivery called and not yet credited, with more committed changes pending behind it;
     * - 'after-credit': right after the hook wrote a credit (the file watched), hoping to land before the dispatcher
     *   marked that row delivered: the redelivery the key must absorb. Best effort (a window of milliseconds).
     */
    const crash = async (round: number, transactions: number, moment: 'in-flight' | 'after-credit') => {
      const child = await startChild({
        ...database.env,
        PLAYGROUND_HOOK_JOURNAL: journal,
        PLAYGROUND_HOOK_DELAY_MS: String(SLOW_HOOK_MS),
        // The killed child's claims expire after this, not a minute: the restart redelivers sooner.
        BUTTON_HOOKS_CLAIM_MS: String(CLAIM_MS),
      });
      children.push(child);
      reader ??= openReader(client, database.env);
      const db = reader;

      const sender = createWebhookSender({ url: `${child.url}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET });
      const customers = Array.from({ length: transactions }, (_, index) => ({
        customerId: `crash-${tag}-r${round}-user-${index}`,
        index,
      }));
      const lives = await inBatches(customers, 5, ({ customerId, index }) =>
        sender
          .lifecycle({
            pubRef: encodePubRef(OFFER, PUBREF_SECRET, customerId),
            customerId,
            final: index % 2 === 0 ? 'validated' : 'declined',
          })
          .then((life) => ({ ...life, customerId }))
      );
      for (const life of lives) {
        reports.push(...(life.reports as typeof reports));
        for (const event of life.events)
          sent.push({
            id: event.id,
            transactionId: life.transactionId,
            status: (event.data as { status: string }).status,
            customerId: life.customerId,
          });
      }

      const creditFile = `${journal}.credits`;
      if (moment === 'in-flight') {
        // At least one change of this child already credited too (the restart must not deliver it again).
        await until(
          'a delivery in flight with others pending',
          async () => {
            const credited = new Set(readJsonLines<Credit>(creditFile).map((credit) => credit.key));
            const rows = await outboxRows(db);
            const inFlight = readJsonLines<Call>(`${journal}.calls`).filter(
              (call) => call.pid === child.process.pid && !credited.has(call.key)
            );
            const ownCredits = readJsonLines<Call>(`${journal}.calls`).filter(
              (call) => call.pid === child.process.pid && credited.has(call.key)
            );
            const pending = rows.filter((row) => row.status === 'pending');
            return inFlight.length > 0 && ownCredits.length > 0 && pending.length > inFlight.length ? true : undefined;
          },
          60_000,
          20
        );
        child.process.kill('SIGKILL');
      } else {
        const before = readJsonLines<Credit>(creditFile).length;
        await new Promise<void>((resolve, reject) => {
          const timeout = setTimeout(() => {
            watcher.close();
            reject(new Error('no credit written within 60 s'));
          }, 60_000);
          const watcher = fs.watch(creditFile, () => {
            if (readJsonLines<Credit>(creditFile).length === before) return;
            child.process.kill('SIGKILL');
            clearTimeout(timeout);
            watcher.close();
            resolve();
          });
        });
      }
      // Really kill -9: the process got no chance to run destroy() or anything else.
      expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });

      const credited = new Set(readJsonLines<Credit>(creditFile).map((credit) => credit.key));
      const rows = await outboxRows(db);
      const snapshot = {
        round,
        moment,
        pid: child.process.pid,
        committed: rows.length,
        credited: credited.size,
        uncredited: rows.filter((row) => !credited.has(row.event_id)).length,
        pending: rows.filter((row) => row.status === 'pending').length,
        inFlight: readJsonLines<Call>(`${journal}.calls`)
          .filter((call) => call.pid === child.process.pid && !credited.has(call.key))
          .map((call) => call.key),
        creditedNotMarked: rows
          .filter((row) => row.status === 'pending' && credited.has(row.event_id))
          .map((row) => row.event_id),
      };
      console.log(`outbox crash on ${client}: ${JSON.stringify(snapshot)}`);
      return snapshot;
    };

    let round = 0;
    let atKill: Awaited<ReturnType<typeof crash>> | undefined;
    // Otherwise the kill proved nothing: go again with a new batch (the timing, not the outcome, is retried).
    while (atKill === undefined && round < MAX_ROUNDS) {
      const snapshot = await crash((round += 1), TRANSACTIONS_PER_ROUND, 'in-flight');
      if (snapshot.uncredited > 0 && snapshot.inFlight.length > 0) atKill = snapshot;
    }
    expect(atKill).toBeDefined();
    expect(atKill!.uncredited).toBeGreaterThan(0);
    expect(atKill!.inFlight.length).toBeGreaterThan(0);
    // Then the narrow window, a few times at most: killed after a credit, before its row was marked delivered.
    const creditedNotMarked: Array<{ key: string; killed: number | undefined }> = [];
    for (let tries = 0; tries < MAX_ROUNDS && creditedNotMarked.length === 0; tries += 1) {
      const snapshot = await crash((round += 1), 5, 'after-credit');
      creditedNotMarked.push(...snapshot.creditedNotMarked.map((key) => ({ key, killed: snapshot.pid })));
    }

    // Restart on the same database and journal, the hook fast now: what the crash left pending is delivered.
    const restarted = await startChild({ ...database.env, PLAYGROUND_HOOK_JOURNAL: journal });
    children.push(restarted);
    const db = reader!;
    // The dead process's claim on the in-flight row holds until it expires (CLAIM_MS), then the poll (5 s) takes it.
    const rows = await until(
      'the outbox to have no pending row',
      async () => {
        const all = await outboxRows(db);
        return all.length === sent.length && all.every((row) => row.status !== 'pending') ? all : undefined;
      },
      180_000,
      250
    );

    const credits = readJsonLines<Credit>(`${journal}.credits`);
    const calls = readJsonLines<Call>(`${journal}.calls`);
    const byId = new Map(sent.map((event) => [event.id, event]));
    const summary = { client, committed: rows.length, calls: calls.length, credits: credits.length, atKill, creditedNotMarked };
    console.log(`outbox crash on ${client}, after restart: ${JSON.stringify(summary)}`);

    // Button's webhooks were all acknowledged at once (2xx), each applied.
    expect(reports).toHaveLength(sent.length);
    for (const report of reports) {
      expect(report.delivered).toBe(true);
      expect(report.attempts.every((attempt) => attempt.status >= 200 && attempt.status < 300)).toBe(true);
      expect(report.attempts.at(-1)?.body).toMatchObject({ data: { outcome: 'applied' } });
    }

    // One outbox row per state change the ledger holds: each transaction's insert and its status change.
    const transactions = (await db('button_transactions').select('transaction_id', 'status')) as Array<{
      transaction_id: string;
      status: string;
    }>;
    expect(transactions).toHaveLength(sent.length / 2);
    expect(rows.map((row) => row.event_id).sort()).toEqual(sent.map((event) => event.id).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'delivered', customer_id_sealed: null, claim_until: null });
      expect(row.transaction_id).toBe(byId.get(row.event_id)?.transactionId);
    }

    // Exactly one credit per committed change, none twice, each for the change its key (the event id) caused.
    expect(credits.map((credit) => credit.key).sort()).toEqual(sent.map((event) => event.id).sort());
    for (const credit of credits) {
      const event = byId.get(credit.key);
      expect({ tx: credit.tx, status: credit.status }).toEqual({ tx: event?.transactionId, status: event?.status });
    }
    // In order per transaction: a transaction's tx-pending credited before its final state.
    for (const tx of new Set(sent.map((event) => event.transactionId))) {
      const statuses = credits.filter((credit) => credit.tx === tx).map((credit) => credit.status);
      expect(statuses).toEqual([
        'pending',
        sent.find((event) => event.transactionId === tx && event.status !== 'pending')?.status,
      ]);
    }

    // At least once: the in-flight deliveries ran again after the restart. Every call of a change carried that
    // change's key, whichever process made it.
    expect(calls.length).toBeGreaterThan(credits.length);
    const interrupted = [...atKill!.inFlight.map((key) => ({ key, killed: atKill!.pid })), ...creditedNotMarked];
    for (const { key, killed } of interrupted) {
      expect(calls.filter((call) => call.key === key && call.pid !== killed).length).toBeGreaterThan(0);
    }
    for (const call of calls) {
      const event = byId.get(call.key);
      expect({ tx: call.tx, status: call.status }).toEqual({ tx: event?.transactionId, status: event?.status });
    }
    const keysPerChange = new Map<string, Set<string>>();
    for (const call of calls) {
      const change = `${call.tx}/${call.status}`;
      keysPerChange.set(change, (keysPerChange.get(change) ?? new Set()).add(call.key));
    }
    expect([...keysPerChange.values()].filter((keys) => keys.size !== 1)).toEqual([]);

    // No clear user id anywhere in the database (the sealed copies are gone with the deliveries).
    const texts = await databaseText(db, client);
    expect(texts.get('button_hook_deliveries')).toBeDefined();
    const leaks = [...texts].flatMap(([table, text]) =>
      sent.filter((event) => text.includes(event.customerId)).map((event) => `${table}: ${event.customerId}`)
    );
    expect(leaks).toEqual([]);
    // The search itself finds what is there.
    expect([...texts.values()].some((text) => text.includes(sent[0]!.transactionId))).toBe(true);

    restarted.process.kill('SIGTERM');
    await restarted.exited;
  }, 420_000);
});
