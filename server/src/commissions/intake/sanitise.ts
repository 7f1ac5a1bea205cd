/**
 * What every database can store, pure. A validly signed webhook must be stored and acknowledged whatever its
 * body holds, yet each database refuses something JSON allows:
 * - PostgreSQL: NUL (U+0000) in `text` and `jsonb` (`\u0000` is "unsupported"), and lone UTF-16 surrogates in
 *   `jsonb`;
 * - MariaDB: JSON nested deeper than 32 levels (its JSON_VALID check on `json` columns);
 * - everywhere: a few thousand levels overflow the stack of the JSON.stringify the query layer runs.
 *
 * So the STORED copy is sanitised, iteratively (no recursion a deep body could overflow):
 * - NUL and lone surrogates in strings and object keys become U+FFFD (the replacement character);
 * - a container nested deeper than `MAX_STORED_DEPTH` (the body itself is level 1) becomes `DEPTH_MARKER`;
 * - a number JSON.parse read as infinite (e.g. `1e999`) becomes null (JSON.stringify would write null anyway).
 * Whether anything changed is recorded (`payload_sanitised`), and the SHA-256 of the exact bytes received is
 * kept beside it (`payload_sha256`), so the original can always be matched against Button's.
 */

export const MAX_STORED_DEPTH = 16;
export const DEPTH_MARKER = `[nesting deeper than ${MAX_STORED_DEPTH} levels removed]`;

// NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found: PostgreSQL refuses it in text and jsonb
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with every character a database refuses replaced by U+FFFD (same length in UTF-16 units). */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

export interface Sanitised<T> {
  value: T;
  changed: boolean;
}

interface Task {
  from: unknown;
  depth: number;
  put: (value: unknown) => void;
}

/** A sanitised deep copy of a JSON value (as JSON.parse returns it). */
export function sanitiseJson(input: unknown, maxDepth: number = MAX_STORED_DEPTH): Sanitised<unknown> {
  let changed = false;
  const text = (value: string) => {
    const clean = storableText(value);
    if (clean !== value) changed = true;
    return clean;
  };
  let result: unknown = null;
  const stack: Task[] = [{ from: input, depth: 1, put: (value) => (result = value) }];
  while (stack.length > 0) {
    const { from, depth, put } = stack.pop() as Task;
    if (typeof from === 'string') put(text(from));
    else if (typeof from === 'boolean' || from === null) put(from);
    else if (typeof from === 'number') {
      if (Number.isFinite(from)) put(from);
      else {
        changed = true;
        put(null);
      }
    } else if (typeof from === 'object') {
      if (depth > maxDepth) {
        changed = true;
        put(DEPTH_MARKER);
      } else if (Array.isArray(from)) {
        const out: unknown[] = new Array(from.length).fill(null);
        put(out);
        for (let i = 0; i < from.length; i += 1)
          stack.push({ from: from[i], depth: depth + 1, put: (value) => (out[i] = value) });
      } else {
        const out: Record<string, unknown> = {};
        put(out);
        for (const [key, value] of Object.entries(from as Record<string, unknown>)) {
          const name = text(key);
          // defineProperty, not assignment: a "__proto__" key must stay a plain key, never set the prototype.
          // Defined now (keeps the key order), filled when its task runs.
          define(out, name, null);
          stack.push({ from: value, depth: depth + 1, put: (clean) => define(out, name, clean) });
        }
      }
    } else {
      // Not produced by JSON.parse (undefined, functions, ...): nothing a database could store.
      changed = true;
      put(null);
    }
  }
  return { value: result, changed };
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
