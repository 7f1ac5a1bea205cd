import { spawnSync } from 'node:child_process';

/** What `npm pack` would put in the package's tarball: npm's own file list, not a guess, sorted. */
export function packedFiles(root: string): string[] {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`npm pack --dry-run failed:\n${result.stderr}`);
  const [pack] = JSON.parse(result.stdout) as [{ files: { path: string }[] }];
  return pack.files.map((file) => file.path).sort();
}
