import fs from 'node:fs';
import path from 'node:path';

/**
 * The source tree in CONTRIBUTING.md names every folder of server/src (and nothing that is gone), so
 * a capability added, moved or removed without its docs fails here instead of drifting.
 */
const ROOT = path.resolve(__dirname, '../../..');
const SERVER = path.join(ROOT, 'server/src');

const serverFolders = () =>
  fs
    .readdirSync(SERVER, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** The first fenced block that starts with `server/src/`, as the folder names it lists under it. */
function treeFolders(file: string): { server: string[]; topLevel: string[] } {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const block = /```\n(server\/src\/[\s\S]*?)```/.exec(text)?.[1];
  if (block === undefined) throw new Error(`${file} has no source tree starting with server/src/`);
  const server: string[] = [];
  const topLevel: string[] = [];
  let section = '';
  for (const line of block.split('\n')) {
    if (/^\S/.test(line)) {
      section = line.split(/\s+/)[0]!;
      topLevel.push(section);
      continue;
    }
    // Folders of server/src sit two spaces in (several may share a line); deeper indents are sub-folders, and
    // what follows a run of two spaces is a description.
    if (section !== 'server/src/' || !/^ {2}\S/.test(line)) continue;
    const names = line.trim().split(/ {2,}/)[0]!;
    for (const match of names.matchAll(/([a-z-]+)\//g)) server.push(match[1]!);
  }
  return { server: [...new Set(server)].sort(), topLevel };
}

describe.each(['CONTRIBUTING.md'])('the source tree in %s', (file) => {
  it('names exactly the folders of server/src', () => {
    expect(treeFolders(file).server).toEqual(serverFolders());
  });

  it('names only top-level paths that exist', () => {
    for (const entry of treeFolders(file).topLevel) expect(fs.existsSync(path.join(ROOT, entry))).toBe(true);
  });
});
