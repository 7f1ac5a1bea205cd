import { createMetricsService } from '../../../server/src/metrics/service';
import { offersRoutes } from '../../../server/src/utils/paths';
import { createFakeButtonClient } from '../../helpers/service-fakes';

describe('metrics service', () => {
  it('labels offers requests with the routes it was given, anything else `other`', async () => {
    const routes = offersRoutes('/v2');
    expect(routes).toEqual({ find: '/v2/button-personalization/offers', preview: '/button-personalization/preview' });
    const baseUrl = 'https://pubapi.usebutton.com';
    const metrics = createMetricsService({ baseUrl, client: () => undefined, offersRoutes: [routes.find] });
    metrics.observeOffersRequest(routes.find, 200, 0.1);
    metrics.observeOffersRequest('/api/button-personalization/offers', 200, 0.1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('http_route="/v2/button-personalization/offers"');
    expect(text).toContain('http_route="other"');
  });

  it('reads the pool and breaker of the client only if it exists (a scrape never creates it)', async () => {
    const built: { client?: ReturnType<typeof createFakeButtonClient> } = {};
    const metrics = createMetricsService({
      baseUrl: 'https://pubapi.usebutton.com',
      client: () => built.client,
      offersRoutes: [],
    });
    expect(await metrics.registry.metrics()).not.toContain('button_pool_connections{');
    built.client = createFakeButtonClient();
    const text = await metrics.registry.metrics();
    expect(text).toContain('button_pool_connections{state="connected"} 1');
    expect(text).toContain('button_breaker_state 0');
  });
});
