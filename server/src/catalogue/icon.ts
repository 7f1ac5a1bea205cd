import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, request } from 'undici';
import { httpUrl } from './brand';

/**
 * Downloads a brand's icon for the Media Library, server-side, refusing anything that is not plainly a small raster
 * image: http(s) only, no redirects (the URL is the one the catalogue stored, not one the server hands back), a
 * timeout, a size cap checked while the body streams (a missing or lying Content-Length changes nothing), a
 * declared type among PNG, JPEG, WebP and GIF (never SVG: it can carry script), and the first bytes matching it.
 */
export type IconRefusal =
  | 'ICON_MISSING' // the brand has no usable icon URL
  | 'ICON_UNREACHABLE' // connection, timeout, non-200, redirect
  | 'ICON_TOO_LARGE'
  | 'ICON_TYPE_REFUSED' // declared type not an allowed image (svg, html, none)
  | 'ICON_CONTENT_MISMATCH' // the bytes are not what the type says
  | 'ICON_HOST_REFUSED'; // the host is (or resolves to) a private, loopback or link-local address

export class IconImportError extends Error {
  constructor(
    readonly code: IconRefusal,
    message: string,
    /** The HTTP status the admin API answers. */
    readonly status: number
  ) {
    super(message);
    this.name = 'IconImportError';
  }
}

export type IconType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';
export const ICON_EXTENSIONS: Record<IconType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};
const ALIASES: Record<string, IconType> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg' };

export interface DownloadedIcon {
  bytes: Buffer;
  type: IconType;
}

export interface IconDownloadOptions {
  maxBytes: number;
  timeoutMs: number;
  tls?: { ca?: string | undefined; rejectUnauthorized?: boolean };
  /** Allow hosts on private networks (a local simulator, an icon mirror inside your network). Off by default. */
  allowPrivateHosts?: boolean;
}

/**
 * Addresses an icon download never connects to unless allowed: the server's own loopback, private and shared
 * networks, link-local (cloud metadata endpoints live there), and the unspecified and multicast ranges. An icon URL
 * comes from Button's catalogue: a bad entry must not make the CMS reach into its own network (SSRF).
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address is one the icon download refuses (IPv4-mapped IPv6 addresses are read as IPv4). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refused
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** dns.lookup for undici's connector, refusing private addresses (every address of a name: no partial answer). */
function publicLookup(
  hostname: string,
  options: object,
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void
): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused) return callback(new HostRefused(), []);
    const wantsAll = (options as { all?: boolean }).all === true;
    return wantsAll ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

class HostRefused extends Error {
  readonly code = 'ICON_HOST_REFUSED';
}

/** The declared Content-Type as an allowed icon type, or null. */
export function allowedType(header: string | string[] | undefined): IconType | null {
  const value = (Array.isArray(header) ? header[0] : header)?.split(';')[0]?.trim().toLowerCase();
  if (value === undefined || value === '') return null;
  const type = ALIASES[value] ?? value;
  return type in ICON_EXTENSIONS ? (type as IconType) : null;
}

/** The image type the first bytes say, or null. Pure. */
export function sniffType(bytes: Buffer): IconType | null {
  const starts = (signature: number[], at = 0) => signature.every((byte, i) => bytes[at + i] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}

export async function downloadIcon(iconUrl: string | null, options: IconDownloadOptions): Promise<DownloadedIcon> {
  const url = httpUrl(iconUrl);
  if (url === null) throw new IconImportError('ICON_MISSING', 'The brand has no http(s) icon URL in the catalogue', 404);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateHosts && isIP(host) !== 0 && isPrivateAddress(host)) throw hostRefused();
  const dispatcher = new Agent({
    connect: {
      timeout: options.timeoutMs,
      ...(options.allowPrivateHosts ? {} : { lookup: publicLookup }),
      ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
    },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const deadline = AbortSignal.timeout(options.timeoutMs);
  try {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        method: 'GET',
        dispatcher,
        signal: deadline,
        headers: { accept: 'image/png, image/jpeg, image/webp, image/gif', 'user-agent': 'strapi-plugin-button-personalization' },
      });
    } catch (error) {
      if (error instanceof HostRefused || (error as { cause?: unknown }).cause instanceof HostRefused) throw hostRefused();
      throw unreachable(`The icon could not be fetched: ${(error as Error).message}`);
    }
    const { statusCode, headers, body } = response;
    try {
      if (statusCode !== 200) throw unreachable(`The icon URL answered ${statusCode}`);
      const type = allowedType(headers['content-type']);
      if (type === null) {
        throw new IconImportError(
          'ICON_TYPE_REFUSED',
          `The icon is served as ${String(headers['content-type'] ?? 'no type')}: only PNG, JPEG, WebP and GIF are imported`,
          415
        );
      }
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) throw tooLarge(options.maxBytes);
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > options.maxBytes) throw tooLarge(options.maxBytes);
          chunks.push(chunk);
        }
      } catch (error) {
        if (error instanceof IconImportError) throw error;
        throw unreachable(`The icon download failed: ${(error as Error).message}`);
      }
      const bytes = Buffer.concat(chunks);
      if (sniffType(bytes) !== type) {
        throw new IconImportError('ICON_CONTENT_MISMATCH', `The icon's bytes are not a ${type} image, as it is served`, 422);
      }
      return { bytes, type };
    } finally {
      // An unread or half-read body must not hold the connection; undici reports the destroy as an abort error.
      body.on('error', () => undefined);
      body.destroy();
    }
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
}

const unreachable = (message: string) => new IconImportError('ICON_UNREACHABLE', message, 502);
const hostRefused = () =>
  new IconImportError(
    'ICON_HOST_REFUSED',
    "The icon's host is on a private network: set catalogue.iconPrivateHosts to allow it (a local mirror, a test simulator)",
    422
  );
const tooLarge = (maxBytes: number) =>
  new IconImportError('ICON_TOO_LARGE', `The icon is larger than ${maxBytes} bytes (catalogue.iconMaxBytes)`, 413);
