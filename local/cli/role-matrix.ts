/**
 * `npm run role-matrix`: rewrites the README's API role matrix from the route table (shared/http/routes.ts), the one
 * place every route declares its roles. `npm run role-matrix -- --check` only reports whether it is current (exit 1
 * when stale), as the README test does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { roleMatrixMarkdown } from '../../shared/http/role-matrix.js';
import { readmeRoleMatrix, withRoleMatrix } from '../../shared/http/readme-role-matrix.js';
import { routeTable } from '../../shared/api/routes.js';

const readmePath = fileURLToPath(new URL('../../README.md', import.meta.url));
const readme = readFileSync(readmePath, 'utf8');
const current = readmeRoleMatrix(readme) === roleMatrixMarkdown(routeTable);
if (process.argv.includes('--check')) {
  console.log(current ? 'README role matrix is current.' : 'README role matrix is stale: run npm run role-matrix');
  process.exit(current ? 0 : 1);
}
if (current) console.log(`README role matrix is current (${routeTable.length} routes).`);
else {
  writeFileSync(readmePath, withRoleMatrix(readme, routeTable));
  console.log(`README role matrix rewritten from the route table (${routeTable.length} routes).`);
}
