'use strict';

/**
 * First-start seeding for the playground: merchant-offer entries matching the simulator's catalogue (all but
 * the last merchant, so the demo shows an unmapped one too) with a logo each, an admin user, and a signed-in end
 * user for the example frontend (playground/public/example) with the Authenticated role allowed to ask for its
 * own offers. Every step is idempotent. Demo only: the passwords below are printed by `npm run demo`.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MERCHANTS } = require('../../simulator');

const UID = 'plugin::button-personalization.merchant-offer';
const FILE_UID = 'plugin::upload.file';
const OFFERS_ACTION = 'plugin::button-personalization.offers.find';
const DEFAULT_ADMIN_EMAIL = 'admin@example.com';
const DEFAULT_ADMIN_PASSWORD = 'Playground-Admin-1';
const DEFAULT_END_USER_EMAIL = 'demo-user@example.com';
const DEFAULT_END_USER_PASSWORD = 'Demo-User-Password-1';
const LOGO_COLORS = ['#1f6feb', '#0e7c86', '#2f8f3a', '#b35c00', '#c2410c', '#9d174d'];

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

/** A square SVG logo: the merchant's initials on a colour of its own (no binary asset in the repository). */
function logoSvg(merchant, index) {
  const initials = merchant.name
    .split(/\s+/)
    .map((word) => word[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <rect width="128" height="128" rx="28" fill="${LOGO_COLORS[index % LOGO_COLORS.length]}"/>
  <text x="64" y="78" font-family="Helvetica, Arial, sans-serif" font-size="48" font-weight="700" fill="#ffffff" text-anchor="middle">${initials}</text>
</svg>
`;
}

/**
 * Gives each seeded entry a logo, once: a logo file already in the Media Library under the seeded name means this
 * ran before (an admin who since removed or replaced the logo keeps that choice). Entries seeded before logos
 * were part of the seed get theirs on the next start. Returns how many logos were attached.
 */
async function seedMerchantLogos(strapi) {
  const mapped = MERCHANTS.slice(0, -1);
  let attached = 0;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-logos-'));
  try {
    for (const [index, merchant] of mapped.entries()) {
      const name = `${merchant.merchant_id}-logo.svg`;
      if (await strapi.db.query(FILE_UID).findOne({ where: { name } })) continue;
      const entry = await strapi.documents(UID).findFirst({ filters: { merchant_id: merchant.merchant_id }, populate: ['logo'] });
      if (!entry || entry.logo) continue;
      const filepath = path.join(scratch, name);
      fs.writeFileSync(filepath, logoSvg(merchant, index));
      const [file] = await strapi
        .plugin('upload')
        .service('upload')
        .upload({
          data: { fileInfo: { name, alternativeText: `${merchant.name} logo` } },
          files: { filepath, originalFilename: name, mimetype: 'image/svg+xml', size: fs.statSync(filepath).size },
        });
      const published = await strapi.documents(UID).findOne({ documentId: entry.documentId, status: 'published' });
      await strapi.documents(UID).update({ documentId: entry.documentId, data: { logo: file.id } });
      if (published) await strapi.documents(UID).publish({ documentId: entry.documentId });
      attached += 1;
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return attached;
}

/**
 * The example frontend's end user (Users & Permissions, confirmed, Authenticated role) and that role's permission
 * to call the offers endpoint, which then answers with the signed-in user's own offers.
 */
async function seedEndUser(strapi) {
  const email = process.env.PLAYGROUND_END_USER_EMAIL || DEFAULT_END_USER_EMAIL;
  const password = process.env.PLAYGROUND_END_USER_PASSWORD || DEFAULT_END_USER_PASSWORD;
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  if (!role) return { email, created: false, granted: false };
  let granted = false;
  const permissions = strapi.db.query('plugin::users-permissions.permission');
  if (!(await permissions.findOne({ where: { action: OFFERS_ACTION, role: role.id } }))) {
    await permissions.create({ data: { action: OFFERS_ACTION, role: role.id } });
    granted = true;
  }
  const users = strapi.db.query('plugin::users-permissions.user');
  if (await users.findOne({ where: { email } })) return { email, created: false, granted };
  await strapi
    .plugin('users-permissions')
    .service('user')
    .add({
      username: email.split('@')[0],
      email,
      password,
      provider: 'local',
      confirmed: true,
      blocked: false,
      role: role.id,
    });
  return { email, created: true, granted };
}

module.exports = {
  seedMerchantOffers,
  seedMerchantLogos,
  seedAdminUser,
  seedEndUser,
  DEFAULT_ADMIN_EMAIL,
  DEFAULT_ADMIN_PASSWORD,
  DEFAULT_END_USER_EMAIL,
  DEFAULT_END_USER_PASSWORD,
};
