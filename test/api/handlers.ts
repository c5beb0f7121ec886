import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isRouteHandler } from '../../functions/api/respond.js';
import type { Handler } from './harness.js';

/**
 * The handler of every route, by function name, found in the function modules themselves (each exports the
 * apiHandler it registers, and the handler carries its route): no second list to keep in step. The contract suite
 * fails when a route of the table has none.
 */
const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../functions/api');
const modules = await Promise.all(
  readdirSync(apiDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map(async (f) => (await import(pathToFileURL(path.join(apiDir, f)).href)) as Record<string, unknown>),
);
export const handlersByRoute: Record<string, Handler> = Object.fromEntries(
  modules.flatMap((m) => Object.values(m).filter(isRouteHandler)).map((h) => [h.route.name, h]),
);

export { exampleParams } from './example-params.js';
