'use strict';

/**
 * `npm test` (after the build and typecheck of `pretest`): every unit and integration suite in parallel, then the
 * cluster suite alone (three Strapi processes under minutes of load: beside the other suites on two cores it would
 * slow them past their timeouts, and them it), then the browser suite alone (it drives Chromium and a whole Strapi),
 * then the install test (`npm pack`, fresh create-strapi-app apps at both ends of the declared Strapi range, npm
 * installs and admin builds; nothing else running), then ONE closing line with the totals of all four runs.
 */

const path = require('node:path');
const { runCLI } = require('jest');

const ROOT = path.resolve(__dirname, '..');

async function main() {
  const serial = ['/tests/integration/cluster\\.test\\.ts$'];
  const suites = await runCLI(
    { _: [], $0: 'jest', testPathIgnorePatterns: ['/node_modules/', '/tests/e2e/', '/tests/install/', ...serial] },
    [ROOT]
  );
  const cluster = await runCLI({ _: ['tests/integration/cluster\\.test\\.ts$'], $0: 'jest', runInBand: true }, [ROOT]);
  const browser = await runCLI({ _: ['tests/e2e'], $0: 'jest', runInBand: true }, [ROOT]);
  // Its two suites (the lowest and the newest Strapi) side by side: each is mostly npm and the network.
  const install = await runCLI({ _: ['tests/install/'], $0: 'jest' }, [ROOT]);
  const runs = [suites.results, cluster.results, browser.results, install.results];
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
