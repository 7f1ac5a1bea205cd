import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';

/** The part of @strapi/plugin-documentation's `override` service used here (5.54). */
interface DocumentationOverride {
  excludeFromGeneration(api: string | string[]): void;
}

/**
 * From register(), before @strapi/plugin-documentation generates its document in its bootstrap. Its generator
 * describes a plugin's content types as CRUD schemas (`...TransactionRequest` and the like) for routes this plugin
 * does not have, and would publish the ledger's columns: the plugin is excluded from generation, which the
 * documentation plugin only does per API (a plugin), not per content type. The public endpoints are documented in
 * the README.
 */
export function excludeFromDocumentation(strapi: Core.Strapi): boolean {
  const documentation = strapi.plugin('documentation');
  if (!documentation) return false;
  (documentation.service('override') as unknown as DocumentationOverride).excludeFromGeneration(PLUGIN_ID);
  return true;
}
