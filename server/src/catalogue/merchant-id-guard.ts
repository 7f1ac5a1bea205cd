import type { Core } from '@strapi/strapi';
import { MERCHANT_OFFER_UID } from '../constants';
import { strapiErrors } from '../utils/strapi-errors';

/**
 * merchant_id's rules on drafts too. Strapi checks an attribute's `regex` and `unique` only when the entry is
 * published (its entity validator skips both for drafts), so before the picker a draft could hold `northwind` or
 * another entry's id until someone tried to publish it. Now that any text typed in the picker is kept as the id,
 * every write through the Document Service (Content Manager, REST, GraphQL, code) is checked here: a non-empty
 * merchant_id must match the schema's regex and length, and no other merchant-offer document may hold it in the same
 * locale (draft or published): Strapi's own `unique` rule, which lets a publisher keep one document per locale for a
 * merchant. An empty value is left to Strapi: `required` is a publication rule for drafts.
 * The rules are read from the attribute itself (schema.json), so they live in one place.
 */
const WRITES = new Set(['create', 'update', 'clone']);

interface MerchantIdRule {
  regex: RegExp;
  maxLength: number;
}

/** Why a value breaks the rule, or null. Pure. */
export function merchantIdProblem(value: string, rule: MerchantIdRule): string | null {
  if (value.length > rule.maxLength) return `merchant_id must be at most ${rule.maxLength} characters`;
  if (!rule.regex.test(value)) return `merchant_id must match ${rule.regex.source} (a Button organization id)`;
  return null;
}

function refuse(value: string, message: string): never {
  const { ValidationError } = strapiErrors();
  throw new ValidationError(message, {
    errors: [{ path: ['merchant_id'], message, name: 'ValidationError', value }],
  });
}

/** The locale a write without one goes to (i18n's default), or undefined without i18n. */
async function defaultLocale(strapi: Core.Strapi): Promise<string | undefined> {
  const locales = strapi.plugin('i18n')?.service('locales') as { getDefaultLocale?: () => Promise<string> } | undefined;
  return locales?.getDefaultLocale ? locales.getDefaultLocale() : undefined;
}

export function installMerchantIdGuard(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== MERCHANT_OFFER_UID || !WRITES.has(context.action)) return next();
    const params = context.params as { data?: { merchant_id?: unknown }; documentId?: string; locale?: unknown };
    const value = params.data?.merchant_id;
    if (typeof value !== 'string' || value === '') return next();

    const attribute = strapi.contentType(MERCHANT_OFFER_UID).attributes.merchant_id as { regex?: string; maxLength?: number };
    const problem = merchantIdProblem(value, {
      regex: new RegExp(attribute.regex ?? '^org-[A-Za-z0-9_-]+$'),
      maxLength: attribute.maxLength ?? 64,
    });
    if (problem) refuse(value, problem);

    // `clone` makes a new document: its source's id is not an exemption.
    const self = context.action === 'update' ? params.documentId : undefined;
    const locale = typeof params.locale === 'string' && params.locale !== '*' ? params.locale : await defaultLocale(strapi);
    const taken = await strapi.db.query(MERCHANT_OFFER_UID).findOne({
      select: ['documentId'],
      where: {
        merchant_id: value,
        ...(locale === undefined ? {} : { locale }),
        ...(self ? { documentId: { $ne: self } } : {}),
      },
    });
    if (taken) refuse(value, `merchant_id must be unique: another merchant offer already uses ${value}`);
    return next();
  });
}
