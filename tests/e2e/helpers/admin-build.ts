import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { assertDistFresh, DIST_TARGETS } from '../../helpers/dist-freshness';

/**
 * The playground's admin panel, built with the CURRENT plugin admin. Strapi's admin build takes a local plugin's
 * admin from its package.json `exports['./strapi-admin'].import` (dist/admin/index.mjs), not from admin/src, so:
 * dist/admin must be newer than admin/src (`npm run build`, which `npm test` and Jest's globalSetup run first),
 * and the playground build is redone whenever dist/admin or the package manifests change (a hash stored next to
 * the build), since it takes about a minute.
 */
const REPO = path.resolve(__dirname, '../../..');
const PLAYGROUND = path.join(REPO, 'playground');
const BUILD_DIR = path.join(PLAYGROUND, 'build');
const HASH_FILE = path.join(BUILD_DIR, '.plugin-admin-hash');

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

/** Fails early, with the fix, when admin/src changed after the last plugin build (the globalSetup builds first). */
export function assertPluginAdminBuilt(): void {
  assertDistFresh(REPO, DIST_TARGETS.admin);
}

export function adminBuildHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...files(path.join(REPO, 'dist/admin')),
    path.join(REPO, 'package.json'),
    path.join(PLAYGROUND, 'package.json'),
    require.resolve('@strapi/strapi/package.json'),
  ];
  for (const file of inputs) hash.update(path.relative(REPO, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** Builds the playground admin when its inputs changed; resolves to whether it built. */
export async function ensurePlaygroundAdminBuilt(log: (line: string) => void = () => undefined): Promise<boolean> {
  assertPluginAdminBuilt();
  const hash = adminBuildHash();
  const current = fs.existsSync(HASH_FILE) ? fs.readFileSync(HASH_FILE, 'utf8').trim() : null;
  if (current === hash && fs.existsSync(path.join(BUILD_DIR, 'index.html'))) return false;
  log('building the playground admin panel (about a minute)');
  // A child process: Vite's build changes the working directory and holds a lot of memory.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PLAYGROUND, 'scripts/build-admin.js')], {
      cwd: REPO,
      env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`admin build failed (${code}):\n${output.slice(-4000)}`))
    );
  });
  fs.writeFileSync(HASH_FILE, `${hash}\n`);
  return true;
}
