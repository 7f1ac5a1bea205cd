import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SIM_API_KEY, startSimulator, userWithEveryMerchant, type Simulator } from '../helpers/simulator';

/**
 * Issue 8 (4): SIGTERM drains. The playground runs as a real child process (launched like `npm run playground`,
 * admin panel off), Button answers slowly (simulator latency), and SIGTERM arrives while 50 offers requests are in
 * flight: every one is answered 200, the app stops taking new connections at once, and exits within the grace
 * period. The bounds below are upper bounds with generous slack, not latency assertions.
 */
const LAUNCHER = path.resolve(__dirname, '../helpers/playground-process.js');
const REQUESTS = 50;
const BUTTON_LATENCY_MS = 1_500;
const USER = userWithEveryMerchant();

interface Child {
  process: ChildProcess;
  url: string;
  port: number;
  token: string;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

let sim: Simulator;
let scratch: string;

beforeAll(async () => {
  sim = await startSimulator();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'button-plugin-shutdown-'));
});

afterAll(async () => {
  await sim?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startChild(name: string, env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [LAUNCHER], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_CLIENT: 'sqlite',
      DATABASE_FILENAME: path.join(scratch, `${name}.db`),
      PLAYGROUND_SEED: 'false',
      PLAYGROUND_SERVE_ADMIN: 'false',
      STRAPI_TELEMETRY_DISABLED: 'true',
      STRAPI_LOG_LEVEL: 'info',
      BUTTON_API_KEY: SIM_API_KEY,
      BUTTON_API_BASE_URL: sim.url,
      // Button is slow on purpose here: the per-call bounds must not cut the calls before SIGTERM does.
      BUTTON_ATTEMPT_TIMEOUT_MS: '20000',
      BUTTON_DEADLINE_MS: '30000',
      BUTTON_POOL_CONNECTIONS: String(REQUESTS),
      BUTTON_POOL_WARMUP: 'false',
      // No CMS entries here: unmapped merchants are served so every answer carries Button's offers.
      BUTTON_OFFERS_INCLUDE_UNMAPPED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }))
  );
  const ready = new Promise<{ ready: string; token: string }>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      output.push(chunk.toString());
      for (const line of buffered.split('\n')) {
        if (line.startsWith('{"ready"')) resolve(JSON.parse(line));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then(({ code }) => reject(new Error(`the playground exited during boot (${code}):\n${output.join('')}`)));
  });
  const { ready: url, token } = await ready;
  return { process: child, url, port, token, output, exited };
}

interface Answer {
  status: number | 'error';
  error?: string;
  merchants?: number;
  connection?: string;
}

function offers(child: Child, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      `${child.url}/api/button-personalization/offers`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${child.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let merchants: number | undefined;
          try {
            merchants = (JSON.parse(text) as { data: unknown[] }).data.length;
          } catch {
            merchants = undefined;
          }
          resolve({ status: res.statusCode ?? 0, merchants, connection: res.headers.connection });
        });
        res.on('error', (error) => resolve({ status: 'error', error: (error as NodeJS.ErrnoException).code ?? error.message }));
      }
    );
    req.on('error', (error) => resolve({ status: 'error', error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end(JSON.stringify({ user_id: USER }));
  });
}

/** Whether a brand-new TCP connection to the app is refused. */
function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function untilInFlightAtButton(before: number): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (sim.stats().requestsReceived - before >= REQUESTS) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`only ${sim.stats().requestsReceived - before} of ${REQUESTS} requests reached Button`);
}

