import http from 'node:http';
import { gzipSync } from 'node:zlib';
import type request from 'supertest';
import { adminToken, createAdminUser } from '../helpers/admin-users';
import { createLocale, createMerchantOffer } from '../helpers/fixtures';
import { heapUsedAfterGc, MB } from '../helpers/heap';
import { startPlayground, type Playground } from '../helpers/playground';
import { MERCHANTS, SIM_API_KEY, startSimulator, type Simulator } from '../helpers/simulator';

/**
 * Issue 8, section 1: nothing keyed by caller input may grow without bound, a 400 stays small, device ids are
 * what Button documents, and odd bodies get a 4xx from the offers endpoint. A real playground over HTTP.
 */
const ENDPOINT = '/api/button-personalization/offers';
const M0 = MERCHANTS[0]!.merchant_id;

let sim: Simulator;
let app: Playground;
let token: string;

const post = (body: unknown) =>
  app
    .http()
    .post(ENDPOINT)
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/json')
    .send(body as object);

const raw = (headers: Record<string, string>, body: Buffer | string) => {
  const req = app.http().post(ENDPOINT).set('Authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  return req.send(body);
};

/** POSTs a JSON text in 64 KiB chunks with no Content-Length (Transfer-Encoding: chunked), on a fresh socket. */
async function postChunked(
  path: string,
  authorization: string,
  text: string
): Promise<{ status: number; headers: Record<string, string>; body: request.Response['body'] }> {
  const server = app.strapi.server.httpServer;
  if (server.address() === null) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent: false,
        method: 'POST',
        path,
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers as Record<string, string>,
            body: JSON.parse(Buffer.concat(chunks).toString()),
          })
        );
      }
    );
    req.on('error', reject);
    for (let i = 0; i < text.length; i += 64 * 1024) req.write(text.slice(i, i + 64 * 1024));
    req.end();
  });
}

const paths = (res: { body: { error: { details: { errors: Array<{ path: string[] }> } } } }) =>
  res.body.error.details.errors.map((issue) => issue.path.join('.'));

beforeAll(async () => {
  sim = await startSimulator();
  app = await startPlayground({ BUTTON_API_KEY: SIM_API_KEY, BUTTON_API_BASE_URL: sim.url });
  token = await app.createApiToken();
  await createLocale(app.strapi, 'fr', 'French (fr)');
  await createMerchantOffer(app.strapi, { merchant_id: M0, name: 'Northwind Shoes' });
  await createMerchantOffer(app.strapi, { merchant_id: M0, name: 'Chaussures Northwind' }, { locale: 'fr' });
});

afterAll(async () => {
  await app?.stop();
  await sim?.stop();
});

describe('locale: resolved against the locales i18n has, before anything is cached or queried', () => {
  it('answers 400 for locales this Strapi does not have, without calling Button or caching anything', async () => {
    const before = sim.stats().requestsReceived;
    for (let i = 0; i < 50; i += 1) {
      const res = await post({ user_id: 'u', locale: `zz-x${i}` });
      expect(res.status).toBe(400);
      expect(res.body.error.details.errors).toEqual([
        { path: ['locale'], message: 'is not a locale configured in this Strapi', name: 'ValidationError' },
      ]);
    }
    expect(sim.stats().requestsReceived).toBe(before);
    const offers = app.strapi.plugin('button-personalization').service('offers') as { contentCacheSize(): number };
    expect(offers.contentCacheSize()).toBeLessThanOrEqual(2); // the default locale and fr at most
  });

  it('refuses a locale longer than a BCP 47 tag in the schema (no key of 0.8 MB, no heap growth)', async () => {
    const res = await post({ user_id: 'u', locale: `en-${'abcdefgh-'.repeat(4)}x` });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0]).toMatchObject({ path: ['locale'], message: 'must be at most 35 characters' });

    const heapBefore = heapUsedAfterGc();
    const long = (i: number) => `en-${'abcdefgh-'.repeat(3_000)}${String(i).padStart(4, '0')}`; // ~27 KB each
    for (let i = 0; i < 100; i += 1) expect((await post({ user_id: 'u', locale: long(i) })).status).toBe(400);
    // 100 locales of 27 KB kept as cache keys would be 2.7 MB (5.4 MB as UTF-16); refused at the edge, nothing is kept.
    expect(heapUsedAfterGc() - heapBefore).toBeLessThan(1.5 * MB);
  });

  it('matches locale codes case-insensitively and serves the canonical one', async () => {
    const res = await post({ user_id: 'user-1', locale: 'FR' });
    expect(res.status).toBe(200);
    for (const entry of res.body.data) expect(entry.merchant.locale).toBe('fr');
  });

  it('sees a locale created after boot on the next request', async () => {
    expect((await post({ user_id: 'u', locale: 'de' })).status).toBe(400);
    await createLocale(app.strapi, 'de', 'German (de)');
    expect((await post({ user_id: 'u', locale: 'de' })).status).toBe(200);
  });
});

