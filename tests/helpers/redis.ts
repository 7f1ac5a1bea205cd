import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';
import { freePort } from '../../playground/scripts/cluster';

/** The machine's shared Redis: used with a unique key prefix per test, never flushed, stopped or restarted. */
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or run) uses. */
export const uniquePrefix = (name: string) => `test:${name}:${process.pid}:${Date.now().toString(36)}:`;

/** Deletes every key under a prefix of the shared Redis (SCAN, never KEYS or FLUSH). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(SHARED_REDIS_URL, { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server at once (SIGKILL: an outage, not a shutdown) and waits for its exit. */
  kill(): Promise<void>;
  /** Stops it (SIGTERM: no persistence is configured, so nothing is saved) and waits for its exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  restart(): Promise<void>;
}

/** Whether a Redis answers PING on that port (raw RESP: no client library needed for one command). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A redis-server of the test's own, on a free loopback port, for fault tests: stopping it never touches the
 * machine's shared Redis. Nothing on disk (`--save '' --appendonly no`); DEBUG SLEEP allowed (a slow Redis).
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const output: string[] = [];

  const start = async () => {
    const spawned = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        ...['--enable-debug-command', 'local'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
    child = spawned;
    spawned.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    spawned.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()));
    for (let i = 0; i < 200; i += 1) {
      if (await ping(port)) return;
      if (spawned.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${port}:\n${output.join('')}`);
  };
  const signal = async (name: NodeJS.Signals) => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(name);
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    start,
    restart: start,
  };
}
