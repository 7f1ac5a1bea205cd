'use strict';

const fs = require('node:fs');
const { seedAdminUser, seedEndUser, seedMerchantLogos, seedMerchantOffers } = require('./seed');

/**
 * A publisher's commission hook, as the README shows it, for the demo and the tests: it credits a user once per
 * idempotency key (the key already in its journal: nothing to do), whatever the number of deliveries. With
 * PLAYGROUND_HOOK_JOURNAL=<file> it records every call in <file>.calls and every credit in <file>.credits (JSON
 * lines); PLAYGROUND_HOOK_DELAY_MS makes each call slow (a crash can land in the middle), and
 * PLAYGROUND_HOOK_FAIL_ATTEMPTS=N fails the first N deliveries of each change (retries).
 */
function registerCommissionHook(strapi) {
  const journal = process.env.PLAYGROUND_HOOK_JOURNAL;
  if (!journal) return;
  const delayMs = Number(process.env.PLAYGROUND_HOOK_DELAY_MS ?? 0);
  const failAttempts = Number(process.env.PLAYGROUND_HOOK_FAIL_ATTEMPTS ?? 0);
  const read = (file) =>
    fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
  const credited = new Set(read(`${journal}.credits`).map((entry) => entry.key));
  strapi
    .plugin('button-personalization')
    .service('commissions')
    .onStateChange(async (change, delivery) => {
      fs.appendFileSync(
        `${journal}.calls`,
        `${JSON.stringify({ key: delivery.idempotencyKey, attempt: delivery.attempt, tx: change.transactionId, status: change.status, pid: process.pid })}\n`
      );
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (delivery.attempt <= failAttempts) throw new Error(`failing delivery ${delivery.attempt} on purpose`);
      if (credited.has(delivery.idempotencyKey)) return; // already credited: a redelivery
      fs.appendFileSync(
        `${journal}.credits`,
        `${JSON.stringify({ key: delivery.idempotencyKey, tx: change.transactionId, status: change.status })}\n`
      );
      credited.add(delivery.idempotencyKey);
    });
}

module.exports = {
  register() {},

  async bootstrap({ strapi }) {
    registerCommissionHook(strapi);
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
