import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';
import { parseOrThrow } from '../utils/validation';
import { runtimeSettingsSchema } from './runtime-settings';

type Context = Parameters<Core.MiddlewareHandler>[0];

const settingsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /button-personalization/settings */
  async get(ctx: Context) {
    ctx.body = { data: getService(strapi, 'settings').describe() };
  },

  /** PUT /button-personalization/settings: validated here, strictly; the service only sees the typed value. */
  async update(ctx: Context) {
    const next = parseOrThrow(runtimeSettingsSchema, ctx.request.body, 'Invalid settings');
    ctx.body = { data: await getService(strapi, 'settings').update(next) };
  },
});

export default settingsController;
