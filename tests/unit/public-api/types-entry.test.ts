import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { z } from 'zod';
import { parsePluginConfig, pluginConfigSchema, type PluginConfigInput as SchemaInput } from '../../../server/src/config/schema';
import * as nodeEntry from '../../../server/src/public-api/node';
import type { OffersErrorCode, PluginConfigInput } from '../../../server/src/public-api/types';

/**
 * The types entry is hand-written so that users' projects need neither zod's declarations nor skipLibCheck
 * (tests/integration/package-entries.test.ts compiles it as they would). These keep it in step with the server:
 * the config interface with the zod schema (types, both ways, section by section), the error codes with the codes
 * the endpoint answers.
 */
const ROOT = path.resolve(__dirname, '../../..');

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Optional<T> = undefined extends T ? true : false;
type Output = z.output<typeof pluginConfigSchema>;

/**
 * One option, hand-written (H) against the schema's input (I) and output (O). A preprocessed option (secrets, URLs:
 * '' and null mean "not set") has `unknown` as its zod input: the hand-written type must then match what it parses
 * to, nulls aside. A section is compared option by option.
 */
type Check<H, I, O> = unknown extends I
  ? Mutual<NonNullable<H>, NonNullable<O>>
  : NonNullable<I> extends Record<string, unknown>
    ? Mutual<Optional<H>, Optional<I>> extends true
      ? Section<NonNullable<H>, NonNullable<I>, NonNullable<O>>
      : false
    : Mutual<H, I>;
type Section<H, I, O> =
  Mutual<keyof H, keyof I> extends true
    ? { [K in keyof I]-?: K extends keyof H ? (K extends keyof O ? Check<H[K], I[K], O[K]> : false) : false }[keyof I]
    : false;

/** Compiles only when T is exactly `true` (a `boolean`, some option out of step, does not). */
type Assert<T extends true> = T;
// Checked by `npm run typecheck`, and by the last test below.
const configInSync: Assert<Section<PluginConfigInput, SchemaInput, Output>> = true;
// What a user's config may hold is always a valid schema input.
const handWrittenIsSchemaInput = (config: PluginConfigInput): SchemaInput => config;

// Exhaustive by type: a code missing here, or one the union does not have, fails to compile.
const CODES: Record<OffersErrorCode, true> = {
  NOT_CONFIGURED: true,
  UPSTREAM_TIMEOUT: true,
  UPSTREAM_UNREACHABLE: true,
  UPSTREAM_UNAVAILABLE: true,
  RATE_LIMITED: true,
  AUTH_REJECTED: true,
  REQUEST_REJECTED: true,
  INVALID_RESPONSE: true,
  ABORTED: true,
  CIRCUIT_OPEN: true,
  LOCAL_RATE_LIMITED: true,
  USER_ASSERTION_REQUIRED: true,
  INVALID_ASSERTION: true,
  ASSERTION_NOT_ACCEPTED: true,
  NO_END_USER_ID: true,
  USER_MISMATCH: true,
  CALLER_RATE_LIMITED: true,
};

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const all = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]!);

describe('the types entry', () => {
  it('PluginConfigInput matches the zod schema (a type-level check)', () => {
    expect(configInSync).toBe(true);
  });

  it('accepts \'\' and null where the schema means "not set"', () => {
    const config: PluginConfigInput = {
      apiKey: '',
      baseUrl: null,
      webhookSecret: null,
      pubRefSecret: undefined,
      redis: { url: '' },
      access: { assertionSecret: null },
      tls: { ca: '' },
    };
    const parsed = parsePluginConfig(handWrittenIsSchemaInput(config));
    expect(parsed.apiKey).toBeUndefined();
    expect(parsed.redis.url).toBeUndefined();
    expect(parsed.access.assertionSecret).toBeUndefined();
  });

  it('OffersErrorCode is every details.code the offers endpoint answers with (REST and GraphQL)', () => {
    const fromSource = [
      ...all(read('server/src/button-client/errors.ts'), /readonly code = '([A-Z_]+)'/g),
      ...all(read('server/src/offers/answer.ts'), /code: '([A-Z_]+)'/g),
      ...all(read('server/src/access/caller.ts'), /refuse\(\s*\d{3},\s*'([A-Z_]+)'/g),
    ];
    expect(fromSource.length).toBeGreaterThan(11);
    expect([...new Set(fromSource)].sort()).toEqual(Object.keys(CODES).sort());
  });
});

describe('the node entry', () => {
  it('exports the pubRef codec, the webhook signature check and user assertions', () => {
    expect(Object.keys(nodeEntry).sort()).toEqual(
      [
        'ASSERTION_HEADER',
        'DEFAULT_PUB_REF_MAX_AGE_DAYS',
        'PUB_REF_MAX_LENGTH',
        'PUB_REF_PREFIX',
        'SIGNATURE_HEADER',
        'checkWebhookSignature',
        'decodePubRef',
        'encodePubRef',
        'mintUserAssertion',
        'newClickId',
        'offerIdForPubRef',
        'parsePubRef',
        'pubRefFreshness',
        'shownRate',
        'signWebhookBody',
        'verifyUserAssertion',
      ].sort()
    );
  });

  it('mints assertions the plugin verifies', () => {
    const token = nodeEntry.mintUserAssertion({ userId: 'user-1', secret: 'shared', ttlSeconds: 900 });
    expect(nodeEntry.verifyUserAssertion(token, { secret: 'shared', maxTtlSeconds: 3600 })).toMatchObject({
      ok: true,
      userId: 'user-1',
    });
  });
});

describe('this file', () => {
  // ts-jest only transpiles (isolatedModules): compile it for real so the type-level checks above fail here too.
  it('type-checks', () => {
    const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
    const program = ts.createProgram([__filename], { ...options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);
});