describe('a 400 stays small', () => {
  const unknownKeys = (count: number) => {
    const body: Record<string, string> = { user_id: 'u' };
    for (let i = 0; i < count; i += 1) body[`k${i}`] = 'x';
    return body;
  };
  const expectSmall = (
    res: { status: number; body: { error: { details: { errors: unknown[]; more?: number } } } },
    more: number
  ) => {
    expect(res.status).toBe(400);
    expect(Buffer.byteLength(JSON.stringify(res.body))).toBeLessThan(8 * 1024);
    expect(res.body.error.details.errors).toHaveLength(20);
    expect(res.body.error.details.errors[0]).toEqual({
      path: ['k0'],
      message: 'is not an allowed field',
      name: 'ValidationError',
    });
    expect(res.body.error.details.more).toBe(more);
  };

  it('1,000 unknown keys on the offers endpoint: at most 20 issues and the count of the rest', async () => {
    expectSmall(await post(unknownKeys(1_000)), 1_000 - 20);
  });

  it("60,000 unknown keys, chunked past the 64 KiB guard into Strapi's 1 MB parser (admin live preview): a few KB", async () => {
    const admin = await createAdminUser(app.strapi, 'limits-admin@example.com', 'strapi-super-admin');
    const jwt = await adminToken(app, admin);
    expectSmall(
      await postChunked('/button-personalization/preview', `Bearer ${jwt}`, JSON.stringify(unknownKeys(60_000))),
      60_000 - 20
    );
  });

  it('60,000 unknown keys with a declared length: refused at the door (413) by both routes', async () => {
    const admin = await createAdminUser(app.strapi, 'limits-admin-2@example.com', 'strapi-super-admin');
    const jwt = await adminToken(app, admin);
    const preview = await app
      .http()
      .post('/button-personalization/preview')
      .set('Authorization', `Bearer ${jwt}`)
      .send(unknownKeys(60_000));
    for (const res of [preview, await post(unknownKeys(60_000))]) {
      expect(res.status).toBe(413);
      expect(Buffer.byteLength(JSON.stringify(res.body))).toBeLessThan(1024);
    }
  });

  it.each([
    ['a big array of bad device ids', { user_id: 'u', device_ids: Array.from({ length: 5_000 }, () => 7) }],
    ['a deeply nested locale', { user_id: 'u', locale: JSON.parse(`${'['.repeat(2_000)}${']'.repeat(2_000)}`) }],
    ['many bad emails', { user_id: 'u', emails: Array.from({ length: 3_000 }, (_, i) => `nope${i}`) }],
  ])('%s: one short answer', async (_label, body) => {
    const before = sim.stats().requestsReceived;
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(Buffer.byteLength(JSON.stringify(res.body))).toBeLessThan(8 * 1024);
    expect(res.body.error.details.errors.length).toBeLessThanOrEqual(20);
    expect(sim.stats().requestsReceived).toBe(before);
  });
});

