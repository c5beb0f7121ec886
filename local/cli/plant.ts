/**
 * `npm run plant -- check <file>`: validates a plant model and names every problem with its path.
 * `npm run plant -- schema`: writes plants/plant-model.schema.json from the zod schema (run after changing it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { plantModelJsonSchemaText } from '../../shared/plant/json-schema.js';
import { parsePlantModel, PlantModelError } from '../../shared/plant/plant-model.js';
import { PlantIndex } from '../../shared/plant/plant-index.js';

const [command, file] = process.argv.slice(2);
if (command === 'schema') {
  const out = path.resolve('plants/plant-model.schema.json');
  writeFileSync(out, plantModelJsonSchemaText());
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} else if (command === 'check' && file) {
  try {
    const index = new PlantIndex(parsePlantModel(JSON.parse(readFileSync(file, 'utf8'))));
    const lines = index.lines().map((l) => `${l.line.lineId} (${l.technology.name}, ${l.line.cells.length} cells)`);
    console.log(`${file}: valid, version ${index.version}; lines ${lines.join(', ')}`);
  } catch (e) {
    if (!(e instanceof PlantModelError)) throw e;
    console.error(`${file}: invalid`);
    for (const p of e.problems) console.error(`  ${p}`);
    process.exit(1);
  }
} else {
  console.error('usage: npm run plant -- check <file> | schema');
  process.exit(2);
}
