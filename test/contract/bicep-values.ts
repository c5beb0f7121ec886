/**
 * A small evaluator for the literal part of Bicep: `param` defaults, `var` values and `.bicepparam` assignments made
 * of strings, numbers, booleans, arrays, objects, references to other params/vars, member access and
 * `loadJsonContent('<file>')`. Anything else (module outputs, function calls, interpolation) evaluates to an
 * `Opaque` value carrying its source, so callers can tell "set, but only known at deployment" from "not set".
 */
export interface Opaque {
  opaque: string;
}
export type BicepValue = string | number | boolean | null | Opaque | BicepValue[] | { [key: string]: BicepValue };

export const isOpaque = (v: unknown): v is Opaque =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'opaque' in v && Object.keys(v).length === 1;

/** Reads a file next to the Bicep file by its relative path (for loadJsonContent); undefined when absent. */
export type FileReader = (relativePath: string) => string | undefined;

/** The declarations of one Bicep (or .bicepparam) file: their raw expression text, by name. */
export interface BicepDeclarations {
  params: Map<string, string | undefined>;
  vars: Map<string, string>;
}

/** Splits a Bicep file into `param` (with default expression, if any) and `var` declarations. */
export function declarationsOf(source: string): BicepDeclarations {
  const text = stripComments(source);
  const params = new Map<string, string | undefined>();
  const vars = new Map<string, string>();
  const decl = /^(param|var)\s+([A-Za-z_][\w]*)\b([^\n=]*)(=)?/gm;
  for (let m = decl.exec(text); m; m = decl.exec(text)) {
    const [, kind, name, , eq] = m;
    const exprStart = m.index + m[0].length;
    const expr = eq ? readExpression(text, exprStart) : undefined;
    if (kind === 'param') params.set(name!, expr?.trim());
    else if (expr !== undefined) vars.set(name!, expr.trim());
  }
  return { params, vars };
}

/** Evaluates names in a Bicep file; `overrides` (from a .bicepparam) replace param defaults. */
export class BicepScope {
  readonly #decls: BicepDeclarations;
  readonly #overrides: Map<string, string>;
  readonly #readFile: FileReader;
  readonly #cache = new Map<string, BicepValue>();
  readonly #evaluating = new Set<string>();

  constructor(source: string, readFile: FileReader, overrides: Map<string, string> = new Map()) {
    this.#decls = declarationsOf(source);
    this.#overrides = overrides;
    this.#readFile = readFile;
  }

  /** True when the file declares a `var` of that name. */
  hasVar(name: string): boolean {
    return this.#decls.vars.has(name);
  }

  /** The raw expression text of a var (undefined when not declared). */
  varSource(name: string): string | undefined {
    return this.#decls.vars.get(name);
  }

  /** The value of a param or var; Opaque when it is not a literal or has no default. */
  value(name: string): BicepValue {
    const cached = this.#cache.get(name);
    if (cached !== undefined) return cached;
    if (this.#evaluating.has(name)) return { opaque: name };
    this.#evaluating.add(name);
    try {
      const expr = this.#overrides.get(name) ?? this.#decls.params.get(name) ?? this.#decls.vars.get(name);
      const result = expr === undefined ? { opaque: name } : this.evaluate(expr);
      this.#cache.set(name, result);
      return result;
    } finally {
      this.#evaluating.delete(name);
    }
  }

  /** Evaluates one expression in this file's scope. */
  evaluate(expr: string): BicepValue {
    const parser = new ExpressionParser(
      expr,
      (name) => (this.#decls.params.has(name) || this.#decls.vars.has(name) ? this.value(name) : { opaque: name }),
      this.#readFile,
    );
    return parser.parseWhole();
  }
}

/** The `param name = expr` assignments of a .bicepparam file. */
export function bicepparamAssignments(source: string): Map<string, string> {
  const text = stripComments(source);
  const out = new Map<string, string>();
  const re = /^param\s+([A-Za-z_]\w*)\s*=/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.set(m[1]!, readExpression(text, m.index + m[0].length).trim());
  return out;
}

/** Removes // and /* *\/ comments outside strings, keeping line structure. */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "'") {
      const end = endOfString(source, i);
      out += source.slice(i, end);
      i = end;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, '');
      i = stop;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Index just past the string literal starting at `start` (Bicep escapes a quote as \'). */
function endOfString(text: string, start: number): number {
  if (text.startsWith("'''", start)) {
    const end = text.indexOf("'''", start + 3);
    return end < 0 ? text.length : end + 3;
  }
  let i = start + 1;
  while (i < text.length && text[i] !== "'") i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The expression text from `start` to the end of its line, continuing across balanced brackets. */
function readExpression(text: string, start: number): string {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'") {
      i = endOfString(text, i);
      continue;
    }
    if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' || ch === ']' || ch === ')') depth--;
    else if (ch === '\n' && depth <= 0) break;
    i++;
  }
  return text.slice(start, i);
}

type Lookup = (name: string) => BicepValue;

class ExpressionParser {
  #i = 0;
  constructor(
    readonly src: string,
    readonly lookup: Lookup,
    readonly readFile: FileReader,
  ) {}

  parseWhole(): BicepValue {
    const value = this.parseValue();
    this.skipSpace(true);
    // Anything left over (operators, ternaries) makes the whole expression runtime-only.
    return this.#i < this.src.length ? { opaque: this.src.trim() } : value;
  }