describe('device_ids and emails: only what Button can take', () => {
  it.each([
    ['a NUL', 'IDFA\u0000X'],
    ['a newline inside', 'IDFA\nX'],
    ['a bidi override', 'IDFA\u202EX'],
    ['a lone surrogate', 'IDFA\uD800'],
    ['an inner space', 'IDFA X'],
    ['non-ASCII', 'IDFÄ'],
    ['129 characters', 'x'.repeat(129)],
  ])('a device id with %s: 400 on that field, Button not called', async (_label, id) => {
    const before = sim.stats().requestsReceived;
    const res = await post({ user_id: 'u', device_ids: ['GAID-OK', id] });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['device_ids.1']);
    expect(JSON.stringify(res.body)).not.toContain(id);
    expect(sim.stats().requestsReceived).toBe(before);
  });

  it('trims ASCII whitespace around a device id and accepts a 36-character IDFA', async () => {
    const idfa = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
    const res = await post({ user_id: 'u', device_ids: [`\t ${idfa} \r\n`] });
    expect(res.status).toBe(200);
    expect(sim.recentRequests().at(-1)?.body).toMatchObject({ device_ids: [idfa] });
  });

  it.each([
    ['a NUL', 'a\u0000b@example.com'],
    ['a bidi override', 'a\u202Eb@example.com'],
    ['a lone surrogate', 'a\uDC00@example.com'],
  ])('an email with %s: 400', async (_label, email) => {
    const res = await post({ user_id: 'u', emails: [email] });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['emails.0']);
  });
});

describe('content types and encodings: a 4xx from the plugin, never a 500', () => {
  const expectEnvelope = (res: { status: number; headers: Record<string, string>; body: unknown }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ data: null, error: { status, name: expect.any(String), message: expect.any(String) } });
  };

  it.each([
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="user_id"\r\n\r\nu'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="user_id"\r\n\r\nu\r\n--x--\r\n'],
    ['application/x-www-form-urlencoded', 'user_id=u'],
    ['text/plain', '{"user_id":"u"}'],
    ['application/octet-stream', '{"user_id":"u"}'],
    ['application/json; charset=latin1', '{"user_id":"u"}'],
  ])('%s: 415', async (type, body) => {
    const before = sim.stats().requestsReceived;
    expectEnvelope(await raw({ 'Content-Type': type }, body), 415);
    expect(sim.stats().requestsReceived).toBe(before);
  });

  it('a body labelled gzip that is not gzip: 415, not 500', async () => {
    expectEnvelope(await raw({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, '{"user_id":"u"}'), 415);
  });

  it('a real gzip body: 415 naming identity as the accepted encoding', async () => {
    const res = await raw({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, gzipSync('{"user_id":"u"}'));
    expectEnvelope(res, 415);
    expect(res.headers['accept-encoding']).toBe('identity');
  });

  it('an unknown encoding: 415', async () => {
    expectEnvelope(await raw({ 'Content-Type': 'application/json', 'Content-Encoding': 'zstd' }, '{"user_id":"u"}'), 415);
  });

  it('a body larger than the offers limit: 413', async () => {
    const res = await raw({ 'Content-Type': 'application/json' }, JSON.stringify({ user_id: 'u', pad: 'x'.repeat(100 * 1024) }));
    expectEnvelope(res, 413);
  });

  it.each([
    ['over the app JSON limit (1 MB)', `{"user_id":"u","pad":"${'x'.repeat(2 * MB)}"}`, 413],
    ['malformed JSON', '{"user_id": ', 400],
    ['within the limits', '{"user_id":"u"}', 200],
  ])('a chunked body (no Content-Length) %s', async (_label, text, status) => {
    const answer = await postChunked(ENDPOINT, `Bearer ${token}`, text);
    expect(answer.status).toBe(status);
    if (status !== 200) expect(answer.body).toMatchObject({ data: null, error: { status } });
  });

  it('application/json with charset utf-8 still works', async () => {
    const res = await raw({ 'Content-Type': 'application/json; charset=UTF-8' }, '{"user_id":"u"}');
    expect(res.status).toBe(200);
  });
});
