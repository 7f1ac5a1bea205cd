/**
 * The user's side of the README's install section, applied to a freshly scaffolded app: the plugin's block added to
 * the app's own `config/plugins` file (JavaScript or TypeScript, whatever the scaffold already configures kept).
 */

/** The plugin's block, word for word the README's install section (tests/unit/docs/readme-install.test.ts). */
export const PLUGIN_BLOCK = `  'button-personalization': {
    enabled: true,
    config: {
      apiKey: env('BUTTON_API_KEY'),
      baseUrl: env('BUTTON_API_BASE_URL', 'https://pubapi.usebutton.com'),
      webhookSecret: env('BUTTON_WEBHOOK_SECRET'),
      pubRefSecret: env('BUTTON_PUBREF_SECRET'),
    },
  },
`;

export function enablePluginIn(configSource: string): string {
  if (!configSource.includes('});')) throw new Error(`unexpected config/plugins shape:\n${configSource}`);
  // A scaffold's `() => ({...})` gets the `env` helper Strapi passes to config files.
  const withEnv = configSource.replace(/(module\.exports\s*=|export default)\s*\(\s*\)\s*=>/, '$1 ({ env }) =>');
  const at = withEnv.lastIndexOf('});');
  const before = withEnv.slice(0, at).replace(/\s*$/, '');
  const opener = before.endsWith('{') || before.endsWith(',') ? '\n' : ',\n';
  return `${before}${opener}${PLUGIN_BLOCK}${withEnv.slice(at)}`;
}

/** The README's example of a field of your own on merchant-offer (src/extensions/button-personalization/strapi-server.js). */
export const EXTENSION_SOURCE = `module.exports = (plugin) => {
  plugin.contentTypes['merchant-offer'].schema.attributes.badge = {
    type: 'string',
    maxLength: 40,
    pluginOptions: { i18n: { localized: true } },
  };
  return plugin;
};
`;
