// Writes bicep/shared-generated/*.json from the code's definitions (run after changing shared/messaging or
// shared/azure/containers.ts): npx tsx test/contract/generate-bicep-inputs.ts [--check]
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedBicepInputs } from './generated-inputs.js';

const bicepDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bicep');
const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, text] of Object.entries(generatedBicepInputs())) {
  const file = path.join(bicepDir, rel);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    console.error(
      `ERR-GENERATED-STALE: bicep/${rel} differs from the code; run npx tsx test/contract/generate-bicep-inputs.ts`,
    );
    stale++;
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote bicep/${rel}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
