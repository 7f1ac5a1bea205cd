import fs from 'node:fs';
import path from 'node:path';
import { EXTENSION_SOURCE, PLUGIN_BLOCK } from '../../install/app-config';

/**
 * The install test (tests/install/) applies the README's own snippets to fresh apps: the plugin's block in
 * config/plugins and the example extension. Here the README must still show exactly those, so what CI proves is
 * what users copy.
 */
const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

/** Every ```js block of the README, with the indentation of a list item removed. */
const jsBlocks = [...readme.matchAll(/^( *)```js\n([\s\S]*?)^\1```/gm)].map(([, indent, body]) =>
  body!
    .split('\n')
    .map((line) => line.slice(indent!.length))
    .join('\n')
);

describe("the README's install snippets are the ones the install test runs", () => {
  it('shows the config/plugins block the install test adds', () => {
    expect(jsBlocks.some((block) => block.includes(PLUGIN_BLOCK))).toBe(true);
  });

  it('shows the extension the install test adds to merchant-offer', () => {
    expect(jsBlocks).toContain(EXTENSION_SOURCE);
  });

  it('tells users to rebuild the admin after installing', () => {
    const install = readme.slice(readme.indexOf('## Install in an existing Strapi 5 app'), readme.indexOf('### Who may call'));
    expect(install).toContain('npm run build');
  });
});
