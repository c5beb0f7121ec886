/**
 * ASP.NET-style route templates as Azure Functions HTTP triggers use them: literal segments (case-insensitive),
 * `{name}`, optional `{name?}` (trailing), constrained `{id:int}` / `{x:alpha}` / `{g:guid}` / `{b:bool}`, and a
 * catch-all `{*rest}`. Enough for the platform's routes, not the whole ASP.NET grammar.
 */

export interface CompiledRoute {
  template: string;
  /** Higher is more specific; used to pick one route when several match. */
  specificity: number[];
  match(path: string): Record<string, string> | undefined;
}

export class RouteTemplateError extends Error {
  readonly code = 'ERR-DEVHOST-ROUTE';
  constructor(
    readonly template: string,
    detail: string,
  ) {
    super(`Route template "${template}" ${detail}.`);
    this.name = 'RouteTemplateError';
  }
}

/** Regex per constraint; constraints with arguments (min(1), length(3)…) are accepted and not checked locally. */
const CONSTRAINTS: Record<string, string> = {
  int: '-?\\d+',
  long: '-?\\d+',
  double: '-?\\d+(?:\\.\\d+)?',
  float: '-?\\d+(?:\\.\\d+)?',
  decimal: '-?\\d+(?:\\.\\d+)?',
  bool: '(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])',
  alpha: '[A-Za-z]+',
  guid: '[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}',
  datetime: '[^/]+',
};

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface ParamToken {
  name: string;
  optional: boolean;
  catchAll: boolean;
  pattern: string;
  constrained: boolean;
}

function parseParam(template: string, body: string): ParamToken {
  const catchAll = body.startsWith('*');
  const rest = catchAll ? body.slice(1) : body;
  const optional = rest.endsWith('?');
  const [name = '', ...constraints] = (optional ? rest.slice(0, -1) : rest).split(':');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new RouteTemplateError(template, `has an invalid parameter name "${name}"`);
  let pattern = catchAll ? '.*' : '[^/]+';
  for (const c of constraints) {
    const key = c.replace(/\(.*\)$/, '').toLowerCase();
    if (CONSTRAINTS[key]) pattern = CONSTRAINTS[key];
  }
  return { name, optional, catchAll, pattern, constrained: constraints.length > 0 };
}

/** Compiles a template (without leading slash or routePrefix) into a matcher over a path like `v1/cells/L1-C001`. */
export function compileRoute(template: string): CompiledRoute {
  const names: string[] = [];
  const specificity: number[] = [];
  let regex = '';
  const segments = template.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    const whole = /^\{([^{}]+)\}$/.exec(segment);
    if (whole?.[1]) {
      const p = parseParam(template, whole[1]);
      names.push(p.name);
      if (p.catchAll) {
        regex += `(?:/(${p.pattern}))?`;
        specificity.push(0);
      } else if (p.optional) {
        regex += `(?:/(${p.pattern}))?`;
        specificity.push(1);
      } else {
        regex += `/(${p.pattern})`;
        specificity.push(p.constrained ? 3 : 2);
      }
      continue;
    }
    let part = '';
    let hasParam = false;
    for (const piece of segment.split(/(\{[^{}]+\})/)) {
      if (piece.startsWith('{') && piece.endsWith('}')) {
        const p = parseParam(template, piece.slice(1, -1));
        names.push(p.name);
        part += `(${p.pattern === '[^/]+' ? '[^/]+?' : p.pattern})`;
        hasParam = true;
      } else {
        part += escapeRegex(piece);
      }
    }
    regex += `/${part}`;
    specificity.push(hasParam ? 3 : 4);
  }
  const re = new RegExp(`^${regex}$`, 'i');
  return {
    template,
    specificity,
    match(path: string) {
      const trimmed = path.replace(/^\/+|\/+$/g, '');
      const m = re.exec(trimmed ? `/${trimmed}` : '');
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const v = m[i + 1];
        // The path was decoded once already (path-decoding.ts), as Azure's host does: no second decoding.
        if (v !== undefined) params[name] = v;
      });
      return params;
    },
  };
}

/** Orders routes most specific first (literal beats constrained beats plain beats optional beats catch-all). */
export function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.max(a.specificity.length, b.specificity.length);
  for (let i = 0; i < n; i++) {
    const d = (b.specificity[i] ?? -1) - (a.specificity[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
