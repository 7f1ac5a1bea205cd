'use strict';

/**
 * `npm test` (after the build and typecheck of `pretest`): every unit and integration suite in parallel, then
 * the browser suite alone (it drives Chromium and a whole Strapi, and must not compete with the Strapi suites),
 * then ONE closing line with the totals of both runs.
 */

const path = require('node:path');
const { runCLI } = require('jest');

const ROOT = path.resolve(__dirname, '..');

async function main() {
  const suites = await runCLI({ _: [], $0: 'jest', testPathIgnorePatterns: ['/node_modules/', '/tests/e2e/'] }, [ROOT]);
  const browser = await runCLI({ _: ['tests/e2e'], $0: 'jest', runInBand: true }, [ROOT]);
  const runs = [suites.results, browser.results];
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  const failed = sum('numFailedTests') + sum('numRuntimeErrorTestSuites');
  process.stdout.write(
    `\ntests: ${sum('numPassedTests')} passed, ${failed} failed, ${sum('numPendingTests') + sum('numTodoTests')} skipped\n`
  );
  process.exitCode = runs.every((run) => run.success) && failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
