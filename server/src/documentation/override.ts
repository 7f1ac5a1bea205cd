import { z } from 'zod';
import { ASSERTION_HEADER } from '../access/assertion';
import { webhookRequestSchema, webhookResponseSchema } from '../commissions/intake/schema';
import { SIGNATURE_HEADER } from '../commissions/intake/signature';
import { errorResponseSchema, offersResponseSchema } from '../offers/response-schema';
import contentApi from '../routes/content-api';
import { contentApiPath } from '../utils/paths';
import { OFFERS_ACCESS_DESCRIPTION, offersRequestDocSchema } from './schemas';

/**
 * The plugin's public endpoints for @strapi/plugin-documentation (which writes OpenAPI 3.0): hand-declared paths,
 * their schemas converted from the same zod schemas the routes declare for `strapi openapi generate`. Paths are
 * relative to the document's server URL, which the documentation plugin builds with the REST prefix (`/api`).
 * Component names do not start with `ButtonPersonalization`: that prefix is the documentation generator's, for
 * content types, and the plugin's content types (the ledger) stay out of the document.
 */

const ASSERTION_HEADER_NAME = 'X-Button-User-Assertion';
const SIGNATURE_HEADER_NAME = 'X-Button-Signature';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'openapi-3.0', io }) as JsonSchema;
  return json;
};

export const SCHEMA_NAMES = {
  offersRequest: 'ButtonOffersRequest',
  offersResponse: 'ButtonOffersResponse',
  error: 'ButtonErrorResponse',
  webhookRequest: 'ButtonWebhookRequest',
  webhookResponse: 'ButtonWebhookResponse',
} as const;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
const error = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: json(SCHEMA_NAMES.error),
});
const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
};

function routePath(handler: string): string {
  const route = contentApi.routes.find((candidate) => candidate.handler === handler);
  if (route === undefined) throw new Error(`no route has the handler ${handler}`);
  return contentApiPath('', route.path);
}

export function documentationOverride() {
  return {
    tags: [{ name: 'Button personalization', description: 'Personalized Button offers and Button commission webhooks' }],
    paths: {
      [routePath('offers.find')]: {
        post: {
          tags: ['Button personalization'],
          operationId: 'button-personalization/post/offers',
          summary: "A user's live Button offers, merged with the merchants' CMS content",
          description: OFFERS_ACCESS_DESCRIPTION,
          security: [{ bearerAuth: [] }, {}],
          parameters: [
            {
              name: ASSERTION_HEADER_NAME,
              in: 'header',
              required: false,
              description:
                'A signed user assertion (`bua1.<user id>.<expiry>.<signature>`, minted by your backend with `access.assertionSecret`): required from public callers, whose offers are then bound to that user',
              schema: { type: 'string', maxLength: 1024 },
            },
          ],
          requestBody: { required: true, content: json(SCHEMA_NAMES.offersRequest) },
          responses: {
            200: { description: 'The offers', content: json(SCHEMA_NAMES.offersResponse) },
            400: error('Invalid body (`details.errors` names each field), unknown locale, or Button refused the request'),
            401: error('Invalid token, a public caller without a user assertion, or an invalid or expired assertion'),
            403: error("Not granted `offers.find`, or a body `user_id` that is not the caller's (end user or assertion)"),
            413: error('Body over 64 KiB'),
            415: error('Not `application/json`, or a `Content-Encoding`'),
            429: error("Too many requests from this caller, or Button's rate limit would be exceeded", retryAfter),
            502: error('Button rejected the API key or answered with an invalid response'),
            503: error('Button is not configured, unreachable, slow or failing (see `details.code`)', retryAfter),
          },
        },
      },
      [routePath('commissions.webhook')]: {
        post: {
          tags: ['Button personalization'],
          operationId: 'button-personalization/post/webhooks',
          summary: "Button's commission webhooks (transaction events), recorded in the commission ledger",
          description:
            'Called by Button, not by clients: no token. Only the signature over the exact raw body is trusted; other methods get 405.',
          security: [],
          parameters: [
            {
              name: SIGNATURE_HEADER_NAME,
              in: 'header',
              required: true,
              description: 'HMAC-SHA256 of the raw request body with the webhook secret, as 64 lowercase hex characters',
              schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            },
          ],
          requestBody: { required: true, content: json(SCHEMA_NAMES.webhookRequest) },
          responses: {
            200: { description: 'Recorded (or already known)', content: json(SCHEMA_NAMES.webhookResponse) },
            400: error('Not JSON, not an object, or an unusable event (Button does not retry)'),
            401: error(`Missing or invalid ${SIGNATURE_HEADER_NAME}`),
            413: error('Body over 256 KiB'),
            500: error('The event could not be stored (Button retries)'),
            503: error('No webhook secret configured, or the raw body is unavailable (Button retries)'),
          },
        },
      },
    },
    components: {
      schemas: {
        [SCHEMA_NAMES.offersRequest]: toSchema(offersRequestDocSchema, 'input'),
        [SCHEMA_NAMES.offersResponse]: toSchema(offersResponseSchema, 'output'),
        [SCHEMA_NAMES.error]: toSchema(errorResponseSchema, 'output'),
        [SCHEMA_NAMES.webhookRequest]: toSchema(webhookRequestSchema, 'input'),
        [SCHEMA_NAMES.webhookResponse]: toSchema(webhookResponseSchema, 'output'),
      },
    },
  };
}

// The header names above are the ones the plugin reads (it compares them lower-cased).
export const HEADER_CHECKS = [
  SIGNATURE_HEADER satisfies Lowercase<typeof SIGNATURE_HEADER_NAME>,
  ASSERTION_HEADER satisfies Lowercase<typeof ASSERTION_HEADER_NAME>,
] as const;
