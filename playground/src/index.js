'use strict';

const { seedAdminUser, seedMerchantOffers } = require('./seed');

module.exports = {
  register() {},

  async bootstrap({ strapi }) {
    // Tests create exactly the content they assert on, so they turn seeding off.
    if (process.env.PLAYGROUND_SEED === 'false') return;
    const seeded = await seedMerchantOffers(strapi);
    if (seeded > 0) strapi.log.info(`[playground] seeded ${seeded} published merchant-offer entries`);
    const admin = await seedAdminUser(strapi);
    if (admin.created) strapi.log.info(`[playground] created the admin user ${admin.email}`);
  },
};
