import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { getService } from '../utils/get-service';
import { parseOrThrow } from '../utils/validation';

type Context = Parameters<Core.MiddlewareHandler>[0];

const listQuerySchema = z.strictObject({
  search: z.string().max(200, 'must be at most 200 characters').optional(),
  status: z.enum(['mapped', 'unmapped', 'orphaned'], { error: 'must be mapped, unmapped or orphaned' }).optional(),
  page: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').default(1),
  pageSize: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1)
    .max(100, 'must be at most 100')
    .default(20),
});

const merchantsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /button-personalization/merchants */
  async list(ctx: Context) {
    const query = parseOrThrow(listQuerySchema, ctx.query, 'Invalid merchants query');
    ctx.body = await getService(strapi, 'merchants').list(query);
  },

  /** POST /button-personalization/merchants/:merchantId/draft */
  async createDraft(ctx: Context) {
    const result = await getService(strapi, 'merchants').createDraft(String(ctx.params.merchantId));
    ctx.status = result.created ? 201 : 200;
    ctx.body = { data: result };
  },
});

export default merchantsController;
