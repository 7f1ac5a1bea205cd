import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { getPluginConfig } from '../config';
import { getService } from '../utils/get-service';
import { parseOrThrow } from '../utils/validation';
import { encodePubRef, decodePubRef } from './codec';
import { PUB_REF_MAX_LENGTH } from './format';

type Context = Parameters<Core.MiddlewareHandler>[0];

// The user id as the offers endpoint takes it (Button's rule): what a pubRef is bound to.
const userId = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces');

const decodeSchema = z.strictObject({
  pub_ref: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(512, 'must be at most 512 characters'),
  /** Optional: without it a signed pubRef cannot be verified (it is bound to the user it was served to). */
  user_id: userId.optional(),
});
const decimal = z.string({ error: 'must be a string' }).regex(/^\d+(\.\d+)?$/, 'must be a decimal such as 4.5');
const buildSchema = z
  .strictObject({
    user_id: userId,
    offer_id: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(255, 'must be at most 255 characters'),
    rate_percent: decimal.optional(),
    rate_fixed: decimal.optional(),
    currency: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .optional(),
  })
  .superRefine((body, ctx) => {
    if (body.rate_percent !== undefined && body.rate_fixed !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rate_fixed'], message: 'give either rate_percent or rate_fixed, not both' });
    }
    if (body.rate_fixed !== undefined && body.currency === undefined) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required with rate_fixed' });
    }
  });

/** The debugger's request bodies, as the admin sends them (`contracts/admin.ts`). */
export type PubRefDecodeInput = z.input<typeof decodeSchema>;
export type PubRefBuildInput = z.input<typeof buildSchema>;

/** The admin's pubRef debugger: decode a pubRef (and find its ledger rows), or build a test one. */
const pubRefController = ({ strapi }: { strapi: Core.Strapi }) => {
  const secret = () => getPluginConfig(strapi).pubRefSecret;

  return {
    /** POST /button-personalization/pub-refs/decode */
    async decode(ctx: Context) {
      const { pub_ref: pubRef, user_id: user } = parseOrThrow(decodeSchema, ctx.request.body, 'Invalid pubRef');
      const commissions = getService(strapi, 'commissions');
      const decoded = commissions.decodePubRef(pubRef, user);
      // The ledger rows carrying this pubRef (or its click id): read through the commissions service.
      const transactions = await commissions.forPubRef(pubRef, decoded);
      ctx.body = { data: { pub_ref: pubRef, user_id: user ?? null, decoded, transactions } };
    },

    /** POST /button-personalization/pub-refs/build: what the offers endpoint would serve for such an offer. */
    async build(ctx: Context) {
      const body = parseOrThrow(buildSchema, ctx.request.body, 'Invalid pubRef fields');
      const pubRef = encodePubRef(
        {
          id: body.offer_id,
          rate_percent: body.rate_percent ?? null,
          rate_fixed: body.rate_fixed ?? null,
          currency: body.currency ?? null,
        },
        secret(),
        body.user_id
      );
      ctx.body = {
        data: {
          pub_ref: pubRef,
          user_id: body.user_id,
          length: pubRef.length,
          max_length: PUB_REF_MAX_LENGTH,
          decoded: decodePubRef(pubRef, secret(), body.user_id),
        },
      };
    },
  };
};

export default pubRefController;
