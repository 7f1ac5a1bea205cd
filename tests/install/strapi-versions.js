'use strict';

/**
 * Which Strapi versions the install test runs: the two ends of the range this package declares.
 *
 * - lowest: the smallest version the `@strapi/strapi` peer range admits (it must install: if it does not, the range
 *   is a lie and the test says so);
 * - newest: the highest published version in the range whose WHOLE Strapi family is published too. Strapi
 *   releases its packages in lockstep and a registry (or a mirror) can hold `@strapi/strapi` X before
 *   `@strapi/admin` X: such an X is not installable, so it is not "the newest installable".
 *
 * create-strapi-app is not released with every Strapi version, so each app is scaffolded by the newest
 * create-strapi-app at or below its target, and its Strapi packages pinned to the target (what `@strapi/upgrade`
 * leaves an older app with).
 *
 * `node tests/install/strapi-versions.js` prints the choice as JSON (the test runs it as a child process, since
 * Jest needs its cases before any async work). `INSTALL_TEST_STRAPI_VERSIONS="5.31.3 5.54.0"` pins the versions.
 */

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const semver = require('semver');

const ROOT = path.resolve(__dirname, '../..');

/** The packages every Strapi 5 app installs at exactly its Strapi version (the scaffold's and @strapi/strapi's). */
const LOCKSTEP = [
  '@strapi/strapi',
  '@strapi/admin',
  '@strapi/core',
  '@strapi/content-manager',
  '@strapi/content-type-builder',
  '@strapi/content-releases',
  '@strapi/review-workflows',
  '@strapi/database',
  '@strapi/data-transfer',
  '@strapi/email',
  '@strapi/i18n',
  '@strapi/upload',
  '@strapi/utils',
  '@strapi/types',
  '@strapi/permissions',
  '@strapi/plugin-users-permissions',
  '@strapi/plugin-cloud',
];

/**
 * The decision itself, from what is published (kept apart from the network for its unit test).
 * `published` maps each package name (LOCKSTEP and 'create-strapi-app') to its published versions.
 */
const stable = (versions) => versions.filter((version) => semver.valid(version) && !semver.prerelease(version));

/** The newest create-strapi-app of the same major at or below `version`. */
function scaffolderFor(version, published) {
  const candidates = stable(published['create-strapi-app'] ?? []).filter(
    (candidate) => semver.major(candidate) === semver.major(version) && semver.lte(candidate, version)
  );
  const best = semver.rsort(candidates)[0];
  if (!best) throw new Error(`no create-strapi-app ${semver.major(version)}.x at or below ${version} is published`);
  return best;
}

function chooseVersions(peerRange, published) {
  const installable = (version) => LOCKSTEP.every((name) => (published[name] ?? []).includes(version));

  const floor = semver.minVersion(peerRange);
  if (!floor) throw new Error(`the peer range ${peerRange} admits no version`);
  const lowest = floor.version;
  if (!installable(lowest)) {
    const missing = LOCKSTEP.filter((name) => !(published[name] ?? []).includes(lowest));
    throw new Error(`the declared lowest Strapi ${lowest} cannot be installed: ${missing.join(', ')} ${lowest} not published`);
  }
  const newest = semver
    .rsort(stable(published['@strapi/strapi'] ?? []).filter((v) => semver.satisfies(v, peerRange)))
    .filter(installable)
    .at(0);
  if (!newest) throw new Error(`no installable @strapi/strapi satisfies ${peerRange}`);
  const versions = lowest === newest ? [lowest] : [lowest, newest];
  return versions.map((version) => ({ strapi: version, createStrapiApp: scaffolderFor(version, published) }));
}

function registryUrl() {
  try {
    return execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', cwd: ROOT }).trim().replace(/\/$/, '');
  } catch {
    return 'https://registry.npmjs.org';
  }
}

async function publishedVersions(registry, name) {
  // The abbreviated ("corgi") document: versions only, a fraction of the full packument.
  const response = await fetch(`${registry}/${name.replace('/', '%2f')}`, {
    headers: { accept: 'application/vnd.npm.install-v1+json' },
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`${name}: the registry answered ${response.status}`);
  const document = await response.json();
  return Object.keys(document.versions ?? {});
}

async function resolveVersions() {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const peerRange = manifest.peerDependencies['@strapi/strapi'];
  const pinned = (process.env.INSTALL_TEST_STRAPI_VERSIONS ?? '').split(/[\s,]+/).filter(Boolean);
  const registry = registryUrl();
  const names = [...LOCKSTEP, 'create-strapi-app'];
  const lists = await Promise.all(names.map((name) => publishedVersions(registry, name)));
  const published = Object.fromEntries(names.map((name, index) => [name, lists[index]]));
  if (pinned.length > 0) {
    return {
      peerRange,
      versions: pinned.map((version) => ({ strapi: version, createStrapiApp: scaffolderFor(version, published) })),
    };
  }
  return { peerRange, versions: chooseVersions(peerRange, published) };
}

module.exports = { chooseVersions, scaffolderFor, resolveVersions, LOCKSTEP };

if (require.main === module) {
  resolveVersions().then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  );
}
