import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { PLUGIN_ID } from '../constants';
import { getService } from '../utils/get-service';
import { strapiErrors } from '../utils/strapi-errors';
import { paginationQuery, parseOrThrow } from '../utils/validation';
import { capturedBody } from './intake/capture';
import { PROBE_HEADER } from './intake/check';
import { errorAnswer, type WebhookAnswer } from './intake/handle';
import { SIGNATURE_HEADER } from './intake/signature';

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

/**
 * The admin's Commissions page (the ledger, filtered, with totals, and one transaction's history), and Button's
 * webhook (content API, public: it trusts only the signature over the raw bytes).
 */
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
      getService(strapi, 'commissions').list(filters, query.page, query.pageSize),
      getService(strapi, 'commissions').totals(filters),
    ]);
    ctx.body = { data: results, meta: { pagination, totals } };
  },

  /** GET /button-personalization/commissions/:transactionId */
  async detail(ctx: Context) {
    const detail = await getService(strapi, 'commissions').detail(String(ctx.params.transactionId));
    if (!detail) throw new (strapiErrors().NotFoundError)('No such transaction in the ledger');
    ctx.body = { data: detail };
  },

  /**
   * POST /api/button-personalization/webhooks (auth: false). The raw bytes were kept by the capture
   * (intake/capture.ts) before `strapi::body`; the service checks the signature over them and records the event.
   * It answers every case itself, in Strapi's envelope, and never lets an exception escape: Button must get a
   * status it understands (5xx: retry later).
   */
  async webhook(ctx: Context) {
    const commissions = getService(strapi, 'commissions');
    const captured = capturedBody(ctx);
    if (commissions.rawBodyCheck.isProbe(ctx.get(PROBE_HEADER) || undefined)) {
      commissions.rawBodyCheck.observe(captured);
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 204;
      return;
    }
    try {
      send(ctx, await commissions.receive(captured, ctx.get(SIGNATURE_HEADER) || undefined));
    } catch (error) {
      strapi.log.error(`[${PLUGIN_ID}] webhook failed unexpectedly: ${(error as Error).name}`);
      send(ctx, errorAnswer(500, 'InternalServerError', 'The webhook could not be processed; retry later'));
    }
  },
});

function send(ctx: Context, answer: WebhookAnswer): void {
  ctx.status = answer.status;
  ctx.set('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value);
  ctx.body = answer.body;
}

export default commissionsController;
