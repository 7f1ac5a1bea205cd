// @ts-check
'use strict';

/** The Button simulator's public surface, for tests, the playground demo and the benchmark. */
const { createButtonSimulator, validateOffersRequest, TEST_CA_PATH } = require('./server');
const { MERCHANTS, offersFor } = require('./catalogue');
const { createWebhookSender, transaction, webhookEvent, signBody } = require('./webhooks');
const { LATENCY_PROFILES, latencyProfile } = require('./profiles');
const { createTransactionStore } = require('./transactions');
const { createBrandCatalogue, ICON_PNG } = require('./brands');

module.exports = {
  createButtonSimulator,
  validateOffersRequest,
  TEST_CA_PATH,
  MERCHANTS,
  offersFor,
  createWebhookSender,
  transaction,
  webhookEvent,
  signBody,
  createTransactionStore,
  createBrandCatalogue,
  ICON_PNG,
  LATENCY_PROFILES,
  latencyProfile,
};
