import { startPlayground, type Playground } from '../helpers/playground';
import { SIM_API_KEY, startSimulator, type Simulator } from '../helpers/simulator';

/**
 * The offers endpoint's answers when the client's guards trip, and the metrics route, through a real Strapi.
 */
const OFFERS = '/api/button-personalization/offers';
const METRICS = '/api/button-personalization/metrics';

describe('breaker and metrics through Strapi', () => {
  let sim: Simulator;
  let app: Playground;
  let offersToken: string;
  let scrapeToken: string;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground({
      BUTTON_API_KEY: SIM_API_KEY,
      BUTTON_API_BASE_URL: sim.url,
      BUTTON_RETRY_MAX_ATTEMPTS: '1',
      BUTTON_BREAKER_MIN_REQUESTS: '4',
      BUTTON_BREAKER_HALF_OPEN_AFTER_MS: '60000',
    });
    offersToken = await app.createApiToken();
    scrapeToken = await app.createApiToken(['plugin::button-personalization.metrics.scrape']);
  });
  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  const offers = () => app.http().post(OFFERS).set('Authorization', `Bearer ${offersToken}`).send({ user_id: 'user-1' });
  const scrape = (token?: string) => {
    const req = app.http().get(METRICS);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  it('serves metrics only to a caller with the scrape permission', async () => {
    expect((await scrape()).status).toBe(403);
    expect((await scrape(offersToken)).status).toBe(403);
    const res = await scrape(scrapeToken);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('counts calls, latencies, pool connections and the breaker state', async () => {
    await offers().expect(200);
    await offers().expect(200);
    const { text } = await scrape(scrapeToken);
    expect(text).toMatch(/^button_upstream_attempts_total\{outcome="success",http_response_status_code="200"\} [2-9]/m);
    expect(text).toMatch(
      /^http_client_request_duration_seconds_bucket\{le="0\.1",http_request_method="POST",server_address="127\.0\.0\.1"/m
    );
    expect(text).toMatch(
      /^http_server_request_duration_seconds_count\{http_request_method="POST",http_route="\/api\/button-personalization\/offers",http_response_status_code="200"\} [2-9]/m
    );
    expect(text).toMatch(/^button_pool_connections\{state="connected"\} 1$/m);
    expect(text).toMatch(/^button_breaker_state 0$/m);
    expect(text).not.toContain('user-1');
  });

  it('fails fast with 503 and the time to the next probe once the breaker opens, without calling Button', async () => {
    sim.faults.set({ rules: [{ kind: 'status', status: 500 }] });
    for (let i = 0; i < 4; i += 1) expect((await offers()).status).toBe(503);
    const received = sim.stats().requestsReceived;

    const res = await offers();
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(50);
    expect(res.body.error).toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'Button is failing: offers are paused until it recovers (circuit breaker open)',
      details: { code: 'CIRCUIT_OPEN', attempts: 0 },
    });
    expect(sim.stats().requestsReceived).toBe(received);

    const { text } = await scrape(scrapeToken);
    expect(text).toMatch(/^button_breaker_state 1$/m);
    expect(text).toMatch(/^button_breaker_transitions_total\{state="open",reason="failure-rate"\} 1$/m);
    expect(text).toMatch(/^http_server_request_duration_seconds_count\{[^}]*http_response_status_code="503"\} [5-9]/m);
    expect(app.logs.some((line) => line.includes('circuit breaker open'))).toBe(true);
  });

  it('still validates input (400) while the breaker is open', async () => {
    const res = await app.http().post(OFFERS).set('Authorization', `Bearer ${offersToken}`).send({});
    expect(res.status).toBe(400);
  });
});

describe('local rate limit through Strapi', () => {
  let sim: Simulator;
  let app: Playground;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator();
    // 60 per minute: a burst of one call, then one per second.
    app = await startPlayground({
      BUTTON_API_KEY: SIM_API_KEY,
      BUTTON_API_BASE_URL: sim.url,
      BUTTON_RATE_LIMIT_PER_MINUTE: '60',
      BUTTON_POOL_WARMUP: 'false',
    });
    token = await app.createApiToken();
  });
  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('answers 429 with Retry-After at once rather than exceed the configured Button rate', async () => {
    const post = () => app.http().post(OFFERS).set('Authorization', `Bearer ${token}`).send({ user_id: 'user-1' });
    expect((await post()).status).toBe(200);
    const res = await post();
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.body.error).toMatchObject({
      status: 429,
      name: 'RateLimitError',
      details: { code: 'LOCAL_RATE_LIMITED', attempts: 0 },
    });
    expect(sim.stats().requestsReceived).toBe(1);
  });
});

describe('a hard outage through Strapi', () => {
  let sim: Simulator;
  let app: Playground;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator();
    app = await startPlayground({
      BUTTON_API_KEY: SIM_API_KEY,
      BUTTON_API_BASE_URL: sim.url,
      BUTTON_RETRY_MAX_ATTEMPTS: '1',
      BUTTON_BREAKER_CONSECUTIVE_FAILURES: '3',
      BUTTON_BREAKER_HALF_OPEN_AFTER_MS: '60000',
    });
    token = await app.createApiToken();
  });
  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('opens the breaker after BUTTON_BREAKER_CONSECUTIVE_FAILURES refused calls, and logs why', async () => {
    const post = () => app.http().post(OFFERS).set('Authorization', `Bearer ${token}`).send({ user_id: 'user-1' });
    for (let i = 0; i < 10; i += 1) expect((await post()).status).toBe(200); // a healthy window first
    const back = sim.outage(2_000);
    const codes: string[] = [];
    for (let i = 0; i < 5; i += 1) codes.push((await post()).body.error?.details?.code);
    // A call on the socket the outage cut may come first (not a hard failure), then three refused connections.
    expect(codes.filter((code) => code === 'UPSTREAM_UNREACHABLE').length).toBeGreaterThanOrEqual(3);
    expect(codes.slice(-1)).toEqual(['CIRCUIT_OPEN']);
    expect(app.logs.some((line) => /circuit breaker open \(consecutive-failures: [34] failures in/.test(line))).toBe(true);
    await back;
  });
});
