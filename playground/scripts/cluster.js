'use strict';

/**
 * A local cluster: N playground instances as real processes (one database and one Redis, from `env`), with the
 * round-robin proxy in front. What `npm run demo -- --instances 3` and tests/integration/cluster.test.ts run.
 *
 *   const cluster = await startCluster({ instances: 3, env: { DATABASE_CLIENT: 'postgres', ..., BUTTON_REDIS_URL } });
 *   cluster.proxyUrl; cluster.instances[0].url; cluster.instances[0].token; await cluster.stop();
 *
 * The first instance boots alone: it creates (or migrates) the schema and seeds, and several Strapis doing that at
 * once on one database race each other. The others then boot in parallel. Every child is stopped when this process
 * exits, and on its own when this process dies without a word (see cluster-child.js).
 */

const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const CHILD = path.join(__dirname, 'cluster-child.js');
const DEFAULT_BOOT_TIMEOUT_MS = 180_000; // a cold Strapi on a busy 2-core machine, schema creation included
const STOP_TIMEOUT_MS = 20_000; // past the plugin's default drain: then SIGKILL

/** Every child still running, for the exit hook below. */
const running = new Set();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers may only do synchronous work: a SIGKILL each, no waiting.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Spawns one cluster child and waits for its `{"ready": ...}` line.
 * @param {{ name: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void, bootTimeoutMs: number }} options
 */
function spawnChild({ name, args, env, log, bootTimeoutMs }) {
  const child = spawn(process.execPath, [CHILD, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    })
  );
  const output = [];
  const keep = (line) => {
    output.push(line);
    if (output.length > 200) output.shift();
    log(`[${name}] ${line}`);
  };
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${bootTimeoutMs} ms:\n${output.join('\n')}`));
    }, bootTimeoutMs);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{"ready"')) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        } else if (line.trim() !== '') keep(line);
      }
    });
    let errBuffered = '';
    child.stderr.on('data', (chunk) => {
      errBuffered += chunk.toString();
      const lines = errBuffered.split('\n');
      errBuffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') keep(line);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during boot (${code ?? signal}):\n${output.join('\n')}`));
    });
  });
  // Writing to a child that is gone must not throw in the parent.
  child.stdin.on('error', () => undefined);

  let stopping;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    stopping ??= (async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return { child, ready, exited, output, stop };
}

/**
 * @param {{
 *   instances: number,
 *   env?: NodeJS.ProcessEnv,
 *   inheritEnv?: boolean,
 *   ports?: number[],
 *   proxyPort?: number,
 *   log?: (line: string) => void,
 *   bootTimeoutMs?: number,
 * }} options `env` is laid over this process's environment (unless inheritEnv is false); `ports` fixes the
 *   instances' ports (free ones otherwise); `log` receives every line the children print (none by default).
 */
async function startCluster(options) {
  const { instances: count, proxyPort = 0, log = () => undefined, bootTimeoutMs = DEFAULT_BOOT_TIMEOUT_MS } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error('instances must be a positive integer');
  installExitHook();
  const base = { ...(options.inheritEnv === false ? {} : process.env), ...(options.env ?? {}) };
  const ports = [];
  for (let i = 0; i < count; i += 1) ports.push(options.ports?.[i] ?? (await freePort()));

  const started = [];
  const stopAll = async () => {
    // The proxy first: no new request reaches an instance that is draining.
    await Promise.all(started.filter((entry) => entry.kind === 'proxy').map((entry) => entry.handle.stop()));
    await Promise.all(started.filter((entry) => entry.kind === 'instance').map((entry) => entry.handle.stop()));
  };

  const startInstance = async (index) => {
    const handle = spawnChild({
      name: `instance ${index}`,
      args: ['instance'],
      env: { ...base, HOST: '127.0.0.1', PORT: String(ports[index]) },
      log,
      bootTimeoutMs,
    });
    started.push({ kind: 'instance', handle });
    const { ready: url, token, pid } = await handle.ready;
    return {
      index,
      url,
      pid,
      token,
      port: ports[index],
      /** What the instance printed (the last 200 lines), for a failing test's message. */
      output: handle.output,
      exited: handle.exited,
      alive: () => handle.child.exitCode === null && handle.child.signalCode === null,
      stop: handle.stop,
      kill: (signal = 'SIGTERM') => handle.child.kill(signal),
    };
  };

  try {
    const first = await startInstance(0);
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => startInstance(i + 1)));
    const instances = [first, ...rest];
    const proxy = spawnChild({
      name: 'proxy',
      args: ['proxy', '--port', String(proxyPort), '--upstream', instances.map((instance) => instance.url).join(',')],
      env: base,
      log,
      bootTimeoutMs,
    });
    started.push({ kind: 'proxy', handle: proxy });
    const { ready: proxyUrl, pid: proxyPid } = await proxy.ready;
    return { proxyUrl, proxyPid, instances, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

module.exports = { startCluster, freePort };
