'use strict';

/**
 * Changesets' changelog lines: the summary as written (it starts with its Keep a Changelog category, e.g.
 * "Fixed: ..."), without the commit hash the default adds; keep-a-changelog.cjs then groups them.
 */
module.exports = {
  async getReleaseLine(changeset) {
    const [first, ...rest] = changeset.summary.trim().split('\n');
    return [`- ${first}`, ...rest.map((line) => (line.trim() ? `  ${line}` : ''))].join('\n');
  },
  async getDependencyReleaseLine() {
    return '';
  },
};
