// @ts-check
'use strict';

/**
 * The simulator's merchant catalogue and its deterministic offer generator.
 *
 * Offers are a pure function of (user id, merchant): tests and the benchmark can predict exactly what
 * the simulator will answer for any user without asking it, and the same user always sees the same rates.
 */

const { createHash } = require('node:crypto');

/** @typedef {{ merchant_id: string, name: string, category: string, cta_label: string, description: string }} CatalogueMerchant */

/** @type {CatalogueMerchant[]} */
const MERCHANTS = [
  {
    merchant_id: 'org-3a1f0c9e2b7d4e51',
    name: 'Northwind Shoes',
    category: 'Footwear',
    cta_label: 'Shop shoes',
    description: 'Running, trail and everyday shoes.',
  },
  {
    merchant_id: 'org-5b62d8e4a0c1f733',
    name: 'Blue Harbor Travel',
    category: 'Travel',
    cta_label: 'Book a trip',
    description: 'Hotels and flights worldwide.',
  },
  {
    merchant_id: 'org-7c04e1a9d3b8f265',
    name: 'Maple Grocers',
    category: 'Groceries',
    cta_label: 'Order groceries',
    description: 'Fresh groceries delivered.',
  },
  {
    merchant_id: 'org-1e9d7b3c5a2f0846',
    name: 'Copperline Electronics',
    category: 'Electronics',
    cta_label: 'Browse deals',
    description: 'Phones, laptops and accessories.',
  },
  {
    merchant_id: 'org-9f2a6c0e8d4b1357',
    name: 'Saffron Kitchen',
    category: 'Food delivery',
    cta_label: 'Order now',
    description: 'Meals from local restaurants.',
  },
  {
    merchant_id: 'org-2d8b4f6a1c9e3570',
    name: 'Lumen Beauty',
    category: 'Beauty',
    cta_label: 'Discover',
    description: 'Skincare and cosmetics.',
  },
];

/**
 * A stable 32-bit number from a string: the seed every generated value derives from.
 * @param {string} text
 */
function hash32(text) {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * Which merchants a user is eligible for, and their offers, exactly as the simulator answers them.
 * Every user is eligible for the first two merchants (so every test user has offers); each other merchant
 * is left out for about one user in four, the way Button's audiences vary per user.
 *
 * @param {string} userId
 * @param {{ merchantId?: string, merchants?: CatalogueMerchant[] }} [options]
 */
function offersFor(userId, options = {}) {
  const merchants = options.merchants ?? MERCHANTS;
  /** @type {Array<{ merchant_id: string, offers: ReturnType<typeof offersOfMerchant> }>} */
  const result = [];
  merchants.forEach((merchant, index) => {
    if (options.merchantId !== undefined && merchant.merchant_id !== options.merchantId) return;
    const seed = hash32(`${userId}|${merchant.merchant_id}`);
    if (index >= 2 && seed % 4 === 0) return;
    result.push({ merchant_id: merchant.merchant_id, offers: offersOfMerchant(merchant, seed) });
  });
  return result;
}

/**
 * One to three offers: a default percentage rate, sometimes a better category rate (ranked first),
 * sometimes a fixed bonus. Rates are decimal strings, as Button sends them.
 * @param {CatalogueMerchant} merchant
 * @param {number} seed
 */
function offersOfMerchant(merchant, seed) {
  const suffix = merchant.merchant_id.slice(4, 12);
  const basePercent = 1 + (seed % 80) / 10; // 1.0 .. 8.9
  const offers = [];
  const hasCategoryOffer = (seed >>> 8) % 2 === 0;
  const hasFixedOffer = (seed >>> 12) % 3 === 0;
  if (hasCategoryOffer) {
    offers.push({
      id: `offer-${suffix}-cat${(seed >>> 16) % 100}`,
      rate_percent: (basePercent + 2).toFixed(1),
      display_params: { category: merchant.category, offer_type: 'Category' },
    });
  }
  offers.push({
    id: `offer-${suffix}-def`,
    rate_percent: basePercent.toFixed(1),
    display_params: { offer_type: 'Default' },
  });
  if (hasFixedOffer) {
    offers.push({
      id: `offer-${suffix}-fix`,
      rate_fixed: (((seed >>> 20) % 5) + 1).toFixed(2),
      currency: 'USD',
      display_params: { offer_type: 'Default', offer_tag: 'bonus' },
    });
  }
  return offers.map((offer, i) => ({ ...offer, rank: i + 1 }));
}

module.exports = { MERCHANTS, offersFor, hash32 };
