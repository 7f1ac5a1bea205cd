import { hashEmail } from '../offers/request-schema';
import type { PluginConfig } from '../config/schema';
import { verifyUserAssertion } from './assertion';
import { describeOption } from '../config/option-names';

/**
 * Who is asking for offers, and so whose offers they may see:
 * - `api-token`: a server holding a Strapi API token. Trusted to name any user in the body (server-to-server).
 * - `end-user`: signed in through Users & Permissions. The user id is the signed-in user's; a different body
 *   `user_id` is refused (403).
 * - `assertion`: presented a signed user assertion (access/assertion.ts). The user id is the assertion's; a different
 *   body `user_id` is refused (403). Any caller may present one; a public caller must.
 * - `public`: the Public role, without an assertion: refused (401), since it would let anyone read anyone's offers.
 */
export type CallerKind = 'api-token' | 'end-user' | 'assertion';

export interface Caller {
  kind: CallerKind;
  /** The user id Button is asked about; undefined for an API token (it comes from the body). */
  userId?: string;
  /** SHA-256 of the end user's confirmed email (access.endUserEmailHash). */
  emailSha256?: string;
  /** What fair-use limits count: the token, the user, and for public callers the address. */
  limitKeys: Array<{ limit: 'api-token' | 'user' | 'ip'; key: string }>;
}

export type CallerResult = { ok: true; caller: Caller } | { ok: false; status: 401 | 403; message: string; code: string };

/** What the plugin reads of a request to decide: Strapi's auth state, one header, the client address. */
export interface CallerInput {
  /** `ctx.state.auth.strategy.name`: 'content-api-token', 'users-permissions' (end user or Public role), or another. */
  strategy: string | undefined;
  /** `ctx.state.auth.credentials`: the API token row, the user, or null for the Public role. */
  credentials: unknown;
  assertion: string | undefined;
  ip: string;
  now?: number;
}

type AccessConfig = PluginConfig['access'];

// Strapi's content-API token strategy: 'content-api-token' since 5.x's admin tokens split off, 'api-token' before.
const API_TOKEN_STRATEGIES: ReadonlySet<string> = new Set(['content-api-token', 'api-token']);

const refuse = (status: 401 | 403, code: string, message: string): CallerResult => ({ ok: false, status, code, message });

function endUserId(user: Record<string, unknown>, field: string): string | undefined {
  const value = user[field];
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function resolveCaller(input: CallerInput, config: AccessConfig): CallerResult {
  const apiToken = API_TOKEN_STRATEGIES.has(input.strategy ?? '') && isRecord(input.credentials) ? input.credentials : undefined;
  const user = input.strategy === 'users-permissions' && isRecord(input.credentials) ? input.credentials : undefined;

  if (input.assertion !== undefined) {
    if (config.assertionSecret === undefined) {
      return refuse(
        401,
        'ASSERTION_NOT_ACCEPTED',
        `This Strapi does not accept user assertions (${describeOption('access.assertionSecret')} is not set)`
      );
    }
    const checked = verifyUserAssertion(input.assertion, {
      secret: config.assertionSecret,
      maxTtlSeconds: config.assertionMaxTtlSeconds,
      ...(input.now === undefined ? {} : { now: input.now }),
    });
    if (!checked.ok) {
      const why = {
        malformed: 'is malformed',
        'bad-signature': 'has a bad signature',
        expired: 'has expired',
        'lifetime-too-long': 'claims too long a lifetime',
      }[checked.reason];
      return refuse(401, 'INVALID_ASSERTION', `The user assertion ${why}`);
    }
    const limitKeys: Caller['limitKeys'] = [{ limit: 'user', key: `assertion:${checked.userId}` }];
    if (apiToken) limitKeys.push({ limit: 'api-token', key: `token:${String(apiToken.id)}` });
    else if (!user) limitKeys.push({ limit: 'ip', key: `ip:${input.ip}` });
    return { ok: true, caller: { kind: 'assertion', userId: checked.userId, limitKeys } };
  }

  if (apiToken) {
    return { ok: true, caller: { kind: 'api-token', limitKeys: [{ limit: 'api-token', key: `token:${String(apiToken.id)}` }] } };
  }
  if (user) {
    const userId = endUserId(user, config.endUserIdField);
    if (userId === undefined) {
      return refuse(403, 'NO_END_USER_ID', `The signed-in user has no ${config.endUserIdField} to ask Button about`);
    }
    const email = config.endUserEmailHash && user.confirmed === true && typeof user.email === 'string' ? user.email : undefined;
    return {
      ok: true,
      caller: {
        kind: 'end-user',
        userId,
        ...(email === undefined ? {} : { emailSha256: hashEmail(email) }),
        limitKeys: [{ limit: 'user', key: `user:${userId}` }],
      },
    };
  }
  // The Public role (or an authentication strategy this plugin does not know): nobody vouches for the user id.
  return refuse(
    401,
    'USER_ASSERTION_REQUIRED',
    'Public callers must send a signed user assertion (X-Button-User-Assertion): see the README, "Who may call the offers endpoint"'
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
