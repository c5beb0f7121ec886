import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { powerBiFiles } from './powerbi.js';
import { GOLD_TABLES } from './schema.js';

describe('Power BI assets', () => {
  it('the committed files equal what the schema generates (run shared/gold/generate-powerbi.ts after a schema change)', () => {
    for (const [file, content] of powerBiFiles()) expect(readFileSync(file, 'utf8'), file).toBe(content);
  });

  it('documents every table and every column', () => {
    const dictionary = powerBiFiles().get('powerbi/data-dictionary.md')!;
    for (const t of GOLD_TABLES) {
      expect(dictionary).toContain(`## ${t.name} `);
      for (const c of t.columns) expect(dictionary).toContain(`| ${c.name} |`);
    }
  });
});
