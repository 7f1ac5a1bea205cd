import fc from 'fast-check';
import { DEPTH_MARKER, MAX_STORED_DEPTH, sanitiseJson, storableText } from '../../../../server/src/commissions/intake/sanitise';

/** Builds `levels` nested containers as text: JSON.stringify itself overflows on thousands of levels. */
function deepText(levels: number): string {
  return `${'{"a":['.repeat(levels)}1${']}'.repeat(levels)}`;
}

function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item !== null && typeof item === 'object') {
      max = Math.max(max, depth);
      for (const child of Object.values(item as object)) stack.push([child, depth + 1]);
    }
  }
  return max;
}

describe('storableText', () => {
  it.each([
    ['a NUL', 'a\u0000b', 'a\uFFFDb'],
    ['a lone high surrogate', 'a\uD800b', 'a\uFFFDb'],
    ['a lone low surrogate', 'a\uDC00b', 'a\uFFFDb'],
    ['a high surrogate at the end', 'a\uD800', 'a\uFFFD'],
    ['a valid pair (emoji) unchanged', 'a\uD83D\uDE00b', 'a\uD83D\uDE00b'],
    ['other control characters unchanged', 'a\u0001\u001f\u007fb', 'a\u0001\u001f\u007fb'],
  ])('replaces %s', (_label, input, output) => {
    expect(storableText(input)).toBe(output);
    expect(storableText(input)).toHaveLength(input.length);
  });
});

describe('sanitiseJson', () => {
  it('returns an ordinary body unchanged and says so', () => {
    const body = { id: 'hook-1', data: { list: [1, 'two', null, true, { x: -0.5 }], é: '😀' } };
    expect(sanitiseJson(body)).toEqual({ value: body, changed: false });
  });

  it('cleans keys as well as values, keeping the key order', () => {
    const { value, changed } = sanitiseJson({ b: 1, 'a\u0000': 'x\u0000', c: 3 });
    expect(changed).toBe(true);
    expect(Object.keys(value as object)).toEqual(['b', 'a\uFFFD', 'c']);
    expect(value).toEqual({ b: 1, 'a\uFFFD': 'x\uFFFD', c: 3 });
  });

  it('keeps a "__proto__" key as a plain key, never as the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const { value } = sanitiseJson(parsed);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([17, 40, 5_000, 20_000])('cuts %i levels of nesting at the stored depth, without recursion', (levels) => {
    const { value, changed } = sanitiseJson(JSON.parse(deepText(levels)));
    expect(changed).toBe(true);
    expect(depthOf(value)).toBeLessThanOrEqual(MAX_STORED_DEPTH);
    expect(JSON.stringify(value)).toContain(JSON.stringify(DEPTH_MARKER));
  });

  it('keeps exactly MAX_STORED_DEPTH levels', () => {
    // deepText(n) has 2n containers ({ and [ alternate).
    const { value, changed } = sanitiseJson(JSON.parse(deepText(MAX_STORED_DEPTH / 2)));
    expect(changed).toBe(false);
    expect(depthOf(value)).toBe(MAX_STORED_DEPTH);
  });

  it('turns numbers JSON.parse read as infinite into null', () => {
    expect(sanitiseJson(JSON.parse('{"n": 1e999, "m": 12345678901234567890123}'))).toEqual({
      // The literal as JSON.parse reads it (a double): too large to be exact, finite, so kept.
      value: { n: null, m: Number('12345678901234567890123') },
      changed: true,
    });
  });

  it('always yields JSON without NUL or lone surrogates, within the depth, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 30 }), fc.string({ unit: 'binary' }), (json, text) => {
        const { value } = sanitiseJson({ json, text, [text]: json });
        const out = JSON.stringify(value);
        expect(out).not.toMatch(/\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i);
        expect(depthOf(value)).toBeLessThanOrEqual(MAX_STORED_DEPTH);
      }),
      { numRuns: 500, seed: 8 }
    );
  });
});
