import type { Core } from '@strapi/strapi';
import { z } from 'zod';
import { contentManagerDraftAuthor, contentManagerLogoEditor } from '../merchants/draft-permission';
import type { MerchantId } from '../merchants/service';
import { getService } from '../utils/get-service';
import { strapiErrors } from '../utils/strapi-errors';
import { paginationQuery, parseOrThrow } from '../utils/validation';
import { MERCHANT_ID_PATTERN } from './brand';
import { IconImportError } from './icon';

type Context = Parameters<Core.MiddlewareHandler>[0];

/** The Media Library's own permission to add files: importing an icon adds one. */
const UPLOAD_CREATE = 'plugin::upload.assets.create';

const listQuerySchema = z.strictObject({
  q: z.string().max(200, 'must be at most 200 characters').optional(),
  mapping: z.enum(['mapped', 'unmapped', 'partial'], { error: 'must be mapped, unmapped or partial' }).optional(),
  status: z.enum(['partnered', 'removed'], { error: 'must be partnered or removed' }).optional(),
  offered: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((value) => value === 'true')
    .optional(),
  ...paginationQuery,
});

const historyQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(100).default(20),
});

const merchantParams = z.strictObject({
  merchant_id: z
    .string()
    .regex(MERCHANT_ID_PATTERN, 'must be a Button organization id (org-...)')
    .transform((id) => id as MerchantId),
});

const adminId = (ctx: Context): number | undefined => {
  const id = (ctx.state as { user?: { id?: unknown } }).user?.id;
  return typeof id === 'number' ? id : undefined;
};

const merchantIdOf = (ctx: Context) =>
  parseOrThrow(merchantParams, { merchant_id: String(ctx.params.merchantId) }, 'Invalid merchant id').merchant_id;

/** Strapi's error envelope, for the statuses its error classes do not cover (409, 413, 415, 422, 502). */
function refuse(ctx: Context, status: number, name: string, message: string, code: string) {
  ctx.status = status;
  ctx.body = { data: null, error: { status, name, message, details: { code } } };
}

const ERROR_NAMES: Record<number, string> = {
  404: 'NotFoundError',
  413: 'PayloadTooLargeError',
  415: 'UnsupportedMediaTypeError',
  422: 'UnprocessableEntityError',
  502: 'BadGatewayError',
};

const catalogueController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /button-personalization/catalogue: the mapping workspace, from what is stored. */
  async list(ctx: Context) {
    const query = parseOrThrow(listQuerySchema, ctx.query, 'Invalid catalogue query');
    ctx.body = await getService(strapi, 'catalogue').list(query);
  },

  /** GET /button-personalization/catalogue/brands/:merchantId: one stored brand, every detail. */
  async brand(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'catalogue').brand(merchantIdOf(ctx)) };
  },

  /**
   * GET /button-personalization/catalogue/brands/:merchantId/icon: the brand's icon as a data URL, for the admin to
   * show under Strapi's default CSP. The browser keeps it but asks again each time (no-cache with an entity tag of
   * the bytes): the URL stays the same when the catalogue changes the brand's icon, so a max-age would show the old
   * one; an unchanged icon costs a 304.
   */
  async icon(ctx: Context) {
    try {
      const { preview, etag } = await getService(strapi, 'catalogue').iconPreview(merchantIdOf(ctx));
      ctx.set('Cache-Control', 'private, no-cache');
      ctx.set('ETag', etag);
      ctx.status = 200;
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.body = { data: preview };
    } catch (error) {
      if (!(error instanceof IconImportError)) throw error;
      refuse(ctx, error.status, ERROR_NAMES[error.status] ?? 'ApplicationError', error.message, error.code);
    }
  },

  /** GET /button-personalization/catalogue/syncs: the newest syncs first, and the schedule. */
  async syncs(ctx: Context) {
    const { limit } = parseOrThrow(historyQuerySchema, ctx.query, 'Invalid history query');
    const catalogue = getService(strapi, 'catalogue');
    ctx.body = { data: await catalogue.syncHistory(limit), meta: catalogue.syncStatus() };
  },

  /** POST /button-personalization/catalogue/syncs: sync now (202), unless one is running (409). */
  async syncNow(ctx: Context) {
    const started = await getService(strapi, 'catalogue').startSync('manual', adminId(ctx));
    if (!started.started) {
      if (started.reason === 'running')
        return refuse(ctx, 409, 'ConflictError', 'A catalogue sync is already running', 'RUNNING');
      throw new (strapiErrors().ApplicationError)('Syncing the catalogue needs the `apiKey` option', { code: 'NOT_CONFIGURED' });
    }
    started.done.catch(() => undefined); // the sync records its own failure
    ctx.status = 202;
    ctx.body = { data: started.run };
  },

  /** POST /button-personalization/catalogue/:merchantId/entry: a draft prefilled from the catalogue. */
  async createEntry(ctx: Context) {
    const merchantId = merchantIdOf(ctx);
    const author = contentManagerDraftAuthor(strapi, ctx.state.user as { id: number }, ctx.state.userAbility);
    const result = await getService(strapi, 'catalogue').createEntry(merchantId, author);
    ctx.status = result.created ? 201 : 200;
    ctx.body = { data: result };
  },

  /** POST /button-personalization/catalogue/:merchantId/icon: the brand's icon into the Media Library. */
  async importIcon(ctx: Context) {
    const merchantId = merchantIdOf(ctx);
    const ability = ctx.state.userAbility as { can(action: string): boolean };
    if (!ability.can(UPLOAD_CREATE)) {
      throw new (strapiErrors().ForbiddenError)('Importing an icon needs the Media Library permission to upload files');
    }
    try {
      const result = await getService(strapi, 'catalogue').importIcon(merchantId, {
        userId: (ctx.state.user as { id: number }).id,
        logo: contentManagerLogoEditor(strapi, ctx.state.userAbility),
      });
      ctx.status = 201;
      ctx.body = { data: result };
    } catch (error) {
      if (!(error instanceof IconImportError)) throw error;
      refuse(ctx, error.status, ERROR_NAMES[error.status] ?? 'ApplicationError', error.message, error.code);
    }
  },
});

export default catalogueController;
