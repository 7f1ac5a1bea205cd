import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { getService } from '../utils/get-service';
import { contentManagerDraftAuthor } from './draft-permission';
import type { MerchantId } from './service';
import { paginationQuery, parseOrThrow } from '../utils/validation';

type Context = Parameters<Core.MiddlewareHandler>[0];

const listQuerySchema = z.strictObject({
  search: z.string().max(200, 'must be at most 200 characters').optional(),
  status: z.enum(['mapped', 'unmapped', 'orphaned'], { error: 'must be mapped, unmapped or orphaned' }).optional(),
  ...paginationQuery,
});

const draftParamsSchema = z.strictObject({
  merchant_id: z
    .string()
    .regex(/^org-[A-Za-z0-9_-]+$/, 'must be a Button organization id (org-...)')
    .transform((id) => id as MerchantId),
});

const merchantsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /button-personalization/merchants */
  async list(ctx: Context) {
    const query = parseOrThrow(listQuerySchema, ctx.query, 'Invalid merchants query');
    ctx.body = await getService(strapi, 'merchants').list(query);
  },

  /** POST /button-personalization/merchants/:merchantId/draft */
  async createDraft(ctx: Context) {
    const params = parseOrThrow(draftParamsSchema, { merchant_id: String(ctx.params.merchantId) }, 'Invalid merchant id');
    const author = contentManagerDraftAuthor(strapi, ctx.state.user as { id: number }, ctx.state.userAbility);
    const result = await getService(strapi, 'merchants').createDraft(params.merchant_id, author);
    ctx.status = result.created ? 201 : 200;
    ctx.body = { data: result };
  },
});

export default merchantsController;
