import type { Core } from '@strapi/strapi';
import { MERCHANT_OFFER_UID } from '../constants';

/** Strapi's blocks (rich text) as the prefill writes them: plain paragraphs. */
export type ParagraphBlocks = Array<{ type: 'paragraph'; children: Array<{ type: 'text'; text: string }> }>;

/** What a prefill may add (from Button's catalogue): name, description, CTA URL, terms. */
export interface DraftPrefill {
  name?: string;
  description?: ParagraphBlocks;
  cta_url?: string;
  terms?: string;
}

/** The merchant-offer fields the "create draft" action prefills. */
export interface DraftData extends DraftPrefill {
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
  cannot: { create(entity?: object): boolean; update(entity?: object): boolean };
  sanitizeCreateInput(data: object): Promise<object>;
  sanitizeUpdateInput(entity: object): (data: object) => Promise<object>;
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

/** Whether the Content Manager would let this admin set an entry's logo (update, the `logo` field, that locale). */
export interface LogoEditor {
  permitLogo(entry: { locale?: string }): Promise<boolean>;
}

export function contentManagerLogoEditor(strapi: Core.Strapi, userAbility: unknown): LogoEditor {
  const factory = strapi.plugin('content-manager').service('permission-checker') as unknown as PermissionCheckerFactory;
  const checker = factory.create({ userAbility, model: MERCHANT_OFFER_UID });
  return {
    async permitLogo({ locale }) {
      const entity = locale === undefined ? {} : { locale };
      if (checker.cannot.update() || checker.cannot.update(entity)) return false;
      const permitted = (await checker.sanitizeUpdateInput(entity)({ logo: 1 })) as { logo?: unknown };
      return permitted.logo !== undefined;
    },
  };
}