async function untilRefused(port: number): Promise<void> {
  for (let i = 0; i < 250; i += 1) {
    if (await connectionRefused(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the app kept accepting new connections after SIGTERM');
}

describe('SIGTERM with requests in flight', () => {
  afterEach(() => sim.faults.clear());

  it('answers all 50 with 200, refuses new connections, exits within the grace period (SIGTERM sent twice)', async () => {
    const graceMs = 10_000;
    let answered = 0;
    const child = await startChild('drain', { BUTTON_SHUTDOWN_GRACE_MS: String(graceMs) });
    const agent = new http.Agent({ keepAlive: true, maxSockets: REQUESTS });
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // A keep-alive client that is idle at SIGTERM: its connection is closed at once, not left open until the end.
      expect((await offers(child, idleAgent)).status).toBe(200);
      const idleSocket = Object.values(idleAgent.freeSockets).flat()[0]!;
      const idleClosed = new Promise<number>((resolve) => idleSocket.once('close', () => resolve(answered)));

      sim.faults.set({ latency: { meanMs: BUTTON_LATENCY_MS, jitterMs: 0 } });
      const before = sim.stats().requestsReceived;
      const answers = Array.from({ length: REQUESTS }, () =>
        offers(child, agent).then((answer) => {
          answered += 1;
          return answer;
        })
      );
      await untilInFlightAtButton(before);

      const signalledAt = Date.now();
      child.process.kill('SIGTERM');
      // Orchestrators and impatient humans signal twice: it must neither cut the drain short nor stop twice.
      setTimeout(() => child.process.kill('SIGTERM'), 50);
      await untilRefused(child.port);
      const answeredWhenRefused = answered;

      const results = await Promise.all(answers);
      const exit = await child.exited;
      const exitMs = exit.at - signalledAt;
      console.log(
        `graceful shutdown: ${results.filter((r) => r.status === 200).length}/${REQUESTS} answered 200, ` +
          `new connections refused after ${answeredWhenRefused} answers, exit ${exit.code ?? exit.signal} ${exitMs} ms after SIGTERM`
      );

      expect(results.filter((r) => r.status !== 200)).toEqual([]);
      expect(results.every((r) => r.merchants !== undefined && r.merchants > 0)).toBe(true);
      // Keep-alive clients are told to go elsewhere rather than reuse a connection that is about to close.
      expect(results.every((r) => r.connection === 'close')).toBe(true);
      // New connections were refused while the 50 were still being served, not only after.
      expect(answeredWhenRefused).toBeLessThan(REQUESTS);
      expect(await idleClosed).toBeLessThan(REQUESTS);
      expect(exit.code).toBe(0);
      expect(exitMs).toBeLessThan(graceMs + 5_000);
      const log = child.output.join('');
      expect(log.match(/\[button-personalization\] shutting down/g)).toHaveLength(1);
      expect(log).toMatch(/all in-flight requests answered/);
    } finally {
      agent.destroy();
      idleAgent.destroy();
      child.process.kill('SIGKILL');
    }
  }, 90_000);

  it('does not wait past the grace period for a request Button never answers', async () => {
    const graceMs = 1_000;
    const child = await startChild('bounded', { BUTTON_SHUTDOWN_GRACE_MS: String(graceMs) });
    const agent = new http.Agent({ keepAlive: true });
    try {
      sim.faults.set({ rules: [{ kind: 'hang' }] });
      const before = sim.stats().requestsReceived;
      const answer = offers(child, agent);
      for (let i = 0; i < 500 && sim.stats().requestsReceived === before; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const signalledAt = Date.now();
      child.process.kill('SIGTERM');
      const exit = await child.exited;
      const exitMs = exit.at - signalledAt;
      console.log(`bounded shutdown: exit ${exit.code ?? exit.signal} ${exitMs} ms after SIGTERM (grace ${graceMs} ms)`);
      expect(exit.code).toBe(0);
      expect(exitMs).toBeLessThan(graceMs + 5_000);
      expect(child.output.join('')).toMatch(/grace period \(1000 ms\) over with 1 request still in flight/);
      // Cut when the Button pool closes: a 503 (retry elsewhere) while the socket is still open, else a reset.
      expect([503, 'error']).toContain((await answer).status);
    } finally {
      agent.destroy();
      child.process.kill('SIGKILL');
    }
  }, 90_000);
});
