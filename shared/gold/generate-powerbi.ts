/**
 * Writes the generated Power BI project, diagram and data dictionary into powerbi/ and removes files there it no
 * longer generates (run from the repository root).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { powerBiFiles } from './powerbi.js';

const files = powerBiFiles();
for (const [file, content] of files) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}
for (const entry of readdirSync('powerbi', { recursive: true, withFileTypes: true })) {
  const file = path.join(entry.parentPath, entry.name);
  if (entry.isFile() && !files.has(file.split(path.sep).join('/'))) {
    rmSync(file);
    console.log(`removed ${file}`);
  }
}
console.log(`${files.size} files in powerbi/`);
