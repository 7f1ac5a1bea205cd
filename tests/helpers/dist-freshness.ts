import fs from 'node:fs';
import path from 'node:path';

/**
 * Is the built plugin (`dist/`) older than its sources? Integration and browser suites boot the playground, which
 * loads the plugin from `dist/` (its package.json exports), while the tests import helpers from `src/`: a stale
 * build would be tested silently. Modification times, not hashes: `npm run build` writes every output file, so
 * the entry's mtime is the build time, and a directory's own mtime also catches a deleted or renamed source.
 */
export interface DistTarget {
  name: 'server' | 'admin';
  /** Source directories, relative to the repository root. */
  sources: string[];
  /** The build output whose mtime stands for the build, relative to the repository root. */
  built: string;
}

export const DIST_TARGETS: Record<DistTarget['name'], DistTarget> = {
  server: { name: 'server', sources: ['server/src'], built: 'dist/server/index.js' },
  admin: { name: 'admin', sources: ['admin/src'], built: 'dist/admin/index.mjs' },
};

/** Every file and directory under `dir` (the directory included). */
function entries(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found = [dir];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...entries(full));
    else found.push(full);
  }
  return found;
}

/** Why `target`'s build is stale (missing, or a source changed after it), or null when it is fresh. */
export function staleReason(root: string, target: DistTarget): string | null {
  const built = path.join(root, target.built);
  if (!fs.existsSync(built)) return `${target.built} is missing`;
  const builtAt = fs.statSync(built).mtimeMs;
  for (const source of target.sources) {
    const newer = entries(path.join(root, source)).find((file) => fs.statSync(file).mtimeMs > builtAt);
    if (newer) return `${path.relative(root, newer)} changed after the last build`;
  }
  return null;
}

/** Throws, with the fix, when `target`'s build is stale. */
export function assertDistFresh(root: string, target: DistTarget): void {
  const reason = staleReason(root, target);
  if (reason) throw new Error(`dist/${target.name} is stale (${reason}): run \`npm run build\``);
}
