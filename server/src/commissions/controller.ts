import { Readable } from 'node:stream';
import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { isButtonError } from '../button-client';
import { PLUGIN_ID } from '../constants';
import { getService } from '../utils/get-service';
import { strapiErrors } from '../utils/strapi-errors';
import { paginationQuery, parseOrThrow } from '../utils/validation';
import { capturedBody } from './intake/capture';
import { PROBE_HEADER } from './intake/check';
import { errorAnswer, type WebhookAnswer } from './intake/handle';
import { SIGNATURE_HEADER } from './intake/signature';
import { WebhookSecretMissingError } from './ledger/store';

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

const exportQuerySchema = listQuerySchema.transform(({ page: _page, pageSize: _pageSize, ...filters }) => filters);

const erasureBodySchema = z.strictObject({
  user_id: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
});

type ListQuery = Omit<z.output<typeof listQuerySchema>, 'page' | 'pageSize'>;

const filtersOf = (query: ListQuery) => ({
  status: query.status,
  conflicts: query.conflicts === 'true',
  clickId: query.click_id,
  brand: query.brand || undefined,
  from: query.from ? new Date(`${query.from}T00:00:00.000Z`) : undefined,
  to: query.to ? new Date(`${query.to}T23:59:59.999Z`) : undefined,
});

const adminId = (ctx: Context): number | undefined => {
  const id = (ctx.state as { user?: { id?: unknown } }).user?.id;
  return typeof id === 'number' ? id : undefined;
};

/**
 * The admin's Commissions page (the ledger, filtered, with totals, and one transaction's history), and Button's
 * webhook (content API, public: it trusts only the signature over the raw bytes).
 */
const commissionsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /button-personalization/commissions */
  async list(ctx: Context) {
    const query = parseOrThrow(listQuerySchema, ctx.query, 'Invalid commissions query');
    const filters = filtersOf(query);
    const [{ results, pagination }, totals] = await Promise.all([
      getService(strapi, 'commissions').list(filters, query.page, query.pageSize),
      getService(strapi, 'commissions').totals(filters),
    ]);
    ctx.body = { data: results, meta: { pagination, totals } };
  },

  /** GET /button-personalization/commissions/export: the filtered list as CSV, streamed. */
  async exportCsv(ctx: Context) {
    const filters = filtersOf(parseOrThrow(exportQuerySchema, ctx.query, 'Invalid commissions query'));
    const day = new Date().toISOString().slice(0, 10);
    ctx.set('Content-Type', 'text/csv; charset=utf-8');
    ctx.set('Content-Disposition', `attachment; filename="button-commissions-${day}.csv"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = Readable.from(getService(strapi, 'commissions').exportCsv(filters));
  },

  /** GET /button-personalization/reconciliation: configuration and the last runs. */
  async reconciliation(ctx: Context) {
    const commissions = getService(strapi, 'commissions');
    ctx.body = { data: { ...commissions.reconciliationStatus(), runs: await commissions.reconciliationRuns(20) } };
  },

  /** POST /button-personalization/reconciliation/runs: run now (202), unless one is running (409). */
  async reconcileNow(ctx: Context) {
    const errors = strapiErrors();
    const started = await getService(strapi, 'commissions').startReconciliation('manual', adminId(ctx));
    if (!started.started) {
      if (started.reason === 'running') {
        ctx.status = 409;
        ctx.body = {
          data: null,
          error: {
            status: 409,
            name: 'ConflictError',
            message: 'A reconciliation is already running',
            details: { code: 'RUNNING' },
          },
        };
        return;
      }
      throw new errors.ApplicationError(
        started.reason === 'no-api-key'
          ? 'Reconciliation needs the `apiKey` option'
          : 'Reconciliation is not configured: set the `reconciliation.accountId` option',
        { code: started.reason === 'no-api-key' ? 'NOT_CONFIGURED' : 'NO_ACCOUNT' }
      );
    }
    started.done.catch(() => undefined); // the run records its own failure
    ctx.status = 202;
    ctx.body = { data: started.run };
  },

  /** GET /button-personalization/reconciliation/accounts: the Button accounts the API key sees. */
  async accounts(ctx: Context) {
    try {
      ctx.body = { data: await getService(strapi, 'commissions').buttonAccounts() };
    } catch (error) {
      if (!isButtonError(error)) throw error;
      ctx.status = 502;
      ctx.body = {
        data: null,
        error: { status: 502, name: 'BadGatewayError', message: error.message, details: { code: error.code } },
      };
    }
  },

  /** POST /button-personalization/erasure: removes what links an end user to the ledger (privacy request). */
  async erase(ctx: Context) {
    const { user_id: userId } = parseOrThrow(erasureBodySchema, ctx.request.body, 'Invalid erasure request');
    let result: Awaited<ReturnType<ReturnType<typeof getService<'commissions'>>['eraseUser']>>;
    try {
      result = await getService(strapi, 'commissions').eraseUser(userId);
    } catch (error) {
      if (!(error instanceof WebhookSecretMissingError)) throw error;
      // The customer hash is keyed with the webhook secret: without it no user's rows can be found.
      throw new (strapiErrors().ApplicationError)('Erasure needs the `webhookSecret` option', { code: 'NO_WEBHOOK_SECRET' });
    }
    // Who asked and how much, never whom: the user id stays out of the logs.
    strapi.log.info(
      `[${PLUGIN_ID}] erasure requested by admin ${adminId(ctx) ?? '?'}: ${result.transactions} transactions anonymised`
    );
    ctx.body = { data: result };
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
