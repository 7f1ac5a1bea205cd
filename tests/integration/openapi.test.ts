import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PLAYGROUND_DIR, startPlayground, type Playground } from '../helpers/playground';

/**
 * Issue 12 (3b): the offers and webhook endpoints are described in both OpenAPI documents a Strapi app can produce:
 * `strapi openapi generate` (from the zod schemas on the routes) and @strapi/plugin-documentation (from the plugin's
 * override). That the ledger stays out of the documentation plugin's document is graphql-exposure.test.ts's.
 */
const STRAPI_BIN = path.resolve(__dirname, '../../node_modules/.bin/strapi');
const OFFERS = '/button-personalization/offers';
const WEBHOOKS = '/button-personalization/webhooks';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs the real CLI in the playground, on a scratch SQLite database, and reads the file it writes. */
async function generateWithCli(scratch: string): Promise<Json> {
  const output = path.join(scratch, 'specification.json');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    NODE_ENV: 'development',
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: path.join(scratch, 'data.db'),
    PLAYGROUND_SEED: 'false',
    STRAPI_TELEMETRY_DISABLED: 'true',
  };
  const child = spawn(STRAPI_BIN, ['openapi', 'generate', '--output', output], { cwd: PLAYGROUND_DIR, env });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`strapi openapi generate exited with ${code}:\n${log}`);
  return JSON.parse(fs.readFileSync(output, 'utf8')) as Json;
}

/** A JSON schema's properties, through the `anyOf` zod writes for a nullable object. */
const propertiesOf = (schema: Json): string[] =>
  Object.keys(schema.properties ?? schema.anyOf?.find((option: Json) => option.type === 'object')?.properties ?? {});

let scratch: string;
let cliDoc: Json;
let app: Playground;
let pluginDoc: Json;
const version = `0.0.${Date.now()}`;

// The CLI (its own process and database) and the in-process playground boot side by side.
beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'button-openapi-'));
  const [generated, started] = await Promise.all([generateWithCli(scratch), startPlayground({})]);
  cliDoc = generated;
  app = started;
  const documentation = app.strapi.plugin('documentation').service('documentation');
  await documentation.generateFullDoc(version);
  pluginDoc = JSON.parse(
    fs.readFileSync(path.join(documentation.getFullDocumentationPath(), version, 'full_documentation.json'), 'utf8')
  ) as Json;
}, 90_000);

