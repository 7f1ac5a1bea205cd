import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { z } from 'zod';
import { paginationQuery, parseOrThrow } from '../utils/validation';
import { commissionDetail, commissionTotals, listCommissions } from './queries';

type Context = Parameters<Core.MiddlewareHandler>[0];

const day = z
  .string({ error: 'must be a date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-25')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a real date');

const listQuerySchema = z
  .strictObject({
    status: z.enum(['pending', 'validated', 'declined'], { error: 'must be pending, validated or declined' }).optional(),
    brand: z.string().max(255, 'must be at most 255 characters').optional(),
    conflicts: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
    click_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{12}$/, 'must be a click id (12 base64url characters)')
      .optional(),
    from: day.optional(),
    to: day.optional(),
    ...paginationQuery,
  })
  .superRefine((query, ctx) => {
    if (query.from && query.to && query.from > query.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

/** The admin's Commissions page: the ledger, filtered, with totals, and one transaction's history. */
const commissionsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /button-personalization/commissions */
  async list(ctx: Context) {
    const query = parseOrThrow(listQuerySchema, ctx.query, 'Invalid commissions query');
    const filters = {
      status: query.status,
      conflicts: query.conflicts === 'true',
      clickId: query.click_id,
      brand: query.brand || undefined,
      from: query.from ? new Date(`${query.from}T00:00:00.000Z`) : undefined,
      to: query.to ? new Date(`${query.to}T23:59:59.999Z`) : undefined,
    };
    const [{ results, pagination }, totals] = await Promise.all([
      listCommissions(strapi, filters, query.page, query.pageSize),
      commissionTotals(strapi, filters),
    ]);
    ctx.body = { data: results, meta: { pagination, totals } };
  },

  /** GET /button-personalization/commissions/:transactionId */
  async detail(ctx: Context) {
    const detail = await commissionDetail(strapi, String(ctx.params.transactionId));
    if (!detail) throw new errors.NotFoundError('No such transaction in the ledger');
    ctx.body = { data: detail };
  },
});

export default commissionsController;
