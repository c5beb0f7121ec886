/**
 * fact_model_accuracy from the runs' accuracy files (assess-model-accuracy.ts): the cells of every run started on a
 * UTC date that has been assessed.
 */
import { RunAccuracyFile } from './assess-model-accuracy.js';
import type { JsonFactSource } from './json-facts.js';
import { FACT_MODEL_ACCURACY } from './schema.js';
import type { GoldRow } from './table-io.js';

export const MODEL_ACCURACY_FACTS: JsonFactSource = {
  table: FACT_MODEL_ACCURACY,
  container: 'gold',
  role: 'model_accuracy',
  prefix: (date) => `optimization_runs/date=${date}/`,
  keep: (path) => path.endsWith('/accuracy.json') && !path.includes('/_work/'),
  rows: (files) =>
    files.flatMap((f) => {
      const parsed = RunAccuracyFile.safeParse(f.json);
      return parsed.success ? parsed.data.rows.map((r) => ({ ...r }) as unknown as GoldRow) : [];
    }),
};