  parseValue(): BicepValue {
    this.skipSpace(true);
    const start = this.#i;
    const ch = this.src[this.#i];
    let value: BicepValue;
    if (ch === "'") value = this.parseString();
    else if (ch === '[') value = this.parseArray();
    else if (ch === '{') value = this.parseObject();
    else if (ch !== undefined && /[-\d]/.test(ch)) value = this.parseNumber();
    else if (ch !== undefined && /[A-Za-z_]/.test(ch)) value = this.parseReference();
    else value = { opaque: this.skipToSeparator(start) };
    value = this.parsePostfix(value, start);
    this.skipSpace(false);
    // An operator after the value (ternary, comparison, ??) makes it runtime-only: keep its text, move on.
    const next = this.src[this.#i];
    if (next !== undefined && !/[\n,\]}]/.test(next)) return { opaque: this.skipToSeparator(start) };
    return value;
  }

  parsePostfix(value: BicepValue, start: number): BicepValue {
    let current = value;
    for (;;) {
      const ch = this.src[this.#i];
      if (ch === '.' && /[A-Za-z_]/.test(this.src[this.#i + 1] ?? '')) {
        this.#i++;
        const prop = this.readIdentifier();
        current =
          isOpaque(current) || typeof current !== 'object' || current === null || Array.isArray(current)
            ? { opaque: this.src.slice(start, this.#i) }
            : (current[prop] ?? { opaque: this.src.slice(start, this.#i) });
      } else if (ch === '[' || ch === '(') {
        this.skipBalanced();
        current = { opaque: this.src.slice(start, this.#i) };
      } else {
        return current;
      }
    }
  }

  parseString(): BicepValue {
    const start = this.#i;
    const end = endOfString(this.src, start);
    this.#i = end;
    const raw = this.src.slice(start, end);
    if (raw.startsWith("'''")) return raw.slice(3, -3);
    const body = raw.slice(1, -1);
    if (/(?<!\\)\$\{/.test(body)) return { opaque: raw };
    return body.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
  }

  parseNumber(): BicepValue {
    const m = /^-?\d+/.exec(this.src.slice(this.#i));
    if (!m) return { opaque: this.skipToSeparator(this.#i) };
    this.#i += m[0].length;
    return Number(m[0]);
  }

  parseReference(): BicepValue {
    const start = this.#i;
    const name = this.readIdentifier();
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'null') return null;
    if (this.src[this.#i] === '(') {
      const argsStart = this.#i;
      this.skipBalanced();
      if (name === 'loadJsonContent') return this.loadJson(this.src.slice(argsStart + 1, this.#i - 1), start);
      return { opaque: this.src.slice(start, this.#i) };
    }
    return this.lookup(name);
  }

  loadJson(args: string, start: number): BicepValue {
    const path = /^\s*'([^']*)'\s*$/.exec(args)?.[1];
    const text = path === undefined ? undefined : this.readFile(path);
    if (text === undefined) return { opaque: this.src.slice(start, this.#i) };
    try {
      return JSON.parse(text) as BicepValue;
    } catch {
      return { opaque: this.src.slice(start, this.#i) };
    }
  }

  parseArray(): BicepValue {
    this.#i++;
    const items: BicepValue[] = [];
    for (;;) {
      this.skipSpace(true, true);
      if (this.src[this.#i] === ']') {
        this.#i++;
        return items;
      }
      if (this.#i >= this.src.length) return { opaque: this.src };
      items.push(this.parseValue());
    }
  }

  parseObject(): BicepValue {
    this.#i++;
    const obj: { [key: string]: BicepValue } = {};
    for (;;) {
      this.skipSpace(true, true);
      if (this.src[this.#i] === '}') {
        this.#i++;
        return obj;
      }
      if (this.#i >= this.src.length) return { opaque: this.src };
      const key = this.src[this.#i] === "'" ? this.parseString() : this.readIdentifier();
      this.skipSpace(false);
      if (typeof key !== 'string' || this.src[this.#i] !== ':') return { opaque: this.src };
      this.#i++;
      obj[key] = this.parseValue();
    }
  }

  readIdentifier(): string {
    const m = /^[A-Za-z_][\w]*/.exec(this.src.slice(this.#i));
    const id = m?.[0] ?? '';
    this.#i += Math.max(id.length, 1);
    return id;
  }

  skipBalanced(): void {
    let depth = 0;
    while (this.#i < this.src.length) {
      const ch = this.src[this.#i]!;
      if (ch === "'") {
        this.#i = endOfString(this.src, this.#i);
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth--;
      this.#i++;
      if (depth === 0) return;
    }
  }

  /** Skips an unrecognised expression up to the next separator at this depth; returns its text. */
  skipToSeparator(start: number): string {
    while (this.#i < this.src.length && !/[\n,\]}]/.test(this.src[this.#i]!)) {
      if (this.src[this.#i] === "'") this.#i = endOfString(this.src, this.#i);
      else if ('([{'.includes(this.src[this.#i]!)) this.skipBalanced();
      else this.#i++;
    }
    return this.src.slice(start, this.#i).trim();
  }

  skipSpace(newlines: boolean, commas = false): void {
    const re = newlines ? (commas ? /[\s,]/ : /\s/) : /[ \t]/;
    while (this.#i < this.src.length && re.test(this.src[this.#i]!)) this.#i++;
  }
}
