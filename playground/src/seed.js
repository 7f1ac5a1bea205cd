'use strict';

/**
 * First-start seeding for the playground: merchant-offer entries matching the simulator's catalogue (all but
 * the last merchant, so the demo shows an unmapped one too) and an admin user. Demo only.
 */

const { MERCHANTS } = require('../../simulator');

const UID = 'plugin::button-personalization.merchant-offer';
const DEFAULT_ADMIN_EMAIL = 'admin@example.com';
const DEFAULT_ADMIN_PASSWORD = 'Playground-Admin-1';

async function seedMerchantOffers(strapi) {
  if ((await strapi.documents(UID).count({})) > 0) return 0;
  const mapped = MERCHANTS.slice(0, -1);
  for (const [index, merchant] of mapped.entries()) {
    await strapi.documents(UID).create({
      data: {
        merchant_id: merchant.merchant_id,
        name: merchant.name,
        description: [{ type: 'paragraph', children: [{ type: 'text', text: merchant.description }] }],
        cta_label: merchant.cta_label,
        cta_url: `https://example.com/brands/${merchant.merchant_id}`,
        headline_template: index === 0 ? 'Up to {rate} back at {name}' : 'Earn {rate} back at {name}',
        priority: mapped.length - index,
        featured: index === 0,
        enabled: true,
      },
      status: 'published',
    });
  }
  return mapped.length;
}

async function seedAdminUser(strapi) {
  const email = process.env.PLAYGROUND_ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL;
  const password = process.env.PLAYGROUND_ADMIN_PASSWORD || DEFAULT_ADMIN_PASSWORD;
  const users = strapi.service('admin::user');
  if (await users.exists({ email })) return { email, created: false };
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  await users.create({
    email,
    firstname: 'Playground',
    lastname: 'Admin',
    password,
    isActive: true,
    registrationToken: null,
    roles: superAdmin ? [superAdmin.id] : [],
  });
  return { email, created: true };
}

module.exports = { seedMerchantOffers, seedAdminUser, DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD };
