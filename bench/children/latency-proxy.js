// @ts-check
'use strict';

/**
 * Child-process entry: a latency-injecting TCP proxy between a playground and the simulator, so connection set-up
 * pays real round trips. Bytes pass through untouched (TLS is end to end: the simulator's certificate is for
 * 127.0.0.1). Listens on 127.0.0.1 only and forwards to BENCH_PROXY_TARGET_PORT on 127.0.0.1 only.
 *
 * The delay: every chunk is forwarded RTT/2 after it arrived, in each direction, through a per-direction FIFO of
 * (due time, chunk), so order is kept and throughput is not serialised behind the delay (many chunks can be in
 * flight at once, like on a real link). The proxy accepts the client's TCP connection at once on loopback, so to
 * charge the TCP handshake its round trip, nothing the client sends is forwarded before one RTT after accept (the
 * SYN / SYN-ACK a real client would have waited for): a client's first byte reaches the simulator 1.5 RTT after
 * it connected, as on a real network. RTT is set at start (BENCH_PROXY_RTT_MS) and changed over IPC
 * (`{ type: 'set-rtt', ms, id }`); `{ type: 'stats', id }` answers the connections accepted so far.
 * Exits when the parent goes away.
 */

const net = require('node:net');

const LOOPBACK = '127.0.0.1';
let rttMs = Number(process.env.BENCH_PROXY_RTT_MS ?? 0);
const targetPort = Number(process.env.BENCH_PROXY_TARGET_PORT);
let connectionsAccepted = 0;
/** @type {Set<net.Socket>} */
const sockets = new Set();

/**
 * A one-way delayed pipe: chunks (and the end) leave `to` in order, each no earlier than its due time.
 * @param {net.Socket} from @param {net.Socket} to @param {number} delayMs @param {number} notBefore epoch ms
 */
function delayedPipe(from, to, delayMs, notBefore) {
  /** @type {Array<{ at: number, chunk: Buffer | null }>} */
  const queue = [];
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const flush = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0].at <= now) {
      const { chunk } = /** @type {{ at: number, chunk: Buffer | null }} */ (queue.shift());
      if (to.destroyed) return;
      if (chunk === null) to.end();
      else to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0].at - now);
  };
  const push = (/** @type {Buffer | null} */ chunk) => {
    const at = Math.max(Date.now(), notBefore) + delayMs;
    queue.push({ at, chunk });
    if (timer === undefined) timer = setTimeout(flush, Math.max(0, queue[0].at - Date.now()));
  };
  from.on('data', (chunk) => push(/** @type {Buffer} */ (chunk)));
  from.on('end', () => push(null));
  from.on('close', () => {
    // Whatever is queued still goes out; then the other side is closed too.
    const last = queue.length > 0 ? queue[queue.length - 1].at : Date.now();
    setTimeout(() => to.destroy(), Math.max(0, last - Date.now()) + 10);
  });
}

const server = net.createServer((client) => {
  connectionsAccepted += 1;
  const rtt = rttMs; // a connection keeps the RTT it was opened with
  const acceptedAt = Date.now();
  const upstream = net.connect({ host: LOOPBACK, port: targetPort });
  for (const socket of [client, upstream]) {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {
      client.destroy();
      upstream.destroy();
    });
    socket.on('close', () => sockets.delete(socket));
  }
  delayedPipe(client, upstream, rtt / 2, acceptedAt + rtt);
  delayedPipe(upstream, client, rtt / 2, 0);
});

server.listen(0, LOOPBACK, () => {
  const address = /** @type {net.AddressInfo} */ (server.address());
  process.send?.({ type: 'ready', url: `https://${LOOPBACK}:${address.port}`, port: address.port });
});

process.on('message', (/** @type {any} */ message) => {
  if (message?.type === 'set-rtt' && Number.isFinite(message.ms) && message.ms >= 0) {
    rttMs = message.ms;
    // Connections opened at another RTT would carry it on: close them, the clients reconnect at the new one.
    for (const socket of sockets) socket.destroy();
    process.send?.({ type: 'reply', id: message.id, rttMs });
  } else if (message?.type === 'stats') {
    process.send?.({ type: 'reply', id: message.id, connectionsAccepted, open: sockets.size / 2, rttMs });
  }
});

const stop = () => {
  for (const socket of sockets) socket.destroy();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);
