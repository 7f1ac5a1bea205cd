import http from 'node:http';
import destroy from '../../../server/src/destroy';

/** A Strapi with just what the plugin's destroy uses: its HTTP server, log, config, and the services it stops. */
function fakeStrapi(calls: string[], graceMs = 10_000) {
  const httpServer = http.createServer();
  const services: Record<string, unknown> = {
    merchants: { stop: async () => void calls.push('merchants.stop') },
    settings: { stop: () => void calls.push('settings.stop') },
    commissions: {
      stopHooks: async () => void calls.push('commissions.stopHooks'),
      stopReconciliation: async () => void calls.push('commissions.stopReconciliation'),
    },
    catalogue: { stopSyncs: async () => void calls.push('catalogue.stopSyncs') },
    sharedState: { close: async () => void calls.push('sharedState.close') },
    button: {
      config: () => ({ shutdown: { graceMs } }),
      close: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        calls.push('button.close');
      },
    },
  };
  const strapi = {
    server: { httpServer },
    config: { get: (key: string) => (key === 'plugin::button-personalization' ? { shutdown: { graceMs } } : undefined) },
    log: { info: jest.fn(), warn: jest.fn(), debug: jest.fn() },
    plugin: () => ({ service: (name: string) => services[name] }),
  };
  return { strapi: strapi as never, httpServer };
}

describe('destroy', () => {
  it('is idempotent: a second call awaits the first and closes nothing twice', async () => {
    const calls: string[] = [];
    const { strapi } = fakeStrapi(calls);
    const first = destroy({ strapi });
    const second = destroy({ strapi });
    expect(second).toBe(first);
    await Promise.all([first, second]);
    await destroy({ strapi });
    expect(calls).toEqual([
      'settings.stop',
      'commissions.stopHooks',
      'commissions.stopReconciliation',
      'catalogue.stopSyncs',
      'merchants.stop',
      'button.close',
      'sharedState.close',
    ]);
  });

  it('stops listening before it closes the Button pool, and closes Redis last', async () => {
    const calls: string[] = [];
    const { strapi, httpServer } = fakeStrapi(calls);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    httpServer.on('close', () => calls.push('server.close'));
    await destroy({ strapi });
    expect(httpServer.listening).toBe(false);
    expect(calls.slice(-2)).toEqual(['button.close', 'sharedState.close']);
  });
});
