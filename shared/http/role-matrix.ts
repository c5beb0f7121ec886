import { ROUTE_PREFIX } from './paths.js';
import { ALL_ROLES } from './roles.js';
import type { RouteSpec } from './route-spec.js';

/** The role matrix as a Markdown table (one row per route, ✓ where a role may call it), for the README. */
export function roleMatrixMarkdown(table: readonly RouteSpec[]): string {
  const header = ['Method', 'Path', ...ALL_ROLES, 'Summary'];
  const rows = table.map((r) => [
    r.method,
    `\`/${ROUTE_PREFIX}/${r.path}\``,
    ...ALL_ROLES.map((role) => (r.access === 'public' ? 'public' : r.access.includes(role) ? '✓' : '')),
    r.summary.replace(/\|/g, '\\|'),
  ]);
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