afterAll(async () => {
  await app?.strapi.plugin('documentation').service('documentation').deleteDocumentation(version);
  await app?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('strapi openapi generate', () => {
  let doc: Json;
  beforeAll(() => (doc = cliDoc));

  it('describes the offers request body from the route', () => {
    const body = doc.paths[OFFERS].post.requestBody.content['application/json'].schema;
    expect(body.type).toBe('object');
    expect(Object.keys(body.properties)).toEqual(['user_id', 'device_ids', 'email_sha256s', 'emails', 'merchant_id', 'locale']);
    expect(body.required ?? []).toEqual([]); // user_id is optional: an end user's or an assertion's id comes from the caller
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.device_ids).toMatchObject({ type: 'array', maxItems: 10, items: { type: 'string' } });
    expect(body.properties.email_sha256s.items.pattern).toBe('^[0-9a-fA-F]{64}$');
    expect(body.description).toContain('X-Button-User-Assertion');
  });

  it('describes the offers 200 answer, down to each offer and the meta', () => {
    const answer = doc.paths[OFFERS].post.responses['200'].content['application/json'].schema;
    expect(answer.required).toEqual(['data', 'meta']);
    const merchant = answer.properties.data.items;
    expect(propertiesOf(merchant)).toEqual(['merchant_id', 'merchant', 'offers', 'best_offer_id']);
    expect(propertiesOf(merchant.properties.merchant)).toEqual(
      expect.arrayContaining(['document_id', 'name', 'logo', 'cta_url', 'featured', 'priority'])
    );
    const offer = merchant.properties.offers.items;
    expect(propertiesOf(offer)).toEqual(
      expect.arrayContaining(['id', 'rank', 'rate_percent', 'rate_fixed', 'currency', 'display_params', 'headline', 'pub_ref'])
    );
    expect(offer.properties.pub_ref.type).toBe('string');
    expect(offer.properties.display_params).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
    expect(answer.properties.meta.required).toEqual([
      'request_id',
      'fetched_at',
      'upstream_ms',
      'attempts',
      'unmapped_merchant_ids',
    ]);
    expect(answer.properties.meta.properties.fetched_at).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('describes the webhook: the event it reads and what it answers', () => {
    const operation = doc.paths[WEBHOOKS].post;
    const event = operation.requestBody.content['application/json'].schema;
    expect(event.required).toEqual(expect.arrayContaining(['id', 'event_type', 'data']));
    expect(event.description).toContain('X-Button-Signature');
    expect(propertiesOf(event.properties.data)).toEqual(expect.arrayContaining(['id', 'status', 'amount', 'modified_date']));
    const answer = operation.responses['200'].content['application/json'].schema;
    expect(answer.properties.data.properties.outcome.enum).toEqual(['applied', 'stale', 'conflict', 'ignored', 'duplicate']);
  });

  it('leaves the metrics route without invented schemas', () => {
    expect(doc.paths['/button-personalization/metrics'].get.requestBody).toBeUndefined();
    expect(doc.paths['/button-personalization/metrics'].get.responses['200']).toBeUndefined();
  });
});

describe('@strapi/plugin-documentation', () => {
  let doc: Json;
  beforeAll(() => (doc = pluginDoc));

  it('serves the offers and webhook paths under the REST prefix, with their schemas', () => {
    expect(doc.servers[0].url).toMatch(/\/api$/);
    expect(Object.keys(doc.paths).filter((name) => name.startsWith('/button-personalization'))).toEqual([OFFERS, WEBHOOKS]);

    const offers = doc.paths[OFFERS].post;
    expect(offers.security).toEqual([{ bearerAuth: [] }, {}]);
    expect(offers.parameters).toEqual([expect.objectContaining({ name: 'X-Button-User-Assertion', in: 'header' })]);
    expect(offers.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ButtonOffersRequest' });
    expect(offers.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ButtonOffersResponse',
    });
    expect(Object.keys(offers.responses)).toEqual(['200', '400', '401', '403', '413', '415', '429', '502', '503']);

    const webhook = doc.paths[WEBHOOKS].post;
    expect(webhook.security).toEqual([]);
    expect(webhook.parameters).toEqual([expect.objectContaining({ name: 'X-Button-Signature', in: 'header', required: true })]);
    expect(webhook.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ButtonWebhookResponse',
    });

    const schemas = doc.components.schemas;
    expect(Object.keys(schemas.ButtonOffersRequest.properties)).toContain('device_ids');
    expect(schemas.ButtonOffersRequest.properties.user_id).toMatchObject({ type: 'string', maxLength: 255 });
    expect(schemas.ButtonOffersResponse.properties.data.items.properties.offers.items.properties.pub_ref).toMatchObject({
      type: 'string',
    });
    expect(Object.keys(schemas.ButtonOffersResponse.properties.meta.properties)).toContain('request_id');
    // OpenAPI 3.0, as the documentation plugin writes: `nullable`, not 3.1's `type: 'null'`.
    expect(schemas.ButtonOffersResponse.properties.data.items.properties.best_offer_id).toMatchObject({
      type: 'string',
      nullable: true,
    });
    expect(schemas.ButtonErrorResponse.properties.error.required).toEqual(['status', 'name', 'message', 'details']);
    expect(Object.keys(schemas.ButtonWebhookRequest.properties)).toEqual(expect.arrayContaining(['id', 'event_type', 'data']));
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it('shows the same document in its Swagger UI, over HTTP', async () => {
    const res = await app.http().get(`/documentation/v${version}`);
    expect(res.status).toBe(200);
    const embedded = /spec: (\{.*\}),\n\s*dom_id/s.exec(res.text)?.[1];
    expect(embedded).toBeDefined();
    const served = JSON.parse(embedded!) as Json;
    expect(served.paths[OFFERS]).toEqual(doc.paths[OFFERS]);
    expect(served.paths[WEBHOOKS]).toEqual(doc.paths[WEBHOOKS]);
    expect(served.components.schemas.ButtonOffersResponse).toEqual(doc.components.schemas.ButtonOffersResponse);
  });
});
