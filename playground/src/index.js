'use strict';

const { seedAdminUser, seedEndUser, seedMerchantLogos, seedMerchantOffers } = require('./seed');

module.exports = {
  register() {},

  async bootstrap({ strapi }) {
    // Tests create exactly the content they assert on, so they turn seeding off.
    if (process.env.PLAYGROUND_SEED === 'false') return;
    const seeded = await seedMerchantOffers(strapi);
    if (seeded > 0) strapi.log.info(`[playground] seeded ${seeded} published merchant-offer entries`);
    // Logos are files in public/uploads that outlive a test's throw-away database: tests that do not look at them
    // (the cluster suite) turn them off.
    const logos = process.env.PLAYGROUND_SEED_LOGOS === 'false' ? 0 : await seedMerchantLogos(strapi);
    if (logos > 0) strapi.log.info(`[playground] attached ${logos} seeded merchant logos`);
    const admin = await seedAdminUser(strapi);
    if (admin.created) strapi.log.info(`[playground] created the admin user ${admin.email}`);
    const endUser = await seedEndUser(strapi);
    if (endUser.created) strapi.log.info(`[playground] created the example frontend's end user ${endUser.email}`);
    if (endUser.granted) strapi.log.info('[playground] allowed the Authenticated role to fetch its own offers');
  },
};
