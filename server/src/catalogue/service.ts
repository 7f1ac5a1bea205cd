import type { ListClient } from '../button-client';
import type { PluginConfig } from '../config/schema';
import type { JobLocks } from '../jobs/lock';
import type { DraftAuthor, DraftPrefill, LogoEditor } from '../merchants/draft-permission';
import type { EntryRow } from '../merchants/entries';
import type { SeenMerchant } from '../merchants/registry';
import type { MerchantId } from '../merchants/service';
import { strapiErrors } from '../utils/strapi-errors';
import { downloadIcon, type DownloadedIcon, type IconDownloadOptions } from './icon';
import { createIconPreviews } from './icon-preview';
import type { IconMedia, MediaFile } from './media';
import { prefillFromBrand } from './prefill';
import { createCatalogueSyncs, type SyncTrigger } from './runs';
import { createBrandStore, type CatalogueQuery as TableQuery } from './store';
import { buildWorkspace, type CatalogueQuery } from './workspace';

/**
 * The brand catalogue: Button's Merchants API synced into the plugin's own table (on a schedule and on demand),
 * the mapping workspace built from it, and what editors do from it: create a prefilled entry, import an icon into
 * the Media Library. Everything but the sync reads only what is stored, so it all works while Button is down.
 */
export interface CatalogueServiceDeps {
  config: PluginConfig['catalogue'];
  tls: PluginConfig['tls'];
  lists: () => ListClient | undefined;
  brands: () => TableQuery;
  syncs: () => TableQuery;
  locks: JobLocks;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  now: () => Date;
  /** The merchant-offer rows (every locale and state) and the app's locales, default first. */
  entries: { rows(): Promise<EntryRow[]>; locales(): Promise<string[]>; defaultLocale(): Promise<string | undefined> };
  /** What Button's offers included, fleet-wide (merchants service). */
  seen: () => Promise<Array<[string, SeenMerchant]>>;
  createDraft: (
    merchantId: MerchantId,
    author: DraftAuthor,
    prefill: DraftPrefill
  ) => Promise<{ document_id: string; created: boolean }>;
  findDocumentId: (merchantId: string) => Promise<string | undefined>;
  media: IconMedia;
  /** How icons are fetched: the real download, or a fake in unit tests. */
  download?: (url: string | null, options: IconDownloadOptions) => Promise<DownloadedIcon>;
}

/** Offered "recently": within the last 30 days of offers responses. */
export const RECENTLY_OFFERED_MS = 30 * 24 * 3_600_000;

export function createCatalogueService(deps: CatalogueServiceDeps) {
  const store = createBrandStore(deps.brands);
  const syncs = createCatalogueSyncs({
    config: deps.config,
    lists: deps.lists,
    store,
    syncs: deps.syncs,
    locks: deps.locks,
    log: deps.log,
    now: deps.now,
  });
  const download = deps.download ?? downloadIcon;
  const iconOptions = (): IconDownloadOptions => ({
    maxBytes: deps.config.iconMaxBytes,
    timeoutMs: deps.config.iconTimeoutMs,
    allowPrivateHosts: deps.config.iconPrivateHosts,
    tls: deps.tls,
  });
  const previews = createIconPreviews({ download, downloadOptions: iconOptions });

  const brandOrNotFound = async (merchantId: string) => {
    const brand = await store.get(merchantId);
    if (brand === null) throw new (strapiErrors().NotFoundError)('This brand is not in the stored catalogue (sync it first)');
    return brand;
  };

  return {
    startSync: (trigger: SyncTrigger, requestedBy?: number) => syncs.start(trigger, requestedBy),
    stopSyncs: () => syncs.stop(),
    syncHistory: (limit?: number) => syncs.history(limit),
    syncStatus: () => syncs.status(),

    /** The mapping workspace (GET /catalogue), from what is stored. */
    async list(query: CatalogueQuery) {
      const [brands, entries, locales, seen, lastSync] = await Promise.all([
        store.all(),
        deps.entries.rows(),
        deps.entries.locales(),
        deps.seen(),
        syncs.lastFinished(),
      ]);
      const workspace = buildWorkspace(
        { brands, entries, locales, seen, now: deps.now().getTime(), recentMs: RECENTLY_OFFERED_MS },
        query
      );
      return { data: workspace.data, meta: { ...workspace.meta, last_sync: lastSync, ...syncs.status() } };
    },

    /** One stored brand, all its details (the picker and the prefill preview). */
    brand: (merchantId: string) => brandOrNotFound(merchantId),

    /**
     * The brand's icon for the admin to show, as a data URL with its entity tag (icon-preview.ts: Strapi's default CSP
     * blocks the icon host), from the URL the catalogue stored and with the import's checks; refusals throw
     * IconImportError.
     */
    async iconPreview(merchantId: string) {
      const brand = await brandOrNotFound(merchantId);
      return previews.get(brand.merchant_id, brand.icon_url);
    },

    /**
     * A draft merchant-offer prefilled from the catalogue (name, description, homepage as CTA URL, terms), under the
     * Content Manager's create permission; the existing entry when there is one.
     */
    async createEntry(merchantId: MerchantId, author: DraftAuthor) {
      const brand = await brandOrNotFound(merchantId);
      return deps.createDraft(merchantId, author, prefillFromBrand(brand));
    },

    /**
     * Downloads the brand's icon (from the URL the catalogue stored, nothing else), adds it to the Media Library and,
     * when the brand has an entry and the admin may edit its logo, sets it as the entry's logo (draft). Nothing is
     * left behind when a step fails: a refused download stores nothing, a failed assignment removes the file.
     */
    async importIcon(
      merchantId: string,
      admin: { userId: number | string; logo: LogoEditor }
    ): Promise<{ file: MediaFile; assigned_document_id: string | null }> {
      const brand = await brandOrNotFound(merchantId);
      const icon = await download(brand.icon_url, iconOptions());
      const file = await deps.media.upload(
        icon,
        { fileName: `${slug(brand.name) || 'brand'}-${brand.merchant_id}`, alternativeText: `${brand.name} logo` },
        admin.userId
      );
      const documentId = await deps.findDocumentId(merchantId);
      if (documentId === undefined) return { file, assigned_document_id: null };
      const locale = await deps.entries.defaultLocale();
      if (!(await admin.logo.permitLogo(locale === undefined ? {} : { locale }))) return { file, assigned_document_id: null };
      try {
        await deps.media.assignLogo(documentId, file.id, locale);
      } catch (error) {
        await deps.media
          .remove(file.id)
          .catch((removal: unknown) => deps.log.warn(`catalogue: removing the icon failed: ${String(removal)}`));
        throw error;
      }
      return { file, assigned_document_id: documentId };
    },
  };
}

export type CatalogueService = ReturnType<typeof createCatalogueService>;

const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
