import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packedFiles } from '../helpers/packed-files';

/**
 * The package's `./types` and `./node` entries, as a user's project gets them: the files `npm pack` would ship,
 * installed in a temporary project OUTSIDE this repository (so nothing resolves to our node_modules by accident:
 * no Strapi, no zod, only @types/node), then
 * - compiled with `strict`, WITHOUT `skipLibCheck`, under moduleResolution node16, nodenext (a CommonJS and an ESM
 *   file each: the entries are CommonJS, imported by name from ESM), bundler, and node10 (through `typesVersions`);
 * - run from plain Node, CommonJS and ESM, with no @strapi package anywhere it could resolve one.
 */
const ROOT = path.resolve(__dirname, '../..');
const NAME = 'strapi-plugin-button-personalization';
const TSC = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
const TYPES_NODE = fs.realpathSync(path.join(ROOT, 'node_modules/@types/node'));
const ENTRY_TSCONFIG = 'server/tsconfig.public-api.json';

let project: string;
let installed: string;

const run = (args: string[], cwd: string): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 });

const output = (result: SpawnSyncReturns<string>) => `${result.stdout}${result.stderr}`;

/** The entries' build (`npm run build` ends with it): rebuilt here when a source it compiles is newer. */
function ensureEntriesBuilt(): void {
  const built = path.join(ROOT, 'dist/standalone/public-api/node.js');
  const sources = ['server/src/public-api', 'server/src/pub-ref', 'server/src/access', 'server/src/commissions/intake']
    .map((dir) => path.join(ROOT, dir))
    .flatMap((dir) => fs.readdirSync(dir).map((file) => path.join(dir, file)))
    .concat(
      ENTRY_TSCONFIG,
      'server/src/contracts/offers.ts',
      'server/src/button-client/errors.ts',
      'server/src/config/option-names.ts'
    )
    .map((file) => path.resolve(ROOT, file));
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (sources.every((file) => fs.statSync(file).mtimeMs <= builtAt)) return;
  if (process.env.CI) throw new Error('dist/standalone is missing or stale: run `npm run build`');
  const result = run([TSC, '-p', ENTRY_TSCONFIG], ROOT);
  if (result.status !== 0) throw new Error(`building the entries failed:\n${output(result)}`);
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
}

// One user file, compiled as CommonJS (.cts), ESM (.mts) and for a bundler (.ts).
const USER_CODE = `
import type {
  OffersErrorCode,
  OffersErrorResponse,
  OffersRequest,
  OffersResponse,
  PluginConfigInput,
} from '${NAME}/types';
import {
  checkWebhookSignature,
  decodePubRef,
  encodePubRef,
  mintUserAssertion,
  signWebhookBody,
  verifyUserAssertion,
  type DecodedPubRef,
  type SignatureCheck,
} from '${NAME}/node';

export const request: OffersRequest = { user_id: 'user-1', merchant_id: 'org-1', device_ids: ['idfa'] };
export const fromAssertion: OffersRequest = {};
export const config: PluginConfigInput = {
  apiKey: process.env.BUTTON_API_KEY,
  pubRefSecret: '',
  redis: { url: null, keyPrefix: 'app:' },
  access: { assertionSecret: process.env.BUTTON_ASSERTION_SECRET, assertionMaxTtlSeconds: 900 },
  fairUse: { perUserPerMinute: 30 },
};

export function describe(body: OffersResponse | OffersErrorResponse): string {
  if (body.data === null) {
    const code: OffersErrorCode | undefined = body.error.details.code;
    return code === 'CIRCUIT_OPEN' || code === 'USER_ASSERTION_REQUIRED' ? code : body.error.message;
  }
  return body.data.map((merchant) => merchant.offers.map((offer) => offer.pub_ref).join(',')).join(';') + body.meta.request_id;
}

export const token: string = mintUserAssertion({ userId: 'user-1', secret: 'shared', ttlSeconds: 900 });
const checked = verifyUserAssertion(token, { secret: 'shared', maxTtlSeconds: 3600 });
export const who: string = checked.ok ? checked.userId : checked.reason;
const pubRef: string = encodePubRef({ id: 'offer-1', rate_percent: '4.5', rate_fixed: null, currency: null }, 'k', 'user-1');
export const decoded: DecodedPubRef = decodePubRef(pubRef, 'k', 'user-1');
export const signature: SignatureCheck = checkWebhookSignature(Buffer.from('{}'), signWebhookBody('{}', 'w'), 'w');

// @ts-expect-error user_id is a string
export const badRequest: OffersRequest = { user_id: 42 };
// @ts-expect-error not an error code the endpoint answers
export const badCode: OffersErrorCode = 'NO_SUCH_CODE';
// @ts-expect-error not an option
export const badConfig: PluginConfigInput = { apiKay: 'typo' };
`;

function tsconfig(name: string, options: Record<string, unknown>, files: string[]): void {
  write(
    name,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        target: 'ES2022',
        lib: ['ES2022'],
        types: ['node'],
        typeRoots: ['./node_modules/@types'],
        ...options,
      },
      files,
    })
  );
}

