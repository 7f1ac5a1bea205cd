import type { Core } from '@strapi/strapi';
import { MERCHANT_OFFER_UID } from '../constants';

/** The merchant-offer fields the "create draft" action prefills. */
export interface DraftData {
  merchant_id: string;
  name: string;
  enabled: boolean;
  priority: number;
}

/** Who asks for a draft, and what the Content Manager would let them create. */
export interface DraftAuthor {
  userId: number | string;
  /**
   * The Content Manager's own create check for merchant-offer, locale conditions included: the draft's data reduced
   * to the fields the admin may set, or null when the Content Manager would refuse the creation.
   */
  permitCreate(draft: { locale?: string; data: DraftData }): Promise<Partial<DraftData> | null>;
}

/** The subset of the Content Manager's `permission-checker` service used here (@strapi/content-manager 5.54). */
interface PermissionChecker {
  cannot: { create(entity?: object): boolean };
  sanitizeCreateInput(data: object): Promise<object>;
}
interface PermissionCheckerFactory {
  create(options: { userAbility: unknown; model: string }): PermissionChecker;
}

/**
 * Builds a DraftAuthor from an admin request's user and ability (`ctx.state.user`, `ctx.state.userAbility`), with the
 * checker the Content Manager itself uses for POST /content-manager/collection-types/:model: the plugin's own `read`
 * action must never let a role create content the Content Manager refuses it.
 */
export function contentManagerDraftAuthor(strapi: Core.Strapi, user: { id: number | string }, userAbility: unknown): DraftAuthor {
  const factory = strapi.plugin('content-manager').service('permission-checker') as unknown as PermissionCheckerFactory;
  const checker = factory.create({ userAbility, model: MERCHANT_OFFER_UID });
  return {
    userId: user.id,
    async permitCreate({ locale, data }) {
      // The model-level check is the Content Manager's; the entity-level one adds i18n's locale condition.
      if (checker.cannot.create() || checker.cannot.create(locale === undefined ? {} : { locale })) return null;
      return (await checker.sanitizeCreateInput(data)) as Partial<DraftData>;
    },
  };
}
