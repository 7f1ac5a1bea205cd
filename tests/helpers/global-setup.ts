import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@jest/types';
import { DIST_TARGETS, staleReason, type DistTarget } from './dist-freshness';

/**
 * Jest globalSetup: before any integration or browser suite, make sure `dist/` was built from the current sources.
 *
 * - Fresh (always the case under `npm test`, whose `pretest` just built): a stat of each source, well under a second.
 * - Stale on a developer's machine: runs `npm run build` once (10-25 s here) and goes on. Building beats failing:
 *   the fix is always the same command, and the build is deterministic. A run that selects unit tests only never
 *   builds (they import `src/`).
 * - Stale under CI (`CI` set) or with `TEST_BUILD=never`: fails at once with the fix. There `pretest` builds, so a
 *   stale `dist/` means the pipeline is wrong, and that should be loud rather than papered over.
 *
 * Do not run `npm run build` by hand while suites are running: it empties `dist/` first, and a suite booting
 * Strapi meanwhile fails to load the plugin.
 */
const ROOT = path.resolve(__dirname, '../..');
const SUITE_DIRS: Record<string, Array<DistTarget['name']>> = {
  'tests/integration': ['server'],
  'tests/e2e': ['server', 'admin'],
};

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

export interface Selection {
  /** Jest's combined path pattern (positional arguments and `--testPathPattern`); '' selects everything. */
  testPathPattern: string;
  testPathIgnorePatterns: string[];
  /** `--findRelatedTests` / `--onlyChanged`: the files cannot be known here, so assume every suite. */
  related?: boolean;
}

/** The builds the selected suites load: none for unit tests alone. */
export function targetsFor(selection: Selection, root: string = ROOT): DistTarget[] {
  const names = new Set<DistTarget['name']>();
  const pattern = new RegExp(selection.testPathPattern, 'i');
  const ignored = selection.testPathIgnorePatterns.map((source) => new RegExp(source));
  for (const [dir, needs] of Object.entries(SUITE_DIRS)) {
    const selected = testFiles(path.join(root, dir)).some(
      (file) => selection.related || (pattern.test(file) && !ignored.some((ignore) => ignore.test(file)))
    );
    if (selected) needs.forEach((name) => names.add(name));
  }
  return [...names].map((name) => DIST_TARGETS[name]);
}

export interface EnsureOptions {
  root: string;
  targets: DistTarget[];
  /** Build on demand (true) or fail with the fix (false). */
  buildOnDemand: boolean;
  build: () => void;
  log: (line: string) => void;
}

/** Builds (once) or throws when any target is stale; resolves to whether it built. */
export function ensureFreshDist({ root, targets, buildOnDemand, build, log }: EnsureOptions): boolean {
  const stale = targets.flatMap((target) => {
    const reason = staleReason(root, target);
    return reason ? [`dist/${target.name}: ${reason}`] : [];
  });
  if (!stale.length) return false;
  if (!buildOnDemand) {
    throw new Error(
      `The integration suites load the BUILT plugin, and dist/ is stale (${stale.join('; ')}).\n` +
        'Run `npm run build` and try again (`npm test` does it for you).'
    );
  }
  const started = Date.now();
  log(`dist/ is stale (${stale.join('; ')}): running \`npm run build\` first`);
  build();
  const still = targets.map((target) => staleReason(root, target)).filter((reason) => reason !== null);
  if (still.length) throw new Error(`\`npm run build\` ran but dist/ is still stale (${still.join('; ')})`);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

function npmRunBuild(): void {
  const result = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-4000);
    throw new Error(`\`npm run build\` failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
}

export default function globalSetup(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): void {
  const targets = targetsFor({
    testPathPattern: globalConfig.testPathPattern,
    testPathIgnorePatterns: projectConfig.testPathIgnorePatterns,
    related: globalConfig.findRelatedTests || globalConfig.onlyChanged,
  });
  ensureFreshDist({
    root: ROOT,
    targets,
    buildOnDemand: !process.env.CI && process.env.TEST_BUILD !== 'never',
    build: npmRunBuild,
    log: (line) => process.stdout.write(`[tests] ${line}\n`),
  });
}
