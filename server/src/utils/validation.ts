import { z } from 'zod';
import { strapiErrors } from './strapi-errors';

/** One entry of Strapi's `details.errors`: the field's path and what is wrong, never the value itself. */
export interface ValidationIssue {
  path: string[];
  message: string;
  name: 'ValidationError';
}

/**
 * A 400 lists at most this many issues and says how many more there were (`details.more`): 60,000 unknown keys
 * once made a 4.85 MB error body. A client fixes the first twenty before it needs the rest.
 */
export const MAX_REPORTED_ISSUES = 20;

/** The shape limits checked before a schema walks the input (see `checkInputShape`). */
export interface InputLimits {
  maxDepth: number;
  maxArrayLength: number;
  maxKeys: number;
  /** Values visited in all: the walk itself stops there. */
  maxNodes: number;
}

/** Generous for any request body the plugin accepts; what they stop is a body built to make validation expensive. */
export const DEFAULT_INPUT_LIMITS: InputLimits = { maxDepth: 32, maxArrayLength: 1_000, maxKeys: 1_000, maxNodes: 20_000 };

export type BoundedParseResult<T> =
  { success: true; data: T } | { success: false; issues: ValidationIssue[]; /** Issues found but not listed. */ more: number };

/**
 * Parses at the edge without letting the input decide how much work (and how large an answer) a refusal costs:
 * 1. a strict object's unknown keys are counted first; when there are more than can be reported, validation
 *    stops there (no schema walk, no issue per key);
 * 2. the input's depth, array lengths and key counts are checked, stopping at the first excess;
 * 3. only then the schema runs, and at most MAX_REPORTED_ISSUES issues are built from its result.
 */
export function safeParseBounded<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  limits: Partial<InputLimits> = {}
): BoundedParseResult<z.output<Schema>> {
  const unknown = unknownKeyIssues(schema, input);
  if (unknown !== undefined && unknown.total > MAX_REPORTED_ISSUES) {
    return { success: false, issues: unknown.issues, more: unknown.total - unknown.issues.length };
  }
  const excess = checkInputShape(input, { ...DEFAULT_INPUT_LIMITS, ...limits });
  if (excess !== undefined) return { success: false, issues: [excess], more: 0 };

  const result = schema.safeParse(input);
  if (result.success) return { success: true, data: result.data };
  return { success: false, ...toValidationIssues(result.error, input) };
}

/** zod issues as Strapi's per-field details, at most `max` of them. `input` only tells a missing field from a wrong one. */
export function toValidationIssues(
  zodError: z.ZodError,
  input: unknown,
  max = MAX_REPORTED_ISSUES
): { issues: ValidationIssue[]; more: number } {
  const issues: ValidationIssue[] = [];
  let total = 0;
  const add = (path: string[], message: string) => {
    total += 1;
    if (issues.length < max) issues.push({ path, message, name: 'ValidationError' });
  };
  for (const issue of zodError.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        total += 1;
        if (issues.length < max)
          issues.push({ path: [...path, key], message: 'is not an allowed field', name: 'ValidationError' });
      }
    } else if (issue.code === 'invalid_type' && path.length > 0 && valueAt(input, issue.path) === undefined) {
      add(path, 'is required');
    } else {
      add(path, issue.message);
    }
  }
  return { issues, more: total - issues.length };
}

/** `details` of a 400: the listed issues and, when some were left out, how many. */
export function validationDetails(issues: ValidationIssue[], more: number): { errors: ValidationIssue[]; more?: number } {
  return more > 0 ? { errors: issues, more } : { errors: issues };
}

/** Parses with a zod schema at the edge, or throws Strapi's ValidationError (a 400 with per-field details). */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  message: string,
  limits?: Partial<InputLimits>
): z.output<Schema> {
  const result = safeParseBounded(schema, input, limits);
  if (result.success) return result.data;
  throw new (strapiErrors().ValidationError)(message, validationDetails(result.issues, result.more));
}

/** For a strict object schema and a plain-object input: the unknown keys (the first few as issues) and their count. */
function unknownKeyIssues(schema: z.ZodType, input: unknown): { issues: ValidationIssue[]; total: number } | undefined {
  if (!(schema instanceof z.ZodObject) || schema.def.catchall?._zod.def.type !== 'never') return undefined;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  const known = schema.shape as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  let total = 0;
  for (const key of Object.keys(input)) {
    if (Object.prototype.hasOwnProperty.call(known, key)) continue;
    total += 1;
    if (issues.length < MAX_REPORTED_ISSUES)
      issues.push({ path: [key], message: 'is not an allowed field', name: 'ValidationError' });
  }
  return { issues, total };
}

/**
 * The first place where `input` exceeds the limits, as one issue, or undefined. Iterative (a deeply nested body
 * cannot overflow the stack) and it stops at `maxNodes`, so its own cost is bounded whatever the input.
 */
export function checkInputShape(input: unknown, limits: InputLimits): ValidationIssue | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: input, path: [] }];
  let visited = 0;
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    visited += 1;
    if (visited > limits.maxNodes) return shapeIssue([], `is too large to validate (more than ${limits.maxNodes} values)`);
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= limits.maxDepth) return shapeIssue(path, `is nested too deeply (at most ${limits.maxDepth} levels)`);
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayLength)
        return shapeIssue(path, `is too large to validate (more than ${limits.maxArrayLength} items)`);
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push({ value: value[i], path: [...path, String(i)] });
    } else {
      const keys = Object.keys(value);
      if (keys.length > limits.maxKeys) return shapeIssue(path, `is too large to validate (more than ${limits.maxKeys} fields)`);
      for (let i = keys.length - 1; i >= 0; i -= 1)
        stack.push({ value: (value as Record<string, unknown>)[keys[i]!], path: [...path, keys[i]!] });
    }
  }
  return undefined;
}

const shapeIssue = (path: string[], message: string): ValidationIssue => ({ path, message, name: 'ValidationError' });

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
    input
  );
}

/** `page` and `pageSize` query parameters, as the admin's list pages send them (strings, coerced). */
export const paginationQuery = {
  page: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').default(1),
  pageSize: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(20),
};
