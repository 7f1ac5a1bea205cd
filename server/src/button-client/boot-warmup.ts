/**
 * Opens the first connection to Button before the first offers request needs it. Started from bootstrap, when the
 * rest of Strapi's boot still keeps the event loop busy: measured behind an 80 ms RTT, the TLS handshake then often
 * missed its timeout and the first user paid for the connection after all. So a failed first try is repeated once,
 * when the server is ready (listening), which is when the first request can arrive anyway. Never throws.
 */
export async function warmUpAtBoot(deps: {
  warmup: () => Promise<boolean>;
  /** Resolves once the HTTP server listens (never, for an app that is only mounted: then there is no retry). */
  serverReady: () => Promise<void>;
  log: (message: string) => void;
}): Promise<boolean> {
  if (await deps.warmup().catch(() => false)) {
    deps.log('connection warm-up done');
    return true;
  }
  await deps.serverReady();
  const warm = await deps.warmup().catch(() => false);
  deps.log(`connection warm-up ${warm ? 'done on the second try' : 'failed twice (the first request will connect)'}`);
  return warm;
}
