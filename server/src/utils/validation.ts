import { errors } from '@strapi/utils';
import type { z } from 'zod';

/** One entry of Strapi's `details.errors`: the field's path and what is wrong, never the value itself. */
export interface ValidationIssue {
  path: string[];
  message: string;
  name: 'ValidationError';
}

/** zod issues as Strapi's per-field details. `input` is read only to tell a missing field from a wrong one. */
export function toValidationIssues(zodError: z.ZodError, input: unknown): ValidationIssue[] {
  return zodError.issues.flatMap((issue): ValidationIssue[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], message: 'is not an allowed field', name: 'ValidationError' }));
    }
    if (issue.code === 'invalid_type' && path.length > 0 && valueAt(input, issue.path) === undefined) {
      return [{ path, message: 'is required', name: 'ValidationError' }];
    }
    return [{ path, message: issue.message, name: 'ValidationError' }];
  });
}

/** Parses with a zod schema at the edge, or throws Strapi's ValidationError (a 400 with per-field details). */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown, message: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new errors.ValidationError(message, { errors: toValidationIssues(result.error, input) });
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
    input
  );
}
