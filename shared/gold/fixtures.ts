/** Builders for curation tests and the benchmark: silver rows and batches written as the ingest path writes them. */
import type { LakeStore } from '../lake/lake-store.js';
import { goldMinutePath, silverPath, utcDate, utcHour } from '../lake/paths.js';
import { encodeMinuteAggregates, encodeSilver } from '../telemetry/telemetry-tables.js';
import { aggregateMinutes } from '../telemetry/aggregates.js';
import type { FlagName } from '../telemetry/flags.js';
import type { SilverRow } from '../telemetry/records.js';
import type { CurationConfig } from './curate.js';
import type { EmissionFactors, KpiParameters } from './kpi.js';
import { lineKpiParameters } from './line-kpi-parameters.js';
import type { PlantIndex } from '../plant/plant-index.js';
import { TEST_PLANT } from '../plant/test-plant.js';

/** The settings defaults (shared/config/settings.ts) as emission factors. */
export const DEFAULT_EMISSION_FACTORS: EmissionFactors = {
  gridCo2KgPerKWh: 0.46,
  anodeCo2TPerTAl: 1.6,
  pfcSefCf4: 0.104,
  pfcFC2f6: 0.057,
  gwpCf4: 6630,
  gwpC2f6: 11100,
};

/** The KPI parameters of a line of the test plant (its technology and envelope, plants/test-plant.json). */
export const TEST_LINE_KPI_PARAMETERS: KpiParameters = lineKpiParameters(DEFAULT_EMISSION_FACTORS, TEST_PLANT, 'L1')!;

/** A curation config with a fixed clock, on the test plant (lines L1–L3 of 100 base cells) unless told otherwise. */
export function testCurationConfig(
  nowIso = '2026-11-22T12:00:00Z',
  force = false,
  plant: PlantIndex = TEST_PLANT,
): CurationConfig {
  return {
    emissions: DEFAULT_EMISSION_FACTORS,
    plant,
    plantId: 'plant-01',
    codeVersion: '0.1.0',
    now: () => new Date(nowIso),
    force,
  };
}

const UNITS: Record<string, string> = {
  cellVoltage: 'V',
  lineCurrent: 'kA',
  bathTemp: 'degC',
  aluminaFeed: 'kg',
  metalHeight: 'cm',
  bathHeight: 'cm',
  shellTemp: 'degC',
  anodeBeamPosition: 'cm',
};

/** A good silver row of a point. */
export function silverRow(
  lineId: string,
  cellId: string,
  tag: string,
  tsMs: number,
  value: number,
  flags: readonly FlagName[] = [],
): SilverRow {
  const unit = UNITS[tag] ?? '';
  return {
    lineId,
    cellId,
    tag,
    tsMs,
    value,
    unit,
    rawValue: value,
    rawUnit: unit,
    quality: 'good',
    flags,
    seq: null,
    partition: '0',
    sequenceNumber: 0,
    enqueuedMs: tsMs,
  };
}

/** Writes one batch as the ingest path does: per event date and line, a silver file and a minute-partial file. */
export async function writeBatch(
  lake: LakeStore,
  partition: string,
  firstSeq: number,
  lastSeq: number,
  rows: readonly SilverRow[],
): Promise<void> {
  const range = { partition, firstSeq, lastSeq };
  const silver = new Map<string, SilverRow[]>();
  const gold = new Map<string, SilverRow[]>();
  for (const r of rows) {
    const s = silverPath(range, utcDate(r.tsMs), r.lineId, utcHour(r.tsMs));
    silver.set(s, [...(silver.get(s) ?? []), r]);
    const g = goldMinutePath(range, utcDate(r.tsMs), r.lineId);
    gold.set(g, [...(gold.get(g) ?? []), r]);
  }
  for (const [path, group] of silver) await lake.put('silver', path, encodeSilver(group));
  for (const [path, group] of gold) await lake.put('gold', path, encodeMinuteAggregates(aggregateMinutes(group)));
}
