import type { PluginConfig } from '../config/schema';
import type { CallerLimiter } from '../shared-state';
import { ASSERTION_HEADER } from './assertion';
import { resolveCaller, type CallerInput } from './caller';
import { createFairUse } from './fair-use';

/** The part of a Koa context the access rules read. */
export interface RequestLike {
  state: { auth?: { strategy?: { name?: string }; credentials?: unknown } };
  get(header: string): string;
  request: { ip: string };
}

export interface AccessServiceDeps {
  config: Pick<PluginConfig, 'access' | 'fairUse'>;
  limiter: CallerLimiter;
  /** Keys the fair-use buckets (see fair-use.ts): the same on every instance. */
  keySecret: string;
}

/** Who may ask for whose offers (access/caller.ts), and how often (access/fair-use.ts). */
export function createAccessService({ config, limiter, keySecret }: AccessServiceDeps) {
  const fairUse = createFairUse({ config: config.fairUse, limiter, keySecret });
  return {
    fairUse,
    /** For REST and GraphQL alike: Strapi's auth state, the assertion header, the client address. */
    resolve(ctx: RequestLike) {
      const assertion = ctx.get(ASSERTION_HEADER);
      const input: CallerInput = {
        strategy: ctx.state.auth?.strategy?.name,
        credentials: ctx.state.auth?.credentials,
        assertion: assertion === '' ? undefined : assertion,
        ip: ctx.request.ip,
      };
      return resolveCaller(input, config.access);
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
