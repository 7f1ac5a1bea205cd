'use strict';

/**
 * After `changeset version`: rewrites the section Changesets just put under CHANGELOG.md's title
 * ("## 0.2.0", "### Minor Changes", "- Added: ...") into Keep a Changelog's form, below "## [Unreleased]":
 * "## [0.2.0] - 2026-12-01", "### Added", "- ...", with the compare links at the bottom updated. Changesets groups by
 * bump and cannot be told otherwise; the category comes from each summary's prefix, or from its bump when it has
 * none (major: Changed, minor: Added, patch: Fixed).
 *
 * `node .changeset/keep-a-changelog.cjs [CHANGELOG.md] [--date YYYY-MM-DD]` (npm run release:version runs it).
 */

const fs = require('node:fs');
const path = require('node:path');

const CATEGORIES = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'];
const BY_BUMP = { Major: 'Changed', Minor: 'Added', Patch: 'Fixed' };

/** The list items under one "### X Changes" heading, each with its continuation lines. */
function entriesOf(lines) {
  const entries = [];
  for (const line of lines) {
    if (line.startsWith('- ')) entries.push([line.slice(2)]);
    else if (entries.length > 0) entries.at(-1).push(line.trim() === '' ? '' : line.replace(/^\s{2}/, ''));
  }
  for (const entry of entries) while (entry.at(-1) === '') entry.pop();
  return entries;
}

function rewrite(changelog, { date, repositoryUrl }) {
  const lines = changelog.split('\n');
  const title = lines[0];
  const unreleasedAt = lines.findIndex((line) => line.trim() === '## [Unreleased]');
  if (unreleasedAt === -1) throw new Error('CHANGELOG.md has no "## [Unreleased]" heading');
  const generated = lines.slice(1, unreleasedAt);
  const versionAt = generated.findIndex((line) => /^## \d+\.\d+\.\d+/.test(line));
  if (versionAt === -1) return changelog; // nothing new from Changesets
  const version = generated[versionAt].slice(3).trim();

  // Changesets' block runs from its "## x.y.z" to the first line that is neither a heading of its own, a list
  // item, a continuation nor blank: the hand-written preamble that followed the title.
  let end = versionAt + 1;
  while (end < generated.length && /^(### (Major|Minor|Patch) Changes|- | {2}|\s*$)/.test(generated[end])) end += 1;
  const block = generated.slice(versionAt + 1, end);
  const preamble = [...generated.slice(0, versionAt), ...generated.slice(end)];

  const grouped = new Map(CATEGORIES.map((category) => [category, []]));
  let bump = 'Patch';
  let section = [];
  const flush = () => {
    for (const entry of entriesOf(section)) {
      const match = /^(Added|Changed|Deprecated|Removed|Fixed|Security):\s*/.exec(entry[0]);
      const category = match ? match[1] : BY_BUMP[bump];
      const text = entry[0].slice(match ? match[0].length : 0);
      grouped.get(category).push([text.charAt(0).toUpperCase() + text.slice(1), ...entry.slice(1)]);
    }
    section = [];
  };
  for (const line of block) {
    const heading = /^### (Major|Minor|Patch) Changes/.exec(line);
    if (heading) {
      flush();
      bump = heading[1];
    } else section.push(line);
  }
  flush();

  const release = [`## [${version}] - ${date}`, ''];
  for (const [category, entries] of grouped) {
    if (entries.length === 0) continue;
    release.push(`### ${category}`, '');
    for (const [first, ...rest] of entries) release.push(`- ${first}`, ...rest.map((line) => (line ? `  ${line}` : '')));
    release.push('');
  }

  const rest = lines.slice(unreleasedAt + 1);
  const previous = rest.map((line) => /^## \[(\d+\.\d+\.\d+[^\]]*)\]/.exec(line)?.[1]).find(Boolean);
  const body = [title, ...trimBlank(preamble), '## [Unreleased]', '', ...release, ...trimBlankStart(rest)];
  let text = body.join('\n');
  text = text.replace(/^\[Unreleased\]: .*$/m, `[Unreleased]: ${repositoryUrl}/compare/v${version}...HEAD`);
  const link = previous
    ? `[${version}]: ${repositoryUrl}/compare/v${previous}...v${version}`
    : `[${version}]: ${repositoryUrl}/releases/tag/v${version}`;
  text = text.replace(/^(\[Unreleased\]: .*)$/m, `$1\n${link}`);
  return text;
}

function trimBlankStart(lines) {
  const first = lines.findIndex((line) => line.trim() !== '');
  return first === -1 ? [] : lines.slice(first);
}

function trimBlank(lines) {
  const kept = trimBlankStart(lines);
  while (kept.length > 0 && kept.at(-1).trim() === '') kept.pop();
  return ['', ...kept, ''];
}

module.exports = { rewrite };

if (require.main === module) {
  const args = process.argv.slice(2);
  const dateAt = args.indexOf('--date');
  const date = dateAt === -1 ? new Date().toISOString().slice(0, 10) : args.splice(dateAt, 2)[1];
  const file = path.resolve(args[0] ?? 'CHANGELOG.md');
  const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(file), 'package.json'), 'utf8'));
  const repositoryUrl = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  fs.writeFileSync(file, rewrite(fs.readFileSync(file, 'utf8'), { date, repositoryUrl }));
}
