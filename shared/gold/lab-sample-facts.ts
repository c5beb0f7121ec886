/**
 * fact_lab_sample from the lab store's silver files (shared/lab/lab-store.ts): every line's samples taken on a UTC
 * date, one row per sample id (its newest report).
 */
import { z } from 'zod';
import { StoredLabSample } from '../lab/lab-sample.js';
import { LAB_SAMPLES_FOLDER, newestPerSampleId } from '../lab/lab-store.js';
import type { JsonFactSource } from './json-facts.js';
import { dateKeyOf } from './minute-facts.js';
import { FACT_LAB_SAMPLE } from './schema.js';
import type { GoldRow } from './table-io.js';

const SampleFile = z.array(StoredLabSample);

/** The row of one stored sample. */
export function labSampleRow(s: StoredLabSample): GoldRow {
  return {
    sampleId: s.sampleId,
    lineId: s.lineId,
    cellId: s.cellId,
    dateKey: dateKeyOf(s.sampledAtMs),
    sampledMs: s.sampledAtMs,
    receivedMs: s.receivedAtMs,
    kind: s.kind,
    lab: s.lab,
    alf3Pct: s.alf3Pct,
    caf2Pct: s.caf2Pct,
    aluminaPct: s.aluminaPct,
    mgf2Pct: s.mgf2Pct,
    lifPct: s.lifPct,
    bathTempC: s.bathTempC,
    liquidusC: s.liquidusC,
    superheatK: s.superheatK,
    fePct: s.fePct,
    siPct: s.siPct,
    uploadId: s.uploadId,
  };
}

export const LAB_SAMPLE_FACTS: JsonFactSource = {
  table: FACT_LAB_SAMPLE,
  container: 'silver',
  role: 'lab_sample',
  prefix: (date) => `${LAB_SAMPLES_FOLDER}/date=${date}/`,
  keep: (path) => path.endsWith('.json'),
  rows: (files) => {
    const samples = files.flatMap((f) => {
      const parsed = SampleFile.safeParse(f.json);
      return parsed.success ? parsed.data : [];
    });
    // One row per sample id and cell: the same lab id on two lines would be two samples, not a correction.
    const byCell = new Map<string, StoredLabSample[]>();
    for (const s of samples) byCell.set(s.cellId, [...(byCell.get(s.cellId) ?? []), s]);
    return [...byCell.values()].flatMap((list) => newestPerSampleId(list)).map(labSampleRow);
  },
};
