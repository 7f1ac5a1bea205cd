import { errors } from '@strapi/utils';
import { z } from 'zod';
import {
  checkInputShape,
  DEFAULT_INPUT_LIMITS,
  MAX_REPORTED_ISSUES,
  parseOrThrow,
  safeParseBounded,
} from '../../../server/src/utils/validation';

const schema = z.strictObject({ name: z.string({ error: 'must be a string' }), tags: z.array(z.string()).max(5).optional() });

const withUnknownKeys = (count: number) => {
  const input: Record<string, unknown> = { name: 'n' };
  for (let i = 0; i < count; i += 1) input[`k${i}`] = i;
  return input;
};

describe('safeParseBounded: a refusal costs little whatever the input', () => {
  it('60,000 unknown keys: the first 20 as issues, the rest counted, no schema walk', () => {
    const parse = jest.spyOn(schema, 'safeParse');
    const result = safeParseBounded(schema, withUnknownKeys(60_000));
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(result.issues[0]).toEqual({ path: ['k0'], message: 'is not an allowed field', name: 'ValidationError' });
    expect(result.more).toBe(60_000 - MAX_REPORTED_ISSUES);
    expect(parse).not.toHaveBeenCalled();
    expect(JSON.stringify(result).length).toBeLessThan(2_000);
  });

  it('a few unknown keys: reported with the other issues, as before', () => {
    const result = safeParseBounded(schema, { name: 7, extra: 1 });
    expect(result).toEqual({
      success: false,
      more: 0,
      issues: [
        { path: ['name'], message: 'must be a string', name: 'ValidationError' },
        { path: ['extra'], message: 'is not an allowed field', name: 'ValidationError' },
      ],
    });
  });

  it('caps the issues a schema reports, with the count of the rest', () => {
    const wide = z.object(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, z.string()])));
    const result = safeParseBounded(wide, {});
    expect(result).toMatchObject({ success: false, more: 30 });
    if (!result.success) expect(result.issues).toHaveLength(20);
  });

  it('refuses an array past the limit before the schema sees it', () => {
    const result = safeParseBounded(
      schema,
      { name: 'n', tags: Array.from({ length: 100_000 }, () => 1) },
      { maxArrayLength: 10 }
    );
    expect(result).toEqual({
      success: false,
      more: 0,
      issues: [{ path: ['tags'], message: 'is too large to validate (more than 10 items)', name: 'ValidationError' }],
    });
  });

  it('accepts what fits', () => {
    expect(safeParseBounded(schema, { name: 'n', tags: ['a'] })).toEqual({ success: true, data: { name: 'n', tags: ['a'] } });
  });
});

describe('checkInputShape', () => {
  it('stops at the first excess: depth, array length, keys, total values', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(checkInputShape(deep, DEFAULT_INPUT_LIMITS)?.message).toBe('is nested too deeply (at most 32 levels)');
    expect(checkInputShape({ a: Array(1_001).fill(0) }, DEFAULT_INPUT_LIMITS)).toMatchObject({ path: ['a'] });
    expect(checkInputShape({ a: withUnknownKeys(1_000) }, DEFAULT_INPUT_LIMITS)).toMatchObject({
      path: ['a'],
      message: 'is too large to validate (more than 1000 fields)',
    });
    const wide = Array.from({ length: 30 }, () => Array(900).fill('x'));
    expect(checkInputShape(wide, DEFAULT_INPUT_LIMITS)?.message).toBe('is too large to validate (more than 20000 values)');
    expect(checkInputShape({ a: [1, { b: 'c' }] }, DEFAULT_INPUT_LIMITS)).toBeUndefined();
  });
});

describe('parseOrThrow', () => {
  it("throws Strapi's ValidationError with details.more when issues were left out", () => {
    try {
      parseOrThrow(schema, withUnknownKeys(25), 'Invalid thing');
      throw new Error('did not throw');
    } catch (error) {
      expect(error).toBeInstanceOf(errors.ValidationError);
      const details = (error as InstanceType<typeof errors.ValidationError>).details as { errors: unknown[]; more: number };
      expect(details.errors).toHaveLength(20);
      expect(details.more).toBe(5);
    }
  });

  it('has no `more` when everything was listed', () => {
    expect(() => parseOrThrow(schema, {}, 'Invalid thing')).toThrow(
      expect.objectContaining({ details: { errors: [{ path: ['name'], message: 'is required', name: 'ValidationError' }] } })
    );
  });
});
