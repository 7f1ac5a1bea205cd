import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { documentationOverride } from './override';

/** The part of @strapi/plugin-documentation's `override` service used here (5.54). */
interface DocumentationOverride {
  excludeFromGeneration(api: string | string[]): void;
  registerOverride(
    override: Record<string, unknown>,
    options?: { pluginOrigin?: string; excludeFromGeneration?: string[] }
  ): void;
}

/**
 * From register(), before @strapi/plugin-documentation generates its document in its bootstrap. Its generator
 * describes a plugin's content types as CRUD schemas (`...TransactionRequest` and the like) for routes this plugin
 * does not have, and would publish the ledger's columns: the plugin is excluded from generation, which the
 * documentation plugin only does per API (a plugin), not per content type. The two public endpoints (offers and
 * the webhook) are added instead, hand-declared (override.ts), when the app lists the plugin in the documentation
 * config's `x-strapi-config.plugins` (the documentation plugin's rule for every plugin's override).
 */
export function excludeFromDocumentation(strapi: Core.Strapi): boolean {
  const documentation = strapi.plugin('documentation');
  if (!documentation) return false;
  const override = documentation.service('override') as unknown as DocumentationOverride;
  override.excludeFromGeneration(PLUGIN_ID);
  override.registerOverride(documentationOverride(), { pluginOrigin: PLUGIN_ID });
  return true;
}
