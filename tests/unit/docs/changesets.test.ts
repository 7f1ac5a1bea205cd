import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Versioning: every pending changeset states a valid bump for this package and a Keep a Changelog category, and
 * the release command (`changeset version`, the real CLI, then .changeset/keep-a-changelog.cjs) turns changesets
 * into a Keep a Changelog section of CHANGELOG.md, in a copy of the repository's own files.
 */
const ROOT = path.resolve(__dirname, '../../..');
const PACKAGE = 'strapi-plugin-button-personalization';
const CHANGESET_BIN = path.join(ROOT, 'node_modules/@changesets/cli/bin.js');
const CATEGORY = /^(Added|Changed|Deprecated|Removed|Fixed|Security): \S/;

function pendingChangesets(dir: string): string[] {
  return fs.readdirSync(dir).filter((file) => file.endsWith('.md') && file !== 'README.md');
}

/** A changeset's front matter and summary (the format @changesets/parse reads). */
function parseChangeset(text: string): { releases: Record<string, string>; summary: string } {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`not a changeset:\n${text}`);
  const releases = Object.fromEntries(
    match[1]!.split('\n').map((line) => {
      const [, name, bump] = /^["']?([^"':]+)["']?:\s*(\S+)$/.exec(line.trim()) ?? [];
      return [name, bump];
    })
  );
  return { releases, summary: match[2]!.trim() };
}

describe('pending changesets', () => {
  it('each name this package only, a bump, and a summary starting with its Keep a Changelog category', () => {
    for (const file of pendingChangesets(path.join(ROOT, '.changeset'))) {
      const { releases, summary } = parseChangeset(fs.readFileSync(path.join(ROOT, '.changeset', file), 'utf8'));
      expect({ file, packages: Object.keys(releases) }).toEqual({ file, packages: [PACKAGE] });
      expect(['patch', 'minor', 'major']).toContain(releases[PACKAGE]);
      expect(summary).toMatch(CATEGORY);
    }
  });
});

describe('npm run release:version', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'button-release-'));
    fs.mkdirSync(path.join(dir, '.changeset'));
    for (const file of ['config.json', 'changelog.cjs', 'keep-a-changelog.cjs']) {
      fs.copyFileSync(path.join(ROOT, '.changeset', file), path.join(dir, '.changeset', file));
    }
    fs.copyFileSync(path.join(ROOT, 'CHANGELOG.md'), path.join(dir, 'CHANGELOG.md'));
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name: manifest.name, version: '0.1.0', repository: manifest.repository }, null, 2)}\n`
    );
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const changeset = (name: string, bump: string, summary: string) =>
      fs.writeFileSync(path.join(dir, '.changeset', `${name}.md`), `---\n'${PACKAGE}': ${bump}\n---\n\n${summary}\n`);
    changeset('new-option', 'minor', 'Added: `offers.maxMerchants` caps the merchants served.');
    changeset('fix-locale', 'patch', 'Fixed: a locale in upper case is matched.\n\nIt was refused with a 400 before.');
    changeset('no-category', 'patch', 'Faster pubRef decoding.');

    const version = spawnSync(process.execPath, [CHANGESET_BIN, 'version'], { cwd: dir, encoding: 'utf8' });
    if (version.status !== 0) throw new Error(`changeset version failed:\n${version.stdout}${version.stderr}`);
    const rewrite = spawnSync(process.execPath, ['.changeset/keep-a-changelog.cjs', '--date', '2026-12-01'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (rewrite.status !== 0) throw new Error(`keep-a-changelog failed:\n${rewrite.stderr}`);
  }, 60_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const changelog = () => fs.readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8');

  it('bumps the version by the largest bump and consumes the changesets', () => {
    expect((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version).toBe('0.2.0');
    expect(pendingChangesets(path.join(dir, '.changeset'))).toEqual([]);
  });

  it("writes a Keep a Changelog section under Unreleased, grouped by category, the summaries' prefixes dropped", () => {
    expect(changelog()).toContain(
      [
        '## [Unreleased]',
        '',
        '## [0.2.0] - 2026-12-01',
        '',
        '### Added',
        '',
        '- `offers.maxMerchants` caps the merchants served.',
        '',
        '### Fixed',
        '',
        '- A locale in upper case is matched.',
        '',
        '  It was refused with a 400 before.',
        '- Faster pubRef decoding.',
        '',
        '## [0.1.0] - 2026-11-26',
      ].join('\n')
    );
    expect(changelog()).not.toMatch(/^## 0\.2\.0|### (Minor|Patch) Changes/m);
  });

  it('keeps the title and preamble on top and updates the compare links', () => {
    const text = changelog();
    expect(text.startsWith('# Changelog\n\nAll notable changes')).toBe(true);
    expect(text).toMatch(/^\[Unreleased\]: https:\/\/github\.com\/.+\/compare\/v0\.2\.0\.\.\.HEAD$/m);
    expect(text).toMatch(/^\[0\.2\.0\]: https:\/\/github\.com\/.+\/compare\/v0\.1\.0\.\.\.v0\.2\.0$/m);
  });
});

describe('CHANGELOG.md', () => {
  it("has the released version's section, in Keep a Changelog form", () => {
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const text = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    expect(text).toContain('## [Unreleased]');
    expect(text).toMatch(new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
    expect(text).toMatch(new RegExp(`^\\[${version.replace(/\./g, '\\.')}\\]: https://`, 'm'));
  });
});
