import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Caller } from '../access/caller';
import type { RequestLike } from '../access/service';
import { OFFERS_FIND_ACTION } from '../constants';
import type { ErrorResponse } from '../contracts/offers';
import { answerOffers, untilClientHangsUp, type OffersAnswer } from '../offers/answer';
import { getService } from '../utils/get-service';
import { strapiErrors } from '../utils/strapi-errors';

/**
 * `buttonOffers(input)`: the offers endpoint as a GraphQL query, answering the same data under the same permission
 * (`offers.find`, granted to a role or an API token like the REST route), the same access modes and the same
 * fair-use limits: both run offers/answer.ts. Read-only: the plugin adds no mutation.
 */
export const OFFERS_TYPE_DEFS = /* GraphQL */ `
  "What to ask Button about: the same fields as the REST body (POST /api/button-personalization/offers)."
  input ButtonOffersInput {
    "Required for API tokens; an end user's or an assertion's own id otherwise (another one is refused)."
    user_id: String
    device_ids: [String!]
    email_sha256s: [String!]
    "Plain emails, hashed on the server as Button specifies; never stored or logged."
    emails: [String!]
    merchant_id: String
    locale: String
  }

  type ButtonOffersMedia {
    url: String!
    alternativeText: String
    width: Int
    height: Int
    mime: String
    formats: JSON
  }

  "The editors' content for a merchant (a published, enabled merchant-offer entry)."
  type ButtonOffersMerchant {
    document_id: String!
    locale: String
    name: String!
    description: JSON
    logo: ButtonOffersMedia
    cta_label: String
    cta_url: String
    terms: String
    featured: Boolean!
    priority: Int!
  }

  "One live offer from Button. Rates are never cached."
  type ButtonOffer {
    id: String!
    rank: Float
    rate_percent: String
    rate_fixed: String
    currency: String
    display_params: JSON!
    headline: String
    "Hand this to Button's SDK (PurchasePathRequest pubRef)."
    pub_ref: String!
  }

  type ButtonMerchantOffers {
    merchant_id: String!
    merchant: ButtonOffersMerchant
    offers: [ButtonOffer!]!
    best_offer_id: String
  }

  type ButtonOffersMeta {
    request_id: String!
    fetched_at: String!
    upstream_ms: Float!
    attempts: Int!
    unmapped_merchant_ids: [String!]!
  }

  type ButtonOffersResponse {
    data: [ButtonMerchantOffers!]!
    meta: ButtonOffersMeta!
  }

  extend type Query {
    "A user's live Button offers merged with the CMS content."
    buttonOffers(input: ButtonOffersInput!): ButtonOffersResponse!
  }
`;

/** The part of @strapi/plugin-graphql's resolver context used here (5.54: bootstrap.js builds it per request). */
interface GraphQLContext {
  koaContext: RequestLike & { res: Parameters<typeof untilClientHangsUp>[0] };
}

/**
 * Button's failures (502, 503) as Strapi application errors named like the REST envelope's `name`: the GraphQL
 * plugin turns the name into `extensions.code` (STRAPI_SERVICE_UNAVAILABLE_ERROR, STRAPI_BAD_GATEWAY_ERROR).
 * `name` is typed as the literal 'ApplicationError' by @strapi/utils, hence defineProperty.
 */
function upstreamError(name: 'ServiceUnavailableError' | 'BadGatewayError', message: string, details: Record<string, unknown>) {
  const error = new (strapiErrors().ApplicationError)(message, details);
  Object.defineProperty(error, 'name', { value: name });
  return error;
}

/** The REST answer's error as the GraphQL plugin formats Strapi errors (`extensions.error`, `extensions.code`). */
function toGraphQLError(answer: OffersAnswer): Error {
  const { message, details } = (answer.body as ErrorResponse).error;
  const withRetry = answer.retryAfter === undefined ? details : { ...details, retryAfter: answer.retryAfter };
  const errors = strapiErrors();
  switch (answer.status) {
    case 400:
      return new errors.ValidationError(message, details);
    case 401:
      return new errors.UnauthorizedError(message, details);
    case 403:
      return new errors.ForbiddenError(message, details);
    case 429:
      return new errors.RateLimitError(message, withRetry);
    case 502:
      return upstreamError('BadGatewayError', message, details);
    default:
      return upstreamError('ServiceUnavailableError', message, withRetry);
  }
}

export function offersQueryExtension(strapi: Core.Strapi) {
  return {
    typeDefs: OFFERS_TYPE_DEFS,
    resolvers: {
      Query: {
        async buttonOffers(_parent: unknown, args: { input: Record<string, unknown> }, context: GraphQLContext) {
          const ctx = context.koaContext;
          const resolved = getService(strapi, 'access').resolve(ctx);
          if (!resolved.ok) {
            const details = { code: resolved.code };
            const errors = strapiErrors();
            throw resolved.status === 401
              ? new errors.UnauthorizedError(resolved.message, details)
              : new errors.ForbiddenError(resolved.message, details);
          }
          const caller: Caller = resolved.caller;
          // GraphQL gives absent fields as undefined and explicit nulls as null: the REST schema refuses nulls alike.
          const body = Object.fromEntries(Object.entries(args.input).filter(([, value]) => value !== undefined));
          const answer = await untilClientHangsUp(ctx.res, (signal) =>
            answerOffers(strapi, { body, caller, requestId: randomUUID(), signal })
          );
          if (answer.status !== 200) throw toGraphQLError(answer);
          return answer.body;
        },
      },
    },
    resolversConfig: {
      // The same permission as the REST route: Strapi's GraphQL plugin checks it before the resolver runs.
      'Query.buttonOffers': { auth: { scope: [OFFERS_FIND_ACTION] } },
    },
  };
}
