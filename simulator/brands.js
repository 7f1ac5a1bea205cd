// @ts-check
'use strict';

/**
 * The simulator's brand catalogue: Button's Merchants API (`GET /v1/merchants?status=...`), the brand details
 * publishers use to fill their CMS. It starts consistent with the offers: every merchant the simulator offers is
 * an `approved` brand with the same id and name, plus a few `pending` and `available` brands it never offers.
 * Tests change it at run time (`put`, `remove`) to give a sync something to add, change and remove.
 */

const { deflateSync } = require('node:zlib');
const { MERCHANTS } = require('./catalogue');

/**
 * @typedef {'approved' | 'pending' | 'available'} BrandStatus
 * @typedef {{
 *   reporting_window_days: number | null,
 *   finalization_window_minutes: number | null,
 *   coupons_allowed: boolean | null,
 *   gift_cards_allowed: boolean | null,
 *   exclusion_details: string | null,
 *   other_terms: string | null,
 * }} BrandTerms
 * @typedef {{
 *   id: string,
 *   status: BrandStatus,
 *   name: string,
 *   description: string | null,
 *   urls: { homepage: string | null },
 *   icon_url: string | null,
 *   apps: Array<{ os: string, scheme: string }>,
 *   supported_hostnames: string[],
 *   subdomain: string | null,
 *   terms_and_conditions: BrandTerms,
 * }} Brand
 */

const STATUSES = new Set(['approved', 'pending', 'available']);
// Where the simulator serves each brand's icon; made absolute (to the host the client reached) when answered.
const ICON_PATH = '/__simulator/icons/';

/** @param {string} name */
const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '');

/**
 * A brand's details, derived from what the offers already say about the merchant.
 * @param {{ merchant_id: string, name: string, description: string, category?: string }} merchant
 * @param {number} index
 * @param {BrandStatus} [status]
 * @returns {Brand}
 */
function brandOf(merchant, index, status = 'approved') {
  const host = `www.${slug(merchant.name)}.example`;
  return {
    id: merchant.merchant_id,
    status,
    name: merchant.name,
    description: merchant.description,
    urls: { homepage: `https://${host}/` },
    icon_url: `${ICON_PATH}${merchant.merchant_id}.png`,
    apps: index % 2 === 0 ? [{ os: 'ios', scheme: `${slug(merchant.name)}://` }] : [],
    supported_hostnames: [host, `${slug(merchant.name)}.example`],
    subdomain: slug(merchant.name),
    terms_and_conditions: {
      reporting_window_days: 30 + index * 5,
      finalization_window_minutes: 60 * 24 * (30 + index * 5),
      coupons_allowed: index % 3 !== 0,
      gift_cards_allowed: index % 2 === 1,
      exclusion_details: index % 2 === 0 ? 'Gift cards and taxes are excluded.' : null,
      other_terms: `Rewards are confirmed after ${30 + index * 5} days.`,
    },
  };
}

/** Brands the publisher is not (yet) partnered with: in the catalogue, never offered. */
const OTHER_BRANDS = [
  { merchant_id: 'org-4c7e2a9b1d3f5061', name: 'Harbor Light Outdoors', description: 'Tents and camping gear.' },
  { merchant_id: 'org-6a1d3f5b7c9e2084', name: 'Quill & Page', description: 'Books and stationery.' },
  { merchant_id: 'org-8e3b5d7f9a1c4062', name: 'Tidewater Pets', description: 'Food and toys for pets.' },
];

/** @returns {Brand[]} */
function defaultBrands() {
  return [
    ...MERCHANTS.map((merchant, index) => brandOf(merchant, index)),
    brandOf(/** @type {(typeof OTHER_BRANDS)[number]} */ (OTHER_BRANDS[0]), MERCHANTS.length, 'pending'),
    brandOf(/** @type {(typeof OTHER_BRANDS)[number]} */ (OTHER_BRANDS[1]), MERCHANTS.length + 1, 'available'),
    brandOf(/** @type {(typeof OTHER_BRANDS)[number]} */ (OTHER_BRANDS[2]), MERCHANTS.length + 2, 'available'),
  ];
}

