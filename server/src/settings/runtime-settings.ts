import { z } from 'zod';
import { redactUrl } from '../config/redact-url';
import type { PluginConfig } from '../config/schema';

/**
 * The settings an admin may change at run time (stored in the plugin store), as opposed to the boot-time config.
 * Only non-secret, behaviour-only options belong here.
 */
export const runtimeSettingsSchema = z.strictObject({
  includeUnmapped: z.boolean({ error: 'must be true or false' }).optional(),
  defaultHeadlineTemplate: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(500, 'must be at most 500 characters')
    .optional(),
});

export type RuntimeSettings = z.output<typeof runtimeSettingsSchema>;
export type OffersSettings = PluginConfig['offers'];

/** What the offers endpoint uses: the boot config, overridden by whatever an admin saved. */
export function effectiveOffersSettings(config: PluginConfig, saved: RuntimeSettings): OffersSettings {
  return {
    includeUnmapped: saved.includeUnmapped ?? config.offers.includeUnmapped,
    defaultHeadlineTemplate: saved.defaultHeadlineTemplate ?? config.offers.defaultHeadlineTemplate,
  };
}

/**
 * The effective configuration for display: secrets reduced to whether they are set, never their values, and the
 * base URL without the credentials or query string it may carry.
 */
export function describeConfig(config: PluginConfig) {
  const { apiKey, webhookSecret, pubRefSecret, tls, baseUrl, redis, access, ...rest } = config;
  const { assertionSecret, ...accessOptions } = access;
  const { url: redisUrl, connection: redisConnection, ...redisOptions } = redis;
  return {
    ...rest,
    access: { ...accessOptions, assertionSecret: { set: assertionSecret !== undefined } },
    // The URL may carry a password: host and port only. An app's own connection is an object, never shown.
    redis: {
      ...redisOptions,
      url: redisUrl === undefined ? null : redactUrl(redisUrl),
      connection: { set: redisConnection !== undefined },
    },
    baseUrl: redactUrl(baseUrl),
    apiKey: { set: apiKey !== undefined },
    webhookSecret: { set: webhookSecret !== undefined },
    pubRefSecret: { set: pubRefSecret !== undefined },
    tls: { ca: { set: tls.ca !== undefined }, rejectUnauthorized: tls.rejectUnauthorized },
  };
}
