import type { Core } from '@strapi/strapi';
import { MERCHANT_OFFER_UID } from '../constants';
import { INTERNAL_UIDS } from '../commissions/ledger/guard';
import { offersQueryExtension } from './offers-query';

/** The part of @strapi/plugin-graphql's `extension` service used here (read from 5.54's shadow-crud-manager). */
interface ShadowCrud {
  disable(): ShadowCrud;
  disableMutations(): ShadowCrud;
  disableActions(actions: string[]): ShadowCrud;
}
interface GraphQLExtension {
  shadowCRUD(uid: string): ShadowCrud;
  use(extension: ReturnType<typeof offersQueryExtension>): void;
}

const WRITE_ACTIONS = ['create', 'update', 'delete'];

/**
 * From register(), before @strapi/plugin-graphql builds its schema in its bootstrap: the plugin's internal types (the
 * ledger, its outbox, reconciliation runs, job leases) get no
 * GraphQL type, query or mutation at all, merchant offers are read-only (the Content Manager edits them), and the
 * `buttonOffers` query serves live offers (graphql/offers-query.ts). Nothing happens when the GraphQL plugin is
 * not installed.
 */
export function configureGraphQL(strapi: Core.Strapi): boolean {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return false;
  const extension = graphql.service('extension') as unknown as GraphQLExtension;
  for (const uid of INTERNAL_UIDS) extension.shadowCRUD(uid).disable();
  extension.shadowCRUD(MERCHANT_OFFER_UID).disableMutations().disableActions(WRITE_ACTIONS);
  extension.use(offersQueryExtension(strapi));
  return true;
}
