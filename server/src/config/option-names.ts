/**
 * How messages name an option: its key under the plugin's config AND the environment variable the README's setup
 * reads it from. An app may fill `apiKey` from a secret manager, another variable or code, so "BUTTON_API_KEY is
 * not set" alone sends its operator looking for the wrong thing; the option's name is what the plugin really reads.
 */
export const README_ENV_VARS = {
  apiKey: 'BUTTON_API_KEY',
  baseUrl: 'BUTTON_API_BASE_URL',
  webhookSecret: 'BUTTON_WEBHOOK_SECRET',
  pubRefSecret: 'BUTTON_PUBREF_SECRET',
  'rateLimit.expectedInstances': 'BUTTON_RATE_LIMIT_EXPECTED_INSTANCES',
  'access.assertionSecret': 'BUTTON_ACCESS_ASSERTION_SECRET',
  'reconciliation.accountId': 'BUTTON_RECONCILIATION_ACCOUNT_ID',
} as const;

export type NamedOption = keyof typeof README_ENV_VARS;

/** "the `apiKey` option (BUTTON_API_KEY in the README's setup)" */
export function describeOption(option: NamedOption): string {
  return `the \`${option}\` option (${README_ENV_VARS[option]} in the README's setup)`;
}
