import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { packedFiles } from '../helpers/packed-files';

/**
 * What the published package promises, checked against what it ships: the files `npm pack` would put in the
 * tarball (only what an app needs), the modules the built bundles load (each one declared), the Node range (no
 * lower than any dependency needs), and the metadata a marketplace listing reads. The install test
 * (tests/install/) then installs that tarball for real.
 */
const ROOT = path.resolve(__dirname, '../..');

interface Manifest {
  name: string;
  version: string;
  license: string;
  keywords: string[];
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
  author: { name: string; url?: string; email?: string };
  exports: Record<string, string | Record<string, string>>;
  files: string[];
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
  publishConfig: { access: string; provenance: boolean };
  strapi: { kind: string; name: string; displayName: string; description: string };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** Bare module names a built file loads (require() and import ... from), packages reduced to their name. */
function loadedModules(file: string): string[] {
  const code = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [
    ...[...code.matchAll(/\brequire\("([^"\n]+)"\)/g)].map((match) => match[1]!),
    ...[...code.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*"([^"\n]+)"/gm)].map((match) => match[1]!),
    ...[...code.matchAll(/\bimport\(\s*"([^"\n]+)"\s*\)/g)].map((match) => match[1]!),
  ];
  return [
    ...new Set(
      specifiers
        .filter((spec) => !spec.startsWith('.'))
        .map((spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!))
    ),
  ].sort();
}

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

describe('the published package', () => {
  const files = packedFiles(ROOT);

  it('ships only what an app needs: the bundles, the Strapi-free entries with their types, and the docs npm shows', () => {
    const unexpected = files.filter(
      (file) =>
        !/^(README\.md|LICENSE|CHANGELOG\.md|package\.json|strapi-server\.js|strapi-admin\.js)$/.test(file) &&
        !/^dist\/(admin|server)\/[^/]+\.(m?js)$/.test(file) &&
        !/^dist\/standalone\/.+\.(js|d\.ts)$/.test(file)
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((file) => file.endsWith('.d.ts') && !file.startsWith('dist/standalone/'))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'dist/server/index.js', 'dist/admin/index.mjs'])
    );
  });

  it('ships every file its exports point to', () => {
    const targets = Object.values(manifest.exports).flatMap((target) =>
      typeof target === 'string'
        ? [target]
        : Object.entries(target)
            .filter(([condition]) => condition !== 'source')
            .map(([, file]) => file)
    );
    for (const target of targets) expect(files).toContain(target.replace(/^\.\//, ''));
  });

  it('loads, at run time, only Node built-ins and packages it declares (server: dependencies; admin: peers)', () => {
    const server = [...loadedModules('dist/server/index.js'), ...loadedModules('dist/server/index.mjs')].filter(
      (name) => !isBuiltin(name)
    );
    expect(server.filter((name) => !(name in manifest.dependencies))).toEqual([]);
    const admin = files.filter((file) => /^dist\/admin\/.+\.m?js$/.test(file)).flatMap(loadedModules);
    expect(admin.filter((name) => !(name in manifest.peerDependencies))).toEqual([]);
  });

  it('does not declare @strapi/utils: npm would fill it with the newest version, not the copy Strapi runs', () => {
    // server/src/utils/strapi-errors.ts takes Strapi's error classes from Strapi's own copy instead.
    expect(manifest.peerDependencies['@strapi/utils']).toBeUndefined();
    expect(manifest.dependencies['@strapi/utils']).toBeUndefined();
  });

  it('declares a Strapi range whose floor ships the design system the admin peers accept', () => {
    const floor = semver.minVersion(manifest.peerDependencies['@strapi/strapi']!)!.version;
    expect(floor).toBe('5.31.3');
    // Strapi 5.31.3 is the first 5.x whose admin ships @strapi/design-system 2.0.1 (earlier: 2.0.0-rc.x).
    expect(semver.satisfies('2.0.1', manifest.peerDependencies['@strapi/design-system']!)).toBe(true);
    expect(semver.satisfies('2.0.0-rc.30', manifest.peerDependencies['@strapi/design-system']!)).toBe(false);
    expect(semver.satisfies('2.0.1', manifest.peerDependencies['@strapi/icons']!)).toBe(true);
  });

  it('asks for no Node older than its dependencies need', () => {
    const lowest = semver.minVersion(manifest.engines.node)!.version;
    for (const name of Object.keys(manifest.dependencies)) {
      // Read from node_modules: a package whose `exports` leave out ./package.json (lru-cache) cannot be resolved.
      const dependency = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        engines?: { node?: string };
      };
      if (dependency.engines?.node)
        expect({ name, ok: semver.satisfies(lowest, dependency.engines.node) }).toEqual({ name, ok: true });
    }
  });

  it('has the metadata npm and the Strapi marketplace read', () => {
    expect(manifest.strapi).toMatchObject({ kind: 'plugin', name: 'button-personalization' });
    expect(manifest.keywords).toEqual(expect.arrayContaining(['strapi', 'strapi-plugin', 'plugin']));
    expect(manifest.license).toBe('MIT');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(manifest.repository.url).toMatch(/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    expect(manifest.author.name).toBeTruthy();
    expect(manifest.publishConfig).toEqual({ access: 'public', provenance: true });
    for (const file of ['SECURITY.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'docs/logo.png', 'docs/logo.svg']) {
      expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
    }
  });

  it("keeps the playground's dependencies in step with the root's devDependencies (one install)", () => {
    const playground = JSON.parse(fs.readFileSync(path.join(ROOT, 'playground/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const [name, range] of Object.entries(playground.dependencies)) {
      expect({ name, range: manifest.devDependencies[name] }).toEqual({ name, range });
    }
  });
});
