import http from 'node:http';
import { startCluster, freePort } from '../../playground/scripts/cluster';

/**
 * What cluster tests need around playground/scripts/cluster.js: the launcher itself, a private redis-server they
 * may stop and start (the machine's shared Redis must never be touched), a paced load generator, and readers for
 * the simulator's arrivals and the instances' metrics.
 */
export { startCluster, freePort };
export { startPrivateRedis, type PrivateRedis } from './redis';
export type Cluster = Awaited<ReturnType<typeof startCluster>>;
export type ClusterInstance = Cluster['instances'][number];

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface HttpAnswer {
  /** `timeout`: no answer within the client's deadline; `error`: the connection failed. */
  status: number | 'timeout' | 'error';
  headers: http.IncomingHttpHeaders;
  body: unknown;
  detail?: string;
  at: number;
}

// Requests without an agent of their own get a fresh connection each: no idle socket outlives the test.
const noKeepAlive = new http.Agent({ keepAlive: false });

/** One JSON request with a hard deadline: an answer that does not come is a result, never a hung test. */
export function requestJson(
  url: string,
  options: { method?: string; token?: string; body?: unknown; agent?: http.Agent; timeoutMs?: number } = {}
): Promise<HttpAnswer> {
  const at = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: Omit<HttpAnswer, 'at'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...answer, at });
    };
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? noKeepAlive,
        headers: {
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON (metrics): kept as text
          }
          settle({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
        res.on('error', (error) => settle({ status: 'error', headers: {}, body: undefined, detail: error.message }));
      }
    );
    const timer = setTimeout(() => {
      settle({ status: 'timeout', headers: {}, body: undefined });
      req.destroy();
    }, options.timeoutMs ?? 10_000);
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle({ status: 'error', headers: {}, body: undefined, detail: error.code ?? error.message })
    );
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

export interface Load {
  answers: HttpAnswer[];
  /** Requests not sent because `concurrency` were already in flight (the generator never queues). */
  skipped(): number;
  /** Stops sending and waits for the requests in flight (each bounded by the client deadline). */
  stop(): Promise<HttpAnswer[]>;
}

/**
 * Offers requests at a steady rate (each with a fresh random user, so none can be answered from any cache), at
 * most `concurrency` at a time, until stopped.
 */
export function startOffersLoad(options: { url: string; token: string; perSecond: number; concurrency: number }): Load {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const answers: HttpAnswer[] = [];
  const inFlight = new Set<Promise<void>>();
  let skipped = 0;
  let stopped = false;
  const interval = 1000 / options.perSecond;
  const started = Date.now();
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;

  const tick = () => {
    if (stopped) return;
    // Catch up on the schedule (timers slip on a busy machine), so the rate is what was asked over the run.
    while (sent < Math.floor((Date.now() - started) / interval) + 1) {
      sent += 1;
      if (inFlight.size >= options.concurrency) {
        skipped += 1;
        continue;
      }
      const userId = `load-${Math.random().toString(36).slice(2)}`;
      const request = requestJson(`${options.url}/api/button-personalization/offers`, {
        method: 'POST',
        token: options.token,
        body: { user_id: userId },
        agent,
      }).then((answer) => {
        answers.push(answer);
        inFlight.delete(request);
      });
      inFlight.add(request);
    }
    timer = setTimeout(tick, Math.max(1, interval / 2));
  };
  tick();

  return {
    answers,
    skipped: () => skipped,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...inFlight]);
      agent.destroy();
      return answers;
    },
  };
}

/** The most arrivals any window [t, t + windowMs) holds, over every window starting at an arrival. */
export function maxInWindow(arrivals: number[], windowMs: number): { count: number; startsAt: number | undefined } {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let best = 0;
  let startsAt: number | undefined;
  let end = 0;
  for (let start = 0; start < sorted.length; start += 1) {
    if (end < start) end = start;
    while (end < sorted.length && sorted[end] < sorted[start] + windowMs) end += 1;
    if (end - start > best) {
      best = end - start;
      startsAt = sorted[start];
    }
  }
  return { count: best, startsAt };
}

/** A metric sample's value from Prometheus text (`name{labels} value`), or undefined when absent. */
export function metricValue(text: string, sample: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  return undefined;
}

export async function scrapeMetrics(instance: ClusterInstance): Promise<string> {
  const answer = await requestJson(`${instance.url}/api/button-personalization/metrics`, {
    token: instance.token,
    timeoutMs: 5_000,
  });
  if (answer.status !== 200) throw new Error(`metrics scrape of ${instance.url} answered ${answer.status}`);
  return answer.body as string;
}
