/** Writes the generated Power BI assets and data dictionary into powerbi/ (run from the repository root). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { powerBiFiles } from './powerbi.js';

for (const [file, content] of powerBiFiles()) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.log(file);
}
