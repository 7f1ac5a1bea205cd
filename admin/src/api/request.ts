import { useCallback, useEffect, useRef, useState } from 'react';
import { isFetchError, useFetchClient } from '@strapi/strapi/admin';
import type { ErrorResponse, ValidationIssue } from '../../../server/src/contracts/admin';
import { PLUGIN_ID } from '../pluginId';

/** Where the plugin's admin routes live (server/src/routes/admin.ts): the only place the admin builds URLs. */
export const adminPath = (path: string) => `/${PLUGIN_ID}${path}`;

export type FetchClient = ReturnType<typeof useFetchClient>;

/** An admin API failure as the pages show it: the HTTP status, Strapi's message and per-field messages. */
export interface ApiError {
  status: number | null;
  name: string | null;
  message: string;
  /** `details.errors[{path, message}]` of a 400, keyed by the dotted path. */
  fieldErrors: Record<string, string>;
  /** `details.code`, when the plugin names the case (`RUNNING`, `NO_ACCOUNT`, ...). */
  code: string | null;
}

export function toApiError(error: unknown): ApiError {
  if (isFetchError(error)) {
    // Strapi's envelope; a 400's details list the issues (`utils/validation.ts`). Partial: a proxy may answer.
    const body = error.response?.data?.error as Partial<ErrorResponse['error']> | undefined;
    const issues = (body?.details?.errors ?? []) as Array<Partial<ValidationIssue>>;
    const fieldErrors: Record<string, string> = {};
    for (const issue of issues) {
      if (issue.path && issue.message) fieldErrors[issue.path.join('.')] = issue.message;
    }
    return {
      status: error.status ?? null,
      name: body?.name ?? null,
      message: body?.message ?? error.message,
      fieldErrors,
      code: typeof body?.details?.code === 'string' ? body.details.code : null,
    };
  }
  return {
    status: null,
    name: null,
    message: error instanceof Error ? error.message : String(error),
    fieldErrors: {},
    code: null,
  };
}

/** Button itself (not the admin call) failed: the plugin answers 502 / 503 / 504 for upstream trouble. */
export const isUpstreamError = (error: ApiError | null) => error !== null && [502, 503, 504].includes(error.status ?? 0);

export interface QueryState<T> {
  data: T | undefined;
  error: ApiError | null;
  isLoading: boolean;
  refetch: () => void;
}

/**
 * Loads `load(client)` whenever `key` changes (a serialised query), keeping the previous data while reloading so
 * tables do not flash. The fetch client is stable for the component's life and aborts on unmount.
 */
export function useApiQuery<T>(
  key: string,
  load: (client: FetchClient) => Promise<T>,
  options: { pollMs?: number | ((data: T | undefined) => number | undefined) } = {}
): QueryState<T> {
  const client = useFetchClient();
  // The latest `load` without making it a dependency (callers pass inline functions); updated before the fetch
  // effect below runs, since effects run in order.
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  const [tick, setTick] = useState(0);
  // Loading is derived: the answer held belongs to an earlier key or tick until this one's arrives.
  const request = `${tick}:${key}`;
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | null; answered: string | null }>({
    data: undefined,
    error: null,
    answered: null,
  });

  useEffect(() => {
    let live = true;
    loadRef.current(client).then(
      (data) => live && setState({ data, error: null, answered: request }),
      (error) => live && setState((previous) => ({ data: previous.data, error: toApiError(error), answered: request }))
    );
    return () => {
      live = false;
    };
  }, [client, request]);

  // A function decides from the data held (poll while a job runs): the timer stops as soon as it answers undefined.
  const pollMs = typeof options.pollMs === 'function' ? options.pollMs(state.data) : options.pollMs;
  useEffect(() => {
    if (!pollMs) return undefined;
    const timer = setInterval(() => setTick((n) => n + 1), pollMs);
    return () => clearInterval(timer);
  }, [pollMs]);

  const refetch = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, isLoading: state.answered !== request, refetch };
}

export interface MutationState<I, O> {
  mutate: (input: I) => Promise<O | undefined>;
  data: O | undefined;
  error: ApiError | null;
  isLoading: boolean;
  reset: () => void;
}

/** A write (or an on-demand read such as a preview): resolves to the result, or undefined with `error` set. */
export function useApiMutation<I, O>(run: (client: FetchClient, input: I) => Promise<O>): MutationState<I, O> {
  const client = useFetchClient();
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    []
  );
  const [state, setState] = useState<{ data: O | undefined; error: ApiError | null; isLoading: boolean }>({
    data: undefined,
    error: null,
    isLoading: false,
  });

  const mutate = useCallback(
    async (input: I) => {
      setState((previous) => ({ ...previous, isLoading: true, error: null }));
      try {
        const data = await runRef.current(client, input);
        if (mounted.current) setState({ data, error: null, isLoading: false });
        return data;
      } catch (error) {
        if (mounted.current) setState({ data: undefined, error: toApiError(error), isLoading: false });
        return undefined;
      }
    },
    [client]
  );
  const reset = useCallback(() => setState({ data: undefined, error: null, isLoading: false }), []);
  return { ...state, mutate, reset };
}
