/**
 * A focused structural check of an OpenAPI 3.1 document: the rules of the specification this API's document could
 * break (version, required objects, path templating, parameter rules, response keys, operation ids, local $refs,
 * security scheme names). Returns every problem found, each naming where it is.
 */
export function openApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObject(doc)) return ['document: not an object'];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi))
    fail('openapi', 'must be a 3.1.x version string');
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== 'string' || typeof info.version !== 'string')
    fail('info', 'needs string title and version');
  if (!isObject(doc.paths)) fail('paths', 'must be an object');
  const schemes =
    isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isObject(scheme) || !['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(String(scheme.type)))
      fail(`securitySchemes.${name}`, 'invalid type');
    if (isObject(scheme) && scheme.type === 'http' && typeof scheme.scheme !== 'string')
      fail(`securitySchemes.${name}`, 'http scheme needs `scheme`');
  }
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!path.startsWith('/')) fail(path, 'path must start with /');
    if (!isObject(item)) {
      fail(path, 'path item must be an object');
      continue;
    }
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!HTTP_METHODS.has(method)) {
        if (!['summary', 'description', 'servers', 'parameters', '$ref'].includes(method))
          fail(where, 'unknown path item field');
        continue;
      }
      if (!isObject(op)) {
        fail(where, 'operation must be an object');
        continue;
      }
      if (typeof op.operationId === 'string') {
        if (operationIds.has(op.operationId)) fail(where, `duplicate operationId ${op.operationId}`);
        operationIds.add(op.operationId);
      }
      const params = Array.isArray(op.parameters) ? op.parameters : [];
      const seen = new Set<string>();
      for (const p of params) {
        if (
          !isObject(p) ||
          typeof p.name !== 'string' ||
          !['query', 'header', 'path', 'cookie'].includes(String(p.in))
        ) {
          fail(where, 'parameter needs name and a valid `in`');
          continue;
        }
        const key = `${String(p.in)}:${p.name}`;
        if (seen.has(key)) fail(where, `duplicate parameter ${key}`);
        seen.add(key);
        if (p.in === 'path' && p.required !== true) fail(where, `path parameter ${p.name} must be required`);
        if (p.in === 'path' && !templated.includes(p.name))
          fail(where, `path parameter ${p.name} is not in the template`);
        if (!('schema' in p) && !('content' in p)) fail(where, `parameter ${p.name} needs schema or content`);
      }
      for (const name of templated)
        if (!seen.has(`path:${name}`)) fail(where, `template parameter {${name}} is not declared`);
      if (op.requestBody !== undefined && (!isObject(op.requestBody) || !isObject(op.requestBody.content)))
        fail(where, 'requestBody needs content');
      if (!isObject(op.responses) || Object.keys(op.responses).length === 0) fail(where, 'needs at least one response');
      for (const [status, res] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        if (!/^(?:[1-5](?:\d\d|XX)|default)$/.test(status)) fail(where, `response key ${status} is not a status code`);
        if (!isObject(res) || (typeof res.description !== 'string' && typeof res.$ref !== 'string'))
          fail(`${where} ${status}`, 'response needs a description');
      }
      for (const req of Array.isArray(op.security) ? op.security : []) {
        for (const name of Object.keys(isObject(req) ? req : {}))
          if (!(name in schemes)) fail(where, `security scheme ${name} is not defined`);
      }
    }
  }
  walkRefs(doc, '#', (ref, where) => {
    if (!ref.startsWith('#/')) return fail(where, `only local $refs expected, got ${ref}`);
    let node: unknown = doc;
    for (const part of ref.slice(2).split('/'))
      node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (node === undefined) fail(where, `$ref ${ref} does not resolve`);
  });
  return problems;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walkRefs(node: unknown, where: string, visit: (ref: string, where: string) => void): void {
  if (Array.isArray(node)) return node.forEach((n, i) => walkRefs(n, `${where}/${i}`, visit));
  if (!isObject(node)) return;
  if (typeof node.$ref === 'string') visit(node.$ref, where);
  for (const [k, v] of Object.entries(node)) walkRefs(v, `${where}/${k}`, visit);
}
