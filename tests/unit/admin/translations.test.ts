import fs from 'node:fs';
import path from 'node:path';

/**
 * The admin's strings: every `t('key', 'default')` in admin/src has its key in en.json with that same default
 * (so the English file is the source of truth and nothing renders a raw key), every locale file has exactly
 * the English keys, and no English key is left unused.
 */
const ADMIN_SRC = path.resolve(__dirname, '../../../admin/src');
const read = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(ADMIN_SRC, 'translations', file), 'utf8')) as Record<string, string>;
const en = read('en.json');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const CALL = /\bt\(\s*'([^']+)',\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
const used = new Map<string, string>();
for (const file of sourceFiles(ADMIN_SRC)) {
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(CALL)) used.set(match[1], (match[2] ?? match[3]).replace(/\\'/g, "'"));
  for (const match of text.matchAll(/getTranslation\('([^']+)'\)/g)) if (!used.has(match[1])) used.set(match[1], en[match[1]]);
}

describe('admin translations', () => {
  it('finds the calls', () => {
    expect(used.size).toBeGreaterThan(100);
  });

  it.each([...used.entries()])('en.json has %s with the default message used in the code', (key, defaultMessage) => {
    expect(en[key]).toBe(defaultMessage);
  });

  it('leaves no English key unused', () => {
    expect(Object.keys(en).filter((key) => !used.has(key) && !key.startsWith('plugin.'))).toEqual([]);
  });

  it.each(fs.readdirSync(path.join(ADMIN_SRC, 'translations')).filter((file) => file !== 'en.json'))(
    '%s has exactly the English keys, each translated with the same placeholders',
    (file) => {
      const other = read(file);
      expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const key of Object.keys(en)) expect([key, placeholders(other[key])]).toEqual([key, placeholders(en[key])]);
    }
  );
});
