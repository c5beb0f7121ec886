import { describe, expect, it } from 'vitest';
import { powerBiFiles } from './powerbi.js';
import { GOLD_TABLES } from './schema.js';

// The project itself (schemas, M, model against Parquet, report fields) is checked by test/powerbi.
describe('Power BI data dictionary', () => {
  it('documents every table and every column', () => {
    const dictionary = powerBiFiles().get('powerbi/data-dictionary.md')!;
    for (const t of GOLD_TABLES) {
      expect(dictionary).toContain(`## ${t.name} `);
      for (const c of t.columns) expect(dictionary).toContain(`| ${c.name} |`);
    }
  });
});
