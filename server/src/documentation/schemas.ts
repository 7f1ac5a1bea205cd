import { offersRequestSchema } from '../offers/request-schema';

/** Who may call the offers endpoint, and how: said once, in both OpenAPI documents. */
export const OFFERS_ACCESS_DESCRIPTION =
  'Send `Authorization: Bearer <API token or Users & Permissions JWT>` (the token or role needs ' +
  '`plugin::button-personalization.offers.find`). An API token must name `user_id`; a signed-in end user may omit it ' +
  '(it is taken from the account). A public caller (the Public role granted `find`) must send a signed user assertion ' +
  'in the `X-Button-User-Assertion` header and may omit `user_id`.';

/**
 * The offers request body for the OpenAPI documents: the schema the controller validates with
 * (offers/request-schema.ts), with a description, since @strapi/openapi has no header parameters.
 */
export const offersRequestDocSchema = offersRequestSchema.meta({
  description: `Whose offers to fetch, and how to merge them. ${OFFERS_ACCESS_DESCRIPTION} At most 10 identifiers in device_ids, email_sha256s and emails together.`,
});
