import fs from 'node:fs';
import path from 'node:path';

/**
 * The admin shares the server's types, and only the server code that cannot pull Node modules (node:crypto, zod,
 * Strapi's server) into the browser bundle: a value import from server/src is allowed only from a module that itself
 * imports nothing at run time (a pure module such as the headline filler, so the live offer panel fills the headline
 * exactly as the offers endpoint does). Everything else is `import type`, and the contract the admin reads only
 * imports and re-exports types.
 */
const REPO = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every `import ... from '...'` / `export ... from '...'` statement of a file (multi-line ones included). */
const statements = (file: string) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/^(import|export)\b[^;]*?\bfrom\s+'([^']+)';/gms)].map((match) => ({
    text: match[0],
    from: match[2] as string,
  }));

describe('admin imports of server code', () => {
  const adminFiles = sourceFiles(path.join(REPO, 'admin/src'));

  it('finds the admin sources', () => {
    expect(adminFiles.length).toBeGreaterThan(10);
  });

  it.each(adminFiles.map((file) => [path.relative(REPO, file), file]))(
    '%s imports from server/src only types, or values of modules with no run-time imports',
    (_name, file) => {
      const valueImports = statements(file)
        .filter((statement) => statement.from.includes('/server/src/'))
        .filter((statement) => !/^(import|export) type\b/.test(statement.text));
      const unsafe = valueImports.filter((statement) => {
        const target = path.resolve(path.dirname(file), `${statement.from}.ts`);
        if (!fs.existsSync(target)) return true;
        return statements(target).some((inner) => !/^(import|export) type\b/.test(inner.text));
      });
      expect(unsafe.map((statement) => statement.text)).toEqual([]);
    }
  );

  it.each(['server/src/contracts/admin.ts', 'server/src/contracts/offers.ts'])('%s imports and re-exports only types', (name) => {
    const file = path.join(REPO, name);
    const values = statements(file).filter((statement) => !/^(import|export) type\b/.test(statement.text));
    expect(values.map((statement) => statement.text)).toEqual([]);
    // Nothing that exists at run time: only interfaces and type aliases.
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/^export (const|function|class|default|let|enum)\b/m);
  });
});
