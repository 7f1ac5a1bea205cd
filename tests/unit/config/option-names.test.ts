import fs from 'node:fs';
import path from 'node:path';
import { describeOption, README_ENV_VARS, type NamedOption } from '../../../server/src/config/option-names';
import { parsePluginConfig } from '../../../server/src/config/schema';

/**
 * Messages name an option by its config key and by the variable the README's setup reads it from: both must be
 * what the README says, and the key must be a real option.
 */
const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

describe('how messages name an option', () => {
  it.each(Object.entries(README_ENV_VARS))('%s: the README maps it from %s', (option, variable) => {
    expect(readme).toContain(`| \`${option}\` | \`${variable}\` |`);
  });

  it.each(Object.keys(README_ENV_VARS))('%s is an option of the plugin config', (option) => {
    // Secrets are absent from the parsed config until set: set them all.
    const config = parsePluginConfig({
      apiKey: 'k',
      webhookSecret: 'w',
      pubRefSecret: 'p',
      access: { assertionSecret: 'a' },
      reconciliation: { accountId: 'acc-1' },
    }) as unknown as Record<string, unknown>;
    const [head, tail] = option.split('.') as [string, string | undefined];
    const parent = tail === undefined ? config : (config[head] as Record<string, unknown>);
    expect(Object.keys(parent)).toContain(tail ?? head);
  });

  it('names the option first, then where the README reads it from', () => {
    expect(describeOption('apiKey' as NamedOption)).toBe("the `apiKey` option (BUTTON_API_KEY in the README's setup)");
  });
});
