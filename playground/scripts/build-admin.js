'use strict';

/**
 * Builds the playground's admin panel (what `strapi build` does).
 *
 * Why not the CLI: `strapi build` looks for a tsconfig.json in every parent folder and would take the
 * repository's own (the plugin's) for this app's, then try to compile the app as TypeScript. The playground is
 * plain JavaScript, so the build is called directly, with no tsconfig.
 */

const fs = require('node:fs');
const path = require('node:path');

const APP_DIR = path.resolve(__dirname, '..');
// A JavaScript app is its own dist folder, so the admin build lands in <app>/build.
const BUILD_INDEX = path.join(APP_DIR, 'build', 'index.html');

async function buildAdmin({ force = false } = {}) {
  if (!force && fs.existsSync(BUILD_INDEX)) return false;
  const strapiDir = path.dirname(require.resolve('@strapi/strapi/package.json'));
  const { build } = require(path.join(strapiDir, 'dist/src/node/build.js'));
  const { createLogger } = require(path.join(strapiDir, 'dist/src/cli/utils/logger.js'));
  // Vite resolves the generated entry (.strapi/client) against the working directory.
  const cwd = process.cwd();
  process.chdir(APP_DIR);
  await build({
    cwd: APP_DIR,
    logger: createLogger({ debug: false, silent: false, timestamp: false }),
    tsconfig: undefined,
    bundler: 'vite',
    minify: true,
    sourcemap: false,
    stats: false,
  }).finally(() => process.chdir(cwd));
  return true;
}

module.exports = { buildAdmin, BUILD_INDEX };

if (require.main === module) {
  buildAdmin({ force: true }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
