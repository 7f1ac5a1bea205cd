import { createRequire } from 'node:module';
import path from 'node:path';
import type { errors as StrapiUtilsErrors } from '@strapi/utils';

export type StrapiErrors = typeof StrapiUtilsErrors;

// One entry per app root: a process runs one Strapi app (the test suites boot a few, all from one root).
const loaded = new Map<string, StrapiErrors>();

/**
 * Strapi's error classes, taken from the very copy of @strapi/utils that Strapi itself runs.
 *
 * Strapi's error middleware and its GraphQL plugin recognise a 4xx by `instanceof` against THEIR copy of
 * @strapi/utils; an error built from any other copy is answered 500. A plugin cannot get that copy by declaring
 * @strapi/utils: npm fills a peer (or a dependency) with the newest published version, not the app's, and
 * the packed-tarball install test found exactly that (@strapi/utils 5.55.0 installed beside Strapi 5.54.0: every
 * 400 and 403 the plugin threw became a 500). So the classes are resolved the way Strapi resolves them: from the
 * app, to its @strapi/strapi, to its @strapi/core, to the @strapi/utils that core loads (Node's module cache then
 * hands back the same instance). Outside a running Strapi (unit tests) the app root is the working directory.
 */
export function strapiErrors(): StrapiErrors {
  const running = (globalThis as { strapi?: { dirs?: { app?: { root?: string } } } }).strapi;
  const root = running?.dirs?.app?.root ?? process.cwd();
  let errors = loaded.get(root);
  if (!errors) {
    const fromApp = createRequire(path.join(root, 'package.json'));
    const fromStrapi = createRequire(fromApp.resolve('@strapi/strapi'));
    const fromCore = createRequire(fromStrapi.resolve('@strapi/core'));
    errors = (fromCore('@strapi/utils') as { errors: StrapiErrors }).errors;
    loaded.set(root, errors);
  }
  return errors;
}
