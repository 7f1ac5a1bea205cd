import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIST_TARGETS, assertDistFresh, staleReason } from '../../helpers/dist-freshness';
import { ensureFreshDist, targetsFor } from '../../helpers/global-setup';

/** A throwaway repository: sources, a build, and explicit mtimes (no sleeping). */
function tree() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-freshness-'));
  const write = (file: string, seconds: number) => {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, file);
    touch(file, seconds);
  };
  const touch = (file: string, seconds: number) => fs.utimesSync(path.join(root, file), seconds, seconds);
  write('server/src/index.ts', 1000);
  write('server/src/offers/merge.ts', 1000);
  write('admin/src/index.ts', 1000);
  for (const dir of ['server/src/offers', 'server/src', 'admin/src']) touch(dir, 1000);
  write('dist/server/index.js', 2000);
  write('dist/admin/index.mjs', 2000);
  return { root, write, touch };
}

const roots: string[] = [];
const fresh = () => {
  const made = tree();
  roots.push(made.root);
  return made;
};
afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

describe('staleReason', () => {
  it('is null when the build is newer than every source and directory', () => {
    const { root } = fresh();
    expect(staleReason(root, DIST_TARGETS.server)).toBeNull();
    expect(staleReason(root, DIST_TARGETS.admin)).toBeNull();
  });

  it('names a missing build', () => {
    const { root } = fresh();
    fs.rmSync(path.join(root, 'dist/server'), { recursive: true });
    expect(staleReason(root, DIST_TARGETS.server)).toBe('dist/server/index.js is missing');
    expect(() => assertDistFresh(root, DIST_TARGETS.server)).toThrow('run `npm run build`');
  });

  it('names the source edited after the build, per target', () => {
    const { root, touch } = fresh();
    touch('server/src/offers/merge.ts', 3000);
    expect(staleReason(root, DIST_TARGETS.server)).toBe('server/src/offers/merge.ts changed after the last build');
    expect(staleReason(root, DIST_TARGETS.admin)).toBeNull();
  });

  it('sees a deleted or added source through its directory', () => {
    const { root, touch } = fresh();
    fs.rmSync(path.join(root, 'server/src/offers/merge.ts'));
    touch('server/src/offers', 3000);
    expect(staleReason(root, DIST_TARGETS.server)).toBe('server/src/offers changed after the last build');
  });
});

describe('targetsFor (which builds the selected suites load)', () => {
  const { root, write } = fresh();
  write('tests/unit/offers/merge.test.ts', 1);
  write('tests/integration/offers-endpoint.test.ts', 1);
  write('tests/e2e/admin-panel.test.ts', 1);
  const names = (testPathPattern: string, testPathIgnorePatterns: string[] = [], related = false) =>
    targetsFor({ testPathPattern, testPathIgnorePatterns, related }, root).map((target) => target.name);

  it.each([
    ['tests/unit', []],
    ['tests/unit/offers/merge', []],
    ['tests/integration/offers-endpoint', ['server']],
    ['offers-endpoint', ['server']],
    ['tests/e2e', ['server', 'admin']],
    ['', ['server', 'admin']],
  ])('pattern %j needs %j', (pattern, expected) => {
    expect(names(pattern)).toEqual(expected);
  });

  it("follows testPathIgnorePatterns (npm test's first run leaves the browser suite out)", () => {
    expect(names('', ['/node_modules/', '/tests/e2e/'])).toEqual(['server']);
  });

  it('assumes every suite for --findRelatedTests / --onlyChanged', () => {
    expect(names('tests/unit', [], true)).toEqual(['server', 'admin']);
  });
});

describe('ensureFreshDist', () => {
  const targets = [DIST_TARGETS.server, DIST_TARGETS.admin];

  it('does nothing when the build is fresh (npm test: pretest just built)', () => {
    const { root } = fresh();
    const build = jest.fn();
    expect(ensureFreshDist({ root, targets, buildOnDemand: true, build, log: () => undefined })).toBe(false);
    expect(build).not.toHaveBeenCalled();
  });

  it('builds once on demand when stale, then checks again', () => {
    const { root, touch } = fresh();
    touch('server/src/index.ts', 3000);
    touch('admin/src/index.ts', 3000);
    const build = jest.fn(() => {
      touch('dist/server/index.js', 4000);
      touch('dist/admin/index.mjs', 4000);
    });
    const log = jest.fn();
    expect(ensureFreshDist({ root, targets, buildOnDemand: true, build, log })).toBe(true);
    expect(build).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toContain('dist/server: server/src/index.ts changed after the last build');
  });

  it('fails loudly, with the fix, when it may not build (CI)', () => {
    const { root, touch } = fresh();
    touch('server/src/offers/merge.ts', 3000);
    const build = jest.fn();
    expect(() => ensureFreshDist({ root, targets, buildOnDemand: false, build, log: () => undefined })).toThrow(
      /dist\/ is stale \(dist\/server: server\/src\/offers\/merge.ts changed after the last build\)[\s\S]*npm run build/
    );
    expect(build).not.toHaveBeenCalled();
  });

  it('fails when the build did not refresh dist/', () => {
    const { root, touch } = fresh();
    touch('server/src/index.ts', 3000);
    expect(() => ensureFreshDist({ root, targets, buildOnDemand: true, build: () => undefined, log: () => undefined })).toThrow(
      'still stale'
    );
  });
});
