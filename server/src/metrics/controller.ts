import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';

type Context = Parameters<Core.MiddlewareHandler>[0];

const metricsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /api/button-personalization/metrics: Prometheus text format, for a token with the scrape permission. */
  async scrape(ctx: Context) {
    const { registry } = getService(strapi, 'metrics');
    ctx.set('Content-Type', registry.contentType);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await registry.metrics();
  },
});

export default metricsController;
