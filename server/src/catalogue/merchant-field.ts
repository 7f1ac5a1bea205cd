import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';

/**
 * The merchant picker as a Strapi custom field: `merchant_id` is declared `type: 'customField'` with this field's
 * uid, and Strapi swaps that for the underlying `string` once every plugin has registered (before the database
 * and the GraphQL schema are built). So the column, the GraphQL `String`, REST filters and the OpenAPI schema see a
 * plain string, and the attribute's own `required`, `unique`, `maxLength` and `regex` are enforced by Strapi's
 * entity validator exactly as before. Only the Content Manager's input changes (admin/src/components/MerchantPicker).
 *
 * Why a custom field: it is the public, documented way to give one attribute its own input, on both sides, in every
 * Strapi 5 release this plugin supports (since 4.4). The Content Manager's other hook, `app.addFields`, replaces the
 * input of a whole attribute type in every content type, not of one field. The field also appears in the
 * Content-Type Builder, so an app can use the picker in its own types (as a plain string with the same checks).
 */
export const MERCHANT_FIELD_NAME = 'merchant-id';
export const MERCHANT_FIELD_UID = `plugin::${PLUGIN_ID}.${MERCHANT_FIELD_NAME}` as const;

export function registerMerchantField(strapi: Core.Strapi): void {
  strapi.customFields.register({
    name: MERCHANT_FIELD_NAME,
    plugin: PLUGIN_ID,
    type: 'string',
    inputSize: { default: 6, isResizable: true },
  });
}