beforeAll(() => {
  ensureEntriesBuilt();
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'button-entries-'));
  installed = path.join(project, 'node_modules', NAME);
  for (const file of packedFiles(ROOT)) {
    fs.mkdirSync(path.dirname(path.join(installed, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(installed, file));
  }
  fs.mkdirSync(path.join(project, 'node_modules/@types'), { recursive: true });
  fs.symlinkSync(TYPES_NODE, path.join(project, 'node_modules/@types/node'), 'dir');
  write('package.json', JSON.stringify({ name: 'user-project', private: true, type: 'commonjs' }));
  write('src/user.cts', USER_CODE);
  write('src/user.mts', USER_CODE);
  write('src/user.ts', USER_CODE);
  for (const resolution of ['Node16', 'NodeNext']) {
    tsconfig(`tsconfig.${resolution}.json`, { module: resolution, moduleResolution: resolution }, [
      'src/user.cts',
      'src/user.mts',
    ]);
  }
  // Strapi's own server tsconfig (and so many Strapi apps' config/plugins.ts) still resolves like Node 10: no
  // `exports`, hence the package's `typesVersions`.
  tsconfig('tsconfig.node10.json', { module: 'CommonJS', moduleResolution: 'Node10' }, ['src/user.ts']);
  tsconfig(
    'tsconfig.bundler.json',
    { module: 'ESNext', moduleResolution: 'Bundler', exactOptionalPropertyTypes: true, verbatimModuleSyntax: true },
    ['src/user.ts']
  );
}, 180_000);

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe('the package entries, installed from what npm pack ships', () => {
  it('ships every file the ./node and ./types exports point to, declarations included', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    for (const entry of ['./node', './types']) {
      const target = manifest.exports[entry];
      expect(typeof target).toBe('string');
      expect(fs.existsSync(path.join(installed, target as string))).toBe(true);
      expect(fs.existsSync(path.join(installed, (target as string).replace(/\.js$/, '.d.ts')))).toBe(true);
    }
  });

  it('cannot resolve any @strapi package from the project (the runtime checks below prove something)', () => {
    for (const name of ['@strapi/utils', '@strapi/strapi', 'zod']) {
      expect(() => require.resolve(name, { paths: [project] })).toThrow();
    }
  });

  it.each(['Node16', 'NodeNext', 'bundler', 'node10'])(
    'compiles a strict user project without skipLibCheck (moduleResolution %s)',
    (resolution) => {
      const result = run([TSC, '-p', `tsconfig.${resolution}.json`], project);
      expect(output(result)).toBe('');
      expect(result.status).toBe(0);
    },
    120_000
  );

  it('imports nothing but node: built-ins and its own files (the whole graph the entries load)', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Comments aside: they quote import lines for the reader.
      const text = fs
        .readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const specifiers = [...text.matchAll(/(?:require\(|from\s+|import\()\s*['"]([^'"]+)['"]/g)].map((match) => match[1]!);
      for (const specifier of specifiers) {
        if (specifier.startsWith('.')) {
          const target = path.resolve(path.dirname(file), specifier);
          visit(file.endsWith('.d.ts') ? `${target}.d.ts` : `${target}.js`);
        } else {
          expect(specifier).toMatch(/^node:/);
        }
      }
    };
    for (const entry of ['node.js', 'types.js', 'node.d.ts', 'types.d.ts'])
      visit(path.join(installed, 'dist/standalone/public-api', entry));
    expect(seen.size).toBeGreaterThan(3);
  });

  const script = (imports: string) => `
    ${imports}
    const token = node.mintUserAssertion({ userId: 'user-1', secret: 'shared', ttlSeconds: 900 });
    const checked = node.verifyUserAssertion(token, { secret: 'shared', maxTtlSeconds: 3600 });
    const pubRef = node.encodePubRef({ id: 'offer-1', rate_percent: '4.5', rate_fixed: null, currency: null }, 'k', 'user-1');
    const signature = node.checkWebhookSignature(Buffer.from('{}'), node.signWebhookBody('{}', 'w'), 'w');
    const loaded = typeof require === 'undefined' ? [] : Object.keys(require.cache);
    console.log(JSON.stringify({
      exports: Object.keys(node).filter((key) => key !== '__esModule' && key !== 'default').sort(),
      userId: checked.ok && checked.userId,
      signature: node.decodePubRef(pubRef, 'k', 'user-1').signature,
      webhook: signature.valid,
      loaded,
    }));`;

  const runScript = (args: string[]) => {
    const result = run(args, project);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as {
      exports: string[];
      userId: string;
      signature: string;
      webhook: boolean;
      loaded: string[];
    };
  };

  it('runs from plain Node, CommonJS and ESM, with the same exports and no @strapi module loaded', () => {
    const cjs = runScript(['-e', script(`const node = require('${NAME}/node');`)]);
    const esm = runScript(['--input-type=module', '-e', script(`import * as node from '${NAME}/node';`)]);
    for (const result of [cjs, esm]) {
      expect(result.userId).toBe('user-1');
      expect(result.signature).toBe('valid');
      expect(result.webhook).toBe(true);
    }
    expect(esm.exports).toEqual(cjs.exports);
    expect(cjs.exports).toEqual(
      expect.arrayContaining(['mintUserAssertion', 'verifyUserAssertion', 'encodePubRef', 'decodePubRef'])
    );
    expect(cjs.exports).toEqual(expect.arrayContaining(['checkWebhookSignature', 'signWebhookBody', 'offerIdForPubRef']));
    expect(cjs.loaded.length).toBeGreaterThan(0);
    expect(cjs.loaded.filter((file) => /[\\/]@strapi[\\/]|[\\/]zod[\\/]/.test(file))).toEqual([]);
    expect(cjs.loaded.every((file) => file.startsWith(fs.realpathSync(installed)))).toBe(true);
  });
});