/**
 * @param {{ merchants?: Array<{ merchant_id: string, name: string, description: string }> }} [options]
 */
function createBrandCatalogue(options = {}) {
  /** @returns {Brand[]} */
  const initial = () =>
    options.merchants === undefined ? defaultBrands() : options.merchants.map((merchant, index) => brandOf(merchant, index));
  /** @type {Map<string, Brand>} */
  let brands = new Map(initial().map((brand) => [brand.id, brand]));

  return {
    /**
     * The brands of one status, ordered by id (what pages walk through), copies.
     * @param {BrandStatus} [status]
     */
    list(status = 'approved') {
      return [...brands.values()]
        .filter((brand) => brand.status === status)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((brand) => structuredClone(brand));
    },
    /** @param {string} id */
    get(id) {
      const brand = brands.get(id);
      return brand === undefined ? undefined : structuredClone(brand);
    },
    /**
     * Adds a brand or changes one: the given fields over the existing brand (or over a generated one for a new id).
     * @param {Partial<Brand> & { id: string }} input
     * @returns {Brand}
     */
    put(input) {
      if (input === null || typeof input !== 'object' || typeof input.id !== 'string' || input.id === '')
        throw new TypeError('a brand needs an id');
      if (input.status !== undefined && !STATUSES.has(input.status))
        throw new TypeError(`status must be one of ${[...STATUSES].join(', ')}`);
      const base =
        brands.get(input.id) ??
        brandOf({ merchant_id: input.id, name: input.name ?? input.id, description: input.description ?? '' }, brands.size);
      const brand = { ...base, ...structuredClone(input) };
      brands.set(brand.id, brand);
      return structuredClone(brand);
    },
    /** @param {string} id @returns {boolean} whether it was there */
    remove(id) {
      return brands.delete(id);
    },
    /** Back to the catalogue the simulator started with. */
    reset() {
      brands = new Map(initial().map((brand) => [brand.id, brand]));
    },
    get size() {
      return brands.size;
    },
  };
}

/**
 * A brand as the API answers it: the icon path made absolute to the host the client reached.
 * @param {Brand} brand
 * @param {string} origin
 */
function brandForAnswer(brand, origin) {
  const icon = brand.icon_url;
  return { ...brand, icon_url: typeof icon === 'string' && icon.startsWith('/') ? `${origin}${icon}` : icon };
}

/** A CRC-32 (PNG's chunk checksum). @param {Buffer} bytes */
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A real 16x16 RGB PNG of one colour, so an image library (Strapi's upload, sharp) accepts it.
 * @param {[number, number, number]} rgb
 */
function solidPng(rgb, size = 16) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', pixels),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const ICON_PNG = solidPng([0x2b, 0x6c, 0xb0]);

/**
 * Icons, and samples of what a careless CDN could serve, for the plugin's icon import tests:
 * `<id>.png` a real PNG for any brand id; `samples/large.png` 2 MB (PNG signature, then padding) sent without a
 * Content-Length; `samples/vector.svg` an SVG with a script; `samples/html.png` an HTML page declared as image/png;
 * anything else a 404.
 * @param {string} name the path after /__simulator/icons/
 * @returns {{ status: number, type: string, body: Buffer, chunked?: boolean }}
 */
function iconAnswer(name) {
  if (name === 'samples/large.png') {
    const body = Buffer.alloc(2 * 1024 * 1024, 0);
    ICON_PNG.copy(body, 0, 0, 8);
    return { status: 200, type: 'image/png', body, chunked: true };
  }
  if (name === 'samples/vector.svg') {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>';
    return { status: 200, type: 'image/svg+xml', body: Buffer.from(svg) };
  }
  if (name === 'samples/html.png') {
    return { status: 200, type: 'image/png', body: Buffer.from('<!doctype html><html><body>Not an image</body></html>') };
  }
  if (/^org-[A-Za-z0-9_-]+\.png$/.test(name)) return { status: 200, type: 'image/png', body: ICON_PNG };
  return { status: 404, type: 'text/plain', body: Buffer.from('Not found') };
}

module.exports = { createBrandCatalogue, brandForAnswer, iconAnswer, brandOf, ICON_PNG, ICON_PATH, STATUSES };
