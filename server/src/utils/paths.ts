import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, WEBHOOK_PATH } from '../constants';
import admin from '../routes/admin';
import contentApi from '../routes/content-api';

/**
 * Public paths of the plugin's routes, built from the route definitions and the app's REST prefix: the one source
 * for metric route labels, the Health page's webhook URL and the offers body guard.
 */
const collapse = (path: string): string => path.replace(/\/+/g, '/');

/** The app's `api.rest.prefix` (`/api` unless the app changed it). */
export function restPrefix(strapi: Pick<Core.Strapi, 'config'>): string {
  return strapi.config.get<string>('api.rest.prefix', '/api');
}

/** A content-API path of the plugin, as clients call it: `<prefix>/button-personalization<path>`. */
export const contentApiPath = (prefix: string, path: string): string => collapse(`/${prefix}/${PLUGIN_ID}/${path}`);

/** An admin path of the plugin, as the admin panel calls it: `/button-personalization<path>`. */
export const adminPath = (path: string): string => collapse(`/${PLUGIN_ID}/${path}`);

function routePath(routes: ReadonlyArray<{ path: string; handler: string }>, handler: string): string {
  const route = routes.find((candidate) => candidate.handler === handler);
  if (route === undefined) throw new Error(`no route has the handler ${handler}`);
  return route.path;
}

/** The offers controller's two routes, public and admin preview, as full paths: the `http_route` metric labels. */
export function offersRoutes(prefix: string): { find: string; preview: string } {
  return {
    find: contentApiPath(prefix, routePath(contentApi.routes, 'offers.find')),
    preview: adminPath(routePath(admin.routes, 'offers.preview')),
  };
}

/** Where Button must send webhooks: the server's public URL, the REST prefix and the webhook path. */
export function webhookUrl(serverUrl: string, prefix: string): string {
  return `${serverUrl.replace(/\/+$/, '')}${collapse(`/${prefix}/${WEBHOOK_PATH}`)}`;
}

/** The server's public URL: `server.url` when the app sets one, else what it listens on. */
export function serverUrl(strapi: Pick<Core.Strapi, 'config'>): string {
  const url = strapi.config.get<string>('server.url');
  return url ? String(url) : `http://${strapi.config.get('server.host')}:${strapi.config.get('server.port')}`;
}
