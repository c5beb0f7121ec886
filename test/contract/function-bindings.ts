/**
 * Reads the triggers and bindings a function file registers, from its source text: every `app.<kind>(...)`,
 * `df.app.<kind>(...)`, `df.app.client.<kind>(...)`, `trigger.<kind>(...)`, `input.<kind>(...)` and
 * `output.<kind>(...)` call, with the options that name infrastructure (connection, hub, consumer group, topic,
 * subscription, queue, database, container, path) and every `%SETTING%` its options' string literals refer to
 * (a timer's schedule, a route, …). Values are string literals or references (identifiers, member chains) the
 * caller resolves.
 */
export const INFRA_OPTION_KEYS = [
  'connection',
  // The SignalR bindings name their connection setting so (AzureSignalRConnectionString by default).
  'connectionStringSetting',
  'eventHubName',
  'consumerGroup',
  'topicName',
  'subscriptionName',
  'queueName',
  'databaseName',
  'containerName',
  'path',
] as const;
export type InfraOptionKey = (typeof INFRA_OPTION_KEYS)[number];

/** An option value as written: a literal string, or a reference such as `PLANT_EVENTS_TOPIC` or `Hubs.telemetry`. */
export type OptionSource = { literal: string } | { reference: string };

export interface BindingSource {
  /** `trigger`, `input` or `output`: app.* and trigger.* register triggers. */
  role: 'trigger' | 'input' | 'output';
  /** The library call, e.g. `eventHub`, `serviceBusTopic`, `http`, `activity`. */
  kind: string;
  /** The registered name for app.* calls (first argument), when it is a literal. */
  functionName?: string;
  options: Partial<Record<InfraOptionKey, OptionSource>>;
  /** `%SETTING%` names in any string literal of the options object (resolved from app settings at run time). */
  settingRefs: string[];
}

const CALL = /\b(df\.app\.client|df\.app|app|trigger|input|output)\.([A-Za-z]+)\s*\(/g;

/** Every binding registered or declared in `source`. */
export function bindingsInSource(source: string): BindingSource[] {
  const text = stripTsComments(source);
  const out: BindingSource[] = [];
  for (let m = CALL.exec(text); m; m = CALL.exec(text)) {
    const owner = m[1]!;
    const kind = m[2]!;
    const argsStart = m.index + m[0].length;
    const args = balancedUntilClose(text, argsStart);
    const role = owner === 'input' ? 'input' : owner === 'output' ? 'output' : 'trigger';
    const objectText = topLevelObject(args) ?? '';
    const binding: BindingSource = {
      role,
      kind,
      options: optionsIn(objectText),
      settingRefs: settingRefsIn(objectText),
    };
    if (owner.endsWith('app') || owner.endsWith('client')) {
      const name = /^\s*(['"`])([^'"`]+)\1/.exec(args)?.[2];
      if (name !== undefined) binding.functionName = name;
    }
    // `app.setup(...)` and similar calls register nothing that names infrastructure.
    if (owner.endsWith('app') && kind === 'setup') continue;
    out.push(binding);
  }
  return out;
}

/** `%NAME%` references inside the string literals of an object literal's text (any depth), in order, once each. */
function settingRefsIn(objectText: string): string[] {
  const refs = new Set<string>();
  for (let i = 0; i < objectText.length; i++) {
    const ch = objectText[i]!;
    if (ch !== "'" && ch !== '"' && ch !== '`') continue;
    const end = endOfJsString(objectText, i);
    for (const m of objectText.slice(i + 1, end - 1).matchAll(/%([A-Za-z_][\w.:-]*)%/g)) refs.add(m[1]!);
    i = end - 1;
  }
  return [...refs];
}

/** The infrastructure options in an object literal's text (only its top level). */
function optionsIn(objectText: string): Partial<Record<InfraOptionKey, OptionSource>> {
  const options: Partial<Record<InfraOptionKey, OptionSource>> = {};
  const top = blankNested(objectText);
  for (const key of INFRA_OPTION_KEYS) {
    // Strings are blanked in `top`, so whitespace after the colon is skipped in the original text, not here.
    const m = new RegExp(`(?:^|[,{\\s])${key}\\s*:`).exec(top);
    if (!m) continue;
    const valueText = objectText.slice(m.index + m[0].length).trimStart();
    const literal = /^(['"])((?:\\.|(?!\1).)*)\1/.exec(valueText) ?? /^`([^`$]*)`/.exec(valueText);
    if (literal) {
      options[key] = { literal: literal[2] ?? literal[1] ?? '' };
      continue;
    }
    const ref = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/.exec(valueText);
    if (ref) options[key] = { reference: ref[0] };
  }
  // `{ connection }` shorthand names a variable that holds the value.
  for (const key of INFRA_OPTION_KEYS) {
    if (options[key] === undefined && new RegExp(`(?:^|[,{\\s])${key}\\s*(?=[,}])`).test(top))
      options[key] = { reference: key };
  }
  return options;
}

/** The first `{...}` at the top level of an argument list. */
function topLevelObject(args: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < args.length; i++) {
    const ch = args[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      i = endOfJsString(args, i) - 1;
      continue;
    }
    if (ch === '{' && depth === 0) return args.slice(i, i + balancedUntilClose(args, i + 1).length + 2);
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
  }
  return undefined;
}

/** Text from `start` up to (not including) the bracket that closes the one just before `start`. */
function balancedUntilClose(text: string, start: number): string {
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      i = endOfJsString(text, i);
      continue;
    }
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      depth--;
      if (depth === 0) break;
    }
    i++;
  }
  return text.slice(start, i);
}

/** Replaces the contents of nested brackets and strings inside an object literal by spaces, keeping offsets. */
function blankNested(objectText: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < objectText.length; i++) {
    const ch = objectText[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = endOfJsString(objectText, i);
      out += ' '.repeat(end - i);
      i = end - 1;
      continue;
    }
    if ('([{'.includes(ch)) depth++;
    out += depth > 1 ? ' ' : ch;
    if (')]}'.includes(ch)) depth--;
  }
  return out;
}

function endOfJsString(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Removes // and /* *\/ comments outside strings. */
function stripTsComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = endOfJsString(source, i);
      out += source.slice(i, end);
      i = end;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}
