import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The README is also the package's page on npm, which resolves no relative link: every link and image in it is
 * either an anchor of the README itself or an absolute URL, and those into this repository (built from
 * package.json's `repository`, the one place that names it) point at files git tracks on main, and at headings
 * that exist in them.
 */
const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
};
const REPO = manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const OWNER_REPO = REPO.replace('https://github.com/', '');
const IN_REPO = [`${REPO}/blob/main/`, `${REPO}/tree/main/`, `https://raw.githubusercontent.com/${OWNER_REPO}/main/`];

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean));
const trackedDirs = new Set(
  [...tracked].flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/'))
  )
);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = heading!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

function linksOf(markdown: string): string[] {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [
    ...[...withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]!),
    ...[...withoutCode.matchAll(/<(?:img|a)\s[^>]*?(?:src|href)="([^"]+)"/g)].map((match) => match[1]!),
  ];
}

const links = linksOf(readme);

describe('the README as the npm page shows it', () => {
  it('has links to check', () => {
    expect(links.length).toBeGreaterThan(50);
  });

  it('has no relative link or image (npm would leave it broken)', () => {
    const relative = links.filter((link) => !/^(https:\/\/|#|mailto:)/.test(link));
    expect(relative).toEqual([]);
  });

  it("has only anchors that name one of the README's headings", () => {
    const anchors = anchorsOf(readme);
    const broken = links.filter((link) => link.startsWith('#') && !anchors.has(link.slice(1)));
    expect(broken).toEqual([]);
  });

  it('points into the repository only at files and folders git tracks, and at headings they have', () => {
    const broken: string[] = [];
    for (const link of links) {
      const base = IN_REPO.find((prefix) => link.startsWith(prefix));
      if (!base) continue;
      const [file, anchor] = decodeURIComponent(link.slice(base.length)).split('#') as [string, string | undefined];
      const target = file.replace(/\/$/, '');
      if (!tracked.has(target) && !trackedDirs.has(target)) {
        broken.push(`${link} (not tracked)`);
        continue;
      }
      if (anchor && !anchorsOf(fs.readFileSync(path.join(ROOT, target), 'utf8')).has(anchor))
        broken.push(`${link} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });

  it('shows its images from the repository (raw files), the logo under the title', () => {
    const images = links.filter((link) => /\.(png|svg|jpe?g|gif)$/.test(link));
    expect(images.length).toBeGreaterThan(5);
    for (const image of images) expect(image.startsWith(IN_REPO[2]!)).toBe(true);
    expect(readme.split('\n').slice(0, 4).join('\n')).toContain(`<img src="${IN_REPO[2]}docs/logo.png"`);
  });

  it('names the same repository in homepage, bugs and the README', () => {
    expect(manifest.homepage).toBe(`${REPO}#readme`);
    expect(manifest.bugs.url).toBe(`${REPO}/issues`);
    expect(links.some((link) => link.startsWith(`${REPO}/blob/main/CONTRIBUTING.md`))).toBe(true);
  });
});
