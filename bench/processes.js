// @ts-check
'use strict';

/**
 * The benchmark's child processes: the simulator and the playground(s), each in its own process so the load
 * generator never shares an event loop with what it measures. Every child is tracked and killed when the
 * benchmark exits, on Ctrl-C and on errors; children also exit by themselves when the IPC channel drops.
 */

const { fork } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const CHILDREN_DIR = path.join(__dirname, 'children');
const READY_TIMEOUT_MS = 180_000; // a cold Strapi boot on a busy 2-core machine: tens of seconds
const STOP_GRACE_MS = 5_000;
const ASK_TIMEOUT_MS = 30_000; // a forced GC of a Strapi heap on a busy machine: well under a second, normally
let nextAskId = 0;

/**
 * @typedef {{ name: string, pid: number, info: Record<string, any>, rssKb(): number | undefined,
 *   ask(message: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, any>>, stop(): Promise<void> }} BenchChild
 *   ask: sends `{ ...message, id }` over IPC and resolves with the child's `{ type: 'reply', id, ... }`.
 */

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();

/**
 * Starts a child entry from bench/children and waits for its `{ type: 'ready' }` message.
 * @param {{ name: string, entry: 'simulator' | 'playground' | 'latency-proxy' | 'round-robin-proxy', env: Record<string, string>, logFile: string, execArgv?: string[] }} options
 * @returns {Promise<BenchChild>}
 */
function startChild({ name, entry, env, logFile, execArgv = [] }) {
  const log = fs.openSync(logFile, 'a');
  const child = fork(path.join(CHILDREN_DIR, `${entry}.js`), [], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log, 'ipc'],
    execArgv,
  });
  fs.closeSync(log);
  running.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then(() => running.delete(child));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} was not ready after ${READY_TIMEOUT_MS / 1000} s (log: ${logFile})`)),
      READY_TIMEOUT_MS
    );
    /** @param {Error} error */
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    /** @param {number | null} code @param {NodeJS.Signals | null} signal */
    const exitedEarly = (code, signal) =>
      fail(new Error(`${name} exited before it was ready (${signal ?? code}); log: ${logFile}`));
    child.once('exit', exitedEarly);
    child.on('message', (/** @type {any} */ message) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      child.off('exit', exitedEarly);
      resolve({
        name,
        pid: /** @type {number} */ (child.pid),
        info: message,
        rssKb: () => readRssKb(/** @type {number} */ (child.pid)),
        ask: (request, timeoutMs = ASK_TIMEOUT_MS) =>
          new Promise((resolveAsk, rejectAsk) => {
            const id = (nextAskId += 1);
            const timer = setTimeout(() => {
              child.off('message', onReply);
              rejectAsk(new Error(`${name} did not answer ${String(request.type)} within ${timeoutMs} ms`));
            }, timeoutMs);
            const onReply = (/** @type {any} */ reply) => {
              if (reply?.type !== 'reply' || reply.id !== id) return;
              clearTimeout(timer);
              child.off('message', onReply);
              resolveAsk(reply);
            };
            child.on('message', onReply);
            child.send({ ...request, id });
          }),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

/**
 * Resident set size of a process, from /proc/<pid>/status (Linux): undefined when it cannot be read.
 * @param {number} pid
 */
function readRssKb(pid) {
  try {
    return parseRssKb(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {string} status the text of /proc/<pid>/status */
function parseRssKb(status) {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** Synchronous last resort, for process 'exit': whatever is still running gets SIGKILL. */
function killAllNow() {
  for (const child of running) child.kill('SIGKILL');
}

/** Stops every child still running, politely first. */
async function stopAll() {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
        })
    )
  );
}

module.exports = { startChild, readRssKb, parseRssKb, stopAll, killAllNow };
