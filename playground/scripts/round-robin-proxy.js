'use strict';

/**
 * A small round-robin HTTP load balancer, as a process of its own: what stands in front of several Strapi
 * instances in `npm run demo -- --instances 3`, the cluster test and the benchmark's cluster row.
 *
 *   node playground/scripts/round-robin-proxy.js --port 0 --upstream http://127.0.0.1:1337,http://127.0.0.1:1338
 *
 * Prints one JSON line `{"ready": "http://127.0.0.1:<port>", "pid": ...}` once it listens. Each request goes to
 * the next upstream in turn, over keep-alive connections; the answering instance is named in `X-Upstream` (its
 * index), so a test can tell who served what. An upstream that refuses the connection gets the request's turn
 * passed on to the next one (as a load balancer's health check would soon do), once per upstream; if all refuse,
 * 502. Request bodies (small JSON here) are read whole so that such a request can be sent again; responses stream.
 * Plain node:http: no dependency for a dev tool.
 */

const http = require('node:http');

function parseArgs(argv) {
  const options = { port: 0, host: '127.0.0.1', upstreams: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--host') options.host = argv[++i];
    else if (arg === '--upstream') options.upstreams.push(...argv[++i].split(',').filter(Boolean));
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.upstreams.length === 0) throw new Error('at least one --upstream URL is required');
  return options;
}

/**
 * @param {{ upstreams: string[], port?: number, host?: string }} options
 * @returns {Promise<{ url: string, server: http.Server, close(): Promise<void> }>}
 */
async function startRoundRobinProxy({ upstreams, port = 0, host = '127.0.0.1' }) {
  const targets = upstreams.map((url) => new URL(url));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;

  const forward = (req, res, body, tried) => {
    const index = next;
    next = (next + 1) % targets.length;
    const target = targets[index];
    const upstream = http.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-upstream': String(index) });
        answer.pipe(res);
      }
    );
    upstream.on('error', (error) => {
      if (res.headersSent) return res.destroy();
      // Refused before anything was sent: another instance can take it. Anything later is the client's to retry.
      if (error.code === 'ECONNREFUSED' && tried + 1 < targets.length) return forward(req, res, body, tried + 1);
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: null, error: { status: 502, name: 'BadGatewayError', message: 'no upstream answered' } }));
    });
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    // Bodies here are small JSON: read whole so a refused connection can be retried on the next upstream.
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (require.main === module) {
  const options = parseArgs(process.argv.slice(2));
  startRoundRobinProxy(options)
    .then(({ url, close }) => {
      process.stdout.write(`${JSON.stringify({ ready: url, pid: process.pid })}\n`);
      const stop = () => close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

module.exports = { startRoundRobinProxy };
