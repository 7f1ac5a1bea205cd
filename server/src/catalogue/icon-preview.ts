import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { IconImportError, type DownloadedIcon, type IconDownloadOptions, type IconRefusal } from './icon';

/**
 * Brand icons for the admin, served by the plugin instead of loaded from Button's CDN by the browser. Strapi's default
 * Content Security Policy lets the admin load images from itself and `data:` URLs only, so an `<img>` pointing at the
 * icon host shows nothing on a fresh install; a publisher should not have to loosen their CSP to see a logo. The icon
 * is downloaded with every check the Media Library import makes (icon.ts: no private hosts, no redirects, size and
 * type checked, never SVG) and answered as a `data:` URL.
 *
 * Icons are static catalogue data, so they are kept: by merchant and URL (a changed icon URL is a new key), bounded in
 * bytes, for an hour; a refusal for a minute, so a page of brands whose icons fail does not download them again on
 * every render; concurrent requests for one icon share one download.
 */
export interface IconPreview {
  type: DownloadedIcon['type'];
  data_url: string;
}

/** An icon as kept: the answer and its entity tag (a hash of the bytes), for the browser's revalidation. */
export interface KeptIcon {
  preview: IconPreview;
  etag: string;
}

type Cached = ({ ok: true } & KeptIcon) | { ok: false; code: IconRefusal; message: string; status: number };

export interface IconPreviewOptions {
  download: (url: string | null, options: IconDownloadOptions) => Promise<DownloadedIcon>;
  downloadOptions: () => IconDownloadOptions;
  /** What the kept icons may weigh in all, as data URLs. */
  maxCacheBytes?: number;
  ttlMs?: number;
  refusalTtlMs?: number;
}

// Preview icons are a few KB; the cap keeps a catalogue of large icons from holding more than this in memory.
const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;
const REFUSAL_SIZE = 256;

export function createIconPreviews(options: IconPreviewOptions) {
  const ttl = options.ttlMs ?? 60 * 60_000;
  const refusalTtl = options.refusalTtlMs ?? 60_000;
  const cache = new LRUCache<string, Cached, string | null>({
    maxSize: options.maxCacheBytes ?? DEFAULT_CACHE_BYTES,
    sizeCalculation: (value) => (value.ok ? value.preview.data_url.length : REFUSAL_SIZE),
    ttl,
    async fetchMethod(_key, _stale, { context: url, options: entry }) {
      try {
        const icon = await options.download(url, options.downloadOptions());
        return {
          ok: true,
          preview: { type: icon.type, data_url: `data:${icon.type};base64,${icon.bytes.toString('base64')}` },
          etag: `"${createHash('sha256').update(icon.bytes).digest('base64url').slice(0, 27)}"`,
        };
      } catch (error) {
        if (!(error instanceof IconImportError)) throw error;
        entry.ttl = refusalTtl;
        return { ok: false, code: error.code, message: error.message, status: error.status };
      }
    },
  });

  return {
    /** The brand's icon as a data URL, or the download's refusal (IconImportError) as the import would answer it. */
    async get(merchantId: string, url: string | null): Promise<KeptIcon> {
      const cached = await cache.fetch(`${merchantId}\n${url ?? ''}`, { context: url });
      if (cached === undefined) throw new IconImportError('ICON_UNREACHABLE', 'The icon could not be downloaded', 502);
      if (!cached.ok) throw new IconImportError(cached.code, cached.message, cached.status);
      return { preview: cached.preview, etag: cached.etag };
    },
  };
}

export type IconPreviews = ReturnType<typeof createIconPreviews>;
