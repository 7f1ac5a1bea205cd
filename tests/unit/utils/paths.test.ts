import { adminPath, contentApiPath, offersRoutes, restPrefix, serverUrl, webhookUrl } from '../../../server/src/utils/paths';

const strapiWith = (values: Record<string, unknown>) =>
  ({ config: { get: (key: string, fallback?: unknown) => values[key] ?? fallback } }) as never;

describe('plugin paths come from the route definitions and the REST prefix', () => {
  it.each([
    ['/api', '/api/button-personalization/offers'],
    ['/v2/rest', '/v2/rest/button-personalization/offers'],
    ['/custom/', '/custom/button-personalization/offers'],
  ])('offers under %s', (prefix, expected) => {
    expect(offersRoutes(prefix)).toEqual({ find: expected, preview: '/button-personalization/preview' });
  });

  it('builds the webhook URL from the server URL and the prefix', () => {
    expect(webhookUrl('https://cms.example/', '/v2')).toBe('https://cms.example/v2/button-personalization/webhooks');
    expect(webhookUrl('http://127.0.0.1:1337', '/api')).toBe('http://127.0.0.1:1337/api/button-personalization/webhooks');
  });

  it("reads the app's prefix and public URL, with Strapi's defaults", () => {
    expect(restPrefix(strapiWith({}))).toBe('/api');
    expect(restPrefix(strapiWith({ 'api.rest.prefix': '/v2' }))).toBe('/v2');
    expect(serverUrl(strapiWith({ 'server.url': 'https://cms.example' }))).toBe('https://cms.example');
    const listening = strapiWith({ 'server.url': '', 'server.host': '0.0.0.0', 'server.port': 1337 });
    expect(serverUrl(listening)).toBe('http://0.0.0.0:1337');
    expect(contentApiPath('/api', '/metrics')).toBe('/api/button-personalization/metrics');
    expect(adminPath('/health')).toBe('/button-personalization/health');
  });
});
