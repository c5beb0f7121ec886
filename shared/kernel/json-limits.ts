/**
 * JSON from outside, read within limits that are checked before any recursive work. A body nested thousands of
 * levels deep parses (V8's JSON.parse is iterative) but then overflows the stack of whatever walks it next —
 * JSON.stringify, a schema, an SDK's serialiser — so the depth is measured on the text, in one loop, first.
 * A `__proto__` key is refused too: assigning it (as every object copy does) replaces the prototype instead of
 * keeping a field, so the value would vanish without a word.
 */

/** Bounds one input must keep; every boundary (HTTP bodies, telemetry, bus messages, MQTT payloads) sets its own. */
export interface JsonLimits {
  /** Largest input, UTF-8 bytes. */
  maxBytes: number;
  /** Deepest nesting of arrays and objects: a scalar is depth 0, `[1]` depth 1, `{"a":[1]}` depth 2. */
  maxDepth: number;
  /** Most entries one array or object may hold. */
  maxEntries: number;
}

/** Which limit an input broke; `forbiddenKey` is a `__proto__` key. */
export type JsonLimitName = keyof JsonLimits | 'forbiddenKey';

/** An input over a limit: which one, where (a dotted path from the root, `` for the root), and why in words. */
export interface JsonLimitBreach {
  limit: JsonLimitName;
  path: string;
  message: string;
}

export type BoundedJson =
  { ok: true; value: unknown } | { ok: false; breach: JsonLimitBreach } | { ok: false; syntax: string };

/** Keys that an object copy cannot keep (assignment sets the prototype instead). */
const FORBIDDEN_KEY = '__proto__';

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Checks size, nesting depth and entries per container of JSON text in one pass, without parsing it. Malformed
 * text is not judged here (JSON.parse says what is wrong with it): only a breach of a limit is reported.
 */
export function jsonTextBreach(text: string, limits: JsonLimits): JsonLimitBreach | undefined {
  // UTF-8 is at most 3 bytes per UTF-16 unit: only measure exactly when the cheap bound is not conclusive.
  if (text.length * 3 > limits.maxBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > limits.maxBytes)
      return {
        limit: 'maxBytes',
        path: '',
        message: `is ${bytes} bytes; at most ${limits.maxBytes} are accepted`,
      };
  }
  // Commas seen in each open container, by depth (depth ≤ maxDepth, so the array stays small).
  const commas = new Int32Array(limits.maxDepth + 2);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Most of a telemetry body is inside strings: jump to the closing quote (indexOf is far faster than a loop).
      i = closingQuote(text, i);
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limits.maxDepth)
        return {
          limit: 'maxDepth',
          path: '',
          message: `nests arrays and objects more than ${limits.maxDepth} levels deep`,
        };
      commas[depth] = 0;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (c === COMMA && depth > 0 && ++commas[depth]! >= limits.maxEntries) {
      return {
        limit: 'maxEntries',
        path: '',
        message: `has an array or object of more than ${limits.maxEntries} entries`,
      };
    }
  }
  return undefined;
}

/** Index of the quote closing the string opened at `open` (one not escaped by an odd run of backslashes). */
function closingQuote(text: string, open: number): number {
  let j = open;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
}

/**
 * Parses JSON text within `limits`: the text is measured first (size, depth, entries), then parsed, then its keys
 * are checked (no `__proto__`). Never throws.
 */
export function parseJsonWithin(text: string, limits: JsonLimits): BoundedJson {
  const breach = jsonTextBreach(text, limits);
  if (breach) return { ok: false, breach };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, syntax: e instanceof Error ? e.message : String(e) };
  }
  const forbidden = forbiddenKeyPath(value);
  if (forbidden !== undefined)
    return {
      ok: false,
      breach: {
        limit: 'forbiddenKey',
        path: forbidden,
        message: `holds a "${FORBIDDEN_KEY}" key, which cannot be kept as a field; rename it`,
      },
    };
  return { ok: true, value };
}

/**
 * Checks a value someone else parsed (a bus message the host decoded) against `limits` (not maxBytes: the value has
 * no text), walking it with an explicit stack, so a value of any depth is measured without recursion.
 */
export function jsonValueBreach(value: unknown, limits: Omit<JsonLimits, 'maxBytes'>): JsonLimitBreach | undefined {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > limits.maxDepth)
      return {
        limit: 'maxDepth',
        path,
        message: `nests arrays and objects more than ${limits.maxDepth} levels deep`,
      };
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (entries.length > limits.maxEntries)
      return {
        limit: 'maxEntries',
        path,
        message: `has ${entries.length} entries; at most ${limits.maxEntries} are accepted`,
      };
    for (const [k, x] of entries) {
      const at = path ? `${path}.${k}` : k;
      if (!Array.isArray(v) && k === FORBIDDEN_KEY)
        return {
          limit: 'forbiddenKey',
          path: at,
          message: `holds a "${FORBIDDEN_KEY}" key, which cannot be kept as a field; rename it`,
        };
      stack.push({ v: x, depth: depth + 1, path: at });
    }
  }
  return undefined;
}

/** The path of the first `__proto__` key in a parsed value (depth already bounded by the text check). */
function forbiddenKeyPath(value: unknown): string | undefined {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++)
        if (typeof v[i] === 'object' && v[i] !== null) stack.push({ v: v[i], path: path ? `${path}.${i}` : String(i) });
      continue;
    }
    for (const k of Object.keys(v)) {
      const at = path ? `${path}.${k}` : k;
      if (k === FORBIDDEN_KEY) return at;
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'object' && x !== null) stack.push({ v: x, path: at });
    }
  }
  return undefined;
}
