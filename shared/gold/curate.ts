/**
 * Hourly gold curation: per date × line × hour, compact silver into one file (shared/telemetry/silver-hours.ts), merge the
 * per-batch minute partials into final minute facts, derive cell-hour and line-day facts, compact the day's
 * data-quality batches, and refresh the dimensions. Each hour's
 * lineage manifest lists the partials it read; an hour is curated again only when that set changed (late data, a
 * redelivered batch), the previous hour changed, or the code version did. Writes are skipped when bytes are equal,
 * so running twice leaves every file as it was.
 */
import { listAll, type LakeEntry, type LakeStore } from '../lake/lake-store.js';
import { decodeMinuteAggregates } from '../telemetry/telemetry-tables.js';
import { utcDate, utcHour } from '../lake/paths.js';
import { compactSilverHour, silverHourFiles, silverHoursOf, type SilverCompaction } from '../telemetry/silver-hours.js';
import type { MinuteAggregate } from '../telemetry/aggregates.js';
import { compactDataQuality } from './data-quality.js';
import { areaRows, cellRows, dateRows, lineRows, siteRows, tagRows, timeRows } from './dimensions.js';
import { GOLD, readManifest, writeGoldPartition, type LineageStamp } from './gold-writer.js';
import { buildCellHourFacts, inAnodeEffect, type CellHourFact } from './hour-facts.js';
import { buildLineDayFact } from './day-facts.js';
import { curateEntityFacts, entityDatesFor } from './event-facts.js';
import { compactPlantEvents } from './plant-events.js';
import type { EmissionFactors, KpiParameters } from './kpi.js';
import { lineKpiParameters, siteEmissionFactors } from './line-kpi-parameters.js';
import type { PlantIndex } from '../plant/plant-index.js';
import { entryFingerprint, sha256, type LineageInput, type LineageManifest } from './lineage.js';
import { mergeMinutePartials, type CellMinuteFact } from './minute-facts.js';
import { goldDataPath, goldLineagePath, goldPartitionDir, minutePartialsPrefix } from './paths.js';
import * as S from './schema.js';
import { decodeGoldTable, type GoldRow } from './table-io.js';
import { DomainError } from '../kernel/errors.js';

const HOUR_MS = 3_600_000;

/** What a curation run needs besides the lake. */
export interface CurationConfig {
  /** The app settings' emission factors (the plant model's site may state its own). */
  emissions: EmissionFactors;
  /** The plant model in force: each line's design for its KPIs, and the hierarchy of the dimensions. */
  plant: PlantIndex;
  /** The ledger collection of the plant's archived events (PLANT_ID). */
  plantId: string;
  codeVersion: string;
  /** Time stamped into manifests (injected so tests are deterministic). */
  now: () => Date;
  /** Curate every requested hour even when its inputs are unchanged. */
  force?: boolean;
}

/** Hours [fromMs, toMs) (rounded down to whole UTC hours), optionally for some lines only. */
export interface CurationRequest {
  fromMs: number;
  toMs: number;
  lines?: readonly string[];
}

export interface CurationSummary {
  curated: { date: string; lineId: string; hour: number; partials: number; minuteRows: number; cellHourRows: number }[];
  /** Silver line-hours compacted in the range (those whose files changed). */
  silver: SilverCompaction[];
  skippedHours: number;
  lineDays: number;
  qualityDates: number;
  /** Dates whose archived plant events were compacted (fact_plant_event). */
  eventDates: number;
  /** Archived payload blobs that are not plant events: left in place and skipped (check who wrote them). */
  unreadablePayloads: string[];
  /**
   * Lines with minute partials that the plant model in force does not have: not curated (no design to compute their
   * KPIs with); their partials stay, and a curation after the model has them again curates them.
   */
  linesNotInPlant: string[];
  filesWritten: number;
  elapsedMs: number;
}

export class CurationError extends DomainError {
  constructor(
    override readonly field: string,
    detail: string,
  ) {
    super('invalid-input', 'ERR-GOLD-CURATION', detail, field);
  }
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const hh = (h: number) => String(h).padStart(2, '0');

/** Curates the requested hours (see module comment); returns what was done. */
export async function curateRange(
  lake: LakeStore,
  req: CurationRequest,
  cfg: CurationConfig,
): Promise<CurationSummary> {
  const started = performance.now();
  const fromMs = Math.floor(req.fromMs / HOUR_MS) * HOUR_MS;
  if (!(req.toMs > fromMs))
    throw new CurationError(
      'toMs',
      `curation range is empty: to (${new Date(req.toMs).toISOString()}) must be after from (${new Date(fromMs).toISOString()})`,
    );
  const hoursByDate = new Map<string, number[]>();
  for (let t = fromMs; t < req.toMs; t += HOUR_MS) {
    const d = utcDate(t);
    hoursByDate.set(d, [...(hoursByDate.get(d) ?? []), Number(utcHour(t))]);
  }
  const emissions = siteEmissionFactors(cfg.emissions, cfg.plant);
  const stamp: LineageStamp = {
    codeVersion: cfg.codeVersion,
    curatedAt: cfg.now().toISOString(),
    parameters: { ...emissions, plantModelVersion: cfg.plant.version },
  };
  const summary: CurationSummary = {
    curated: [],
    silver: [],
    skippedHours: 0,
    lineDays: 0,
    qualityDates: 0,
    eventDates: 0,
    unreadablePayloads: [],
    linesNotInPlant: [],
    filesWritten: 0,
    elapsedMs: 0,
  };
  const cellsSeen = new Map<string, string>();
  const count = (w: { dataWritten: boolean; manifestWritten: boolean }) => {
    summary.filesWritten += Number(w.dataWritten) + Number(w.manifestWritten);
  };

  for (const [date, hours] of hoursByDate) {
    const wanted = new Set(hours);
    for (const h of await silverHoursOf(lake, date)) {
      if (!wanted.has(h.hour) || (req.lines && !req.lines.includes(h.lineId))) continue;
      const c = await compactSilverHour(lake, h);
      if (c.filesBefore !== c.filesAfter || c.batchesFolded || c.conflict) summary.silver.push(c);
    }
    const lines = req.lines ?? (await discoverLines(lake, date));
    for (const lineId of lines) {
      const params = lineKpiParameters(emissions, cfg.plant, lineId);
      if (!params) {
        if (!summary.linesNotInPlant.includes(lineId)) summary.linesNotInPlant.push(lineId);
        continue;
      }
      // Each line's manifests record the parameters its KPIs were computed with.
      const lineStamp: LineageStamp = { ...stamp, parameters: { ...params } };
      await curateLineDate(lake, date, lineId, hours, cfg, params, lineStamp, summary, cellsSeen, count);
    }
    const dq = await compactDataQuality(lake, date, cfg.force ?? false, stamp);
    if (dq) {
      summary.qualityDates++;
      count(dq);
    }
    const events = await compactPlantEvents(lake, cfg.plantId, date, cfg.force ?? false, stamp);
    if (events) {
      summary.eventDates++;
      summary.unreadablePayloads.push(...events.unreadable);
      count(events.write);
    }
  }
  for (const w of await curateEntityFacts(lake, entityDatesFor(hoursByDate.keys()), cfg.force ?? false, stamp))
    count(w);
  await writeDimensions(lake, cellsSeen, [...hoursByDate.keys()], cfg.plant, cfg.plantId, stamp, count);
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/** Lines with partials on a date (from the partition folders). */
async function discoverLines(lake: LakeStore, date: string): Promise<string[]> {
  const lines = new Set<string>();
  for (const e of await listAll(lake, GOLD, `telemetry_minute/date=${date}/`)) {
    const m = /\/line=([^/]+)\//.exec(e.path);
    if (m) lines.add(decodeURIComponent(m[1]!));
  }
  return [...lines].sort();
}

interface DecodedPartial {
  rows: MinuteAggregate[];
  sha256: string;
  hours: number[];
}

async function curateLineDate(
  lake: LakeStore,
  date: string,
  lineId: string,
  hours: number[],
  cfg: CurationConfig,
  params: KpiParameters,
  stamp: LineageStamp,
  summary: CurationSummary,
  cellsSeen: Map<string, string>,
  count: (w: { dataWritten: boolean; manifestWritten: boolean }) => void,
): Promise<void> {
  const partials = (await listAll(lake, GOLD, minutePartialsPrefix(date, lineId)))
    .filter((e) => e.path.endsWith('.parquet'))
    .sort(byPath);

  // What earlier runs learnt: each hour's manifest lists its partials with the hours they touch.
  const manifests = new Map<number, LineageManifest>();
  const known = new Map<string, LineageInput>();
  for (const e of await listAll(lake, GOLD, goldPartitionDir(S.FACT_CELL_MINUTE.name, { date, lineId }))) {
    if (!e.path.endsWith('/_lineage.json')) continue;
    const m = await readManifest(lake, e.path);
    const hour = /\/hour=(\d\d)\//.exec(e.path);
    if (!m || !hour) continue;
    manifests.set(Number(hour[1]), m);
    for (const i of m.inputs) if (i.role === 'minute_partial') known.set(entryFingerprint(i.container, i), i);
  }

  const decoded = new Map<string, DecodedPartial>();
  const hoursOf = new Map<string, number[]>();
  const wanted = new Set(hours);
  for (const e of partials) {
    const k = known.get(entryFingerprint(GOLD, e));
    if (k?.hours) {
      hoursOf.set(e.path, k.hours);
      continue;
    }
    const d = await readPartial(lake, e.path);
    hoursOf.set(e.path, d.hours);
    if (d.hours.some((h) => wanted.has(h))) decoded.set(e.path, d);
  }

  // Anode-effect state at the end of each hour (cells in AE in its last minute), as recorded in the manifests: the
  // next hour depends on it (an effect running over the hour boundary is counted once), not on the whole file.
  const aeAtEnd = new Map<number, string>();
  for (const [h, m] of manifests) aeAtEnd.set(h, String(m.parameters.aeCellsAtEnd ?? ''));
  const hourFacts = new Map<number, CellHourFact[]>();
  for (const hour of [...hours].sort((a, b) => a - b)) {
    const inputs = partials.filter((e) => hoursOf.get(e.path)!.includes(hour));
    const manifest = manifests.get(hour);
    if (!inputs.length && !manifest) continue;
    const aeBefore = hour > 0 ? (aeAtEnd.get(hour - 1) ?? '') : await aeAtEndOfPreviousDate(lake, date, lineId);
    if (!cfg.force && manifest && unchanged(manifest, inputs, aeBefore, cfg.codeVersion)) {
      summary.skippedHours++;
      continue;
    }
    const hourStartMs = Date.parse(`${date}T${hh(hour)}:00:00Z`);
    const rows: MinuteAggregate[] = [];
    const lineage: LineageInput[] = [];
    for (const e of inputs) {
      const d = decoded.get(e.path) ?? (await readPartial(lake, e.path));
      for (const r of d.rows)
        if (r.minuteStartMs >= hourStartMs && r.minuteStartMs < hourStartMs + HOUR_MS) rows.push(r);
      lineage.push({
        container: GOLD,
        path: e.path,
        size: e.size,
        lastModifiedMs: e.lastModified.getTime(),
        sha256: d.sha256,
        role: 'minute_partial',
        hours: d.hours,
      });
    }
    // The hour's silver as readers see it now (after its compaction: one file).
    for (const s of await silverHourFiles(lake, { date, lineId, hour }))
      lineage.push({
        container: 'silver',
        path: s.path,
        size: s.size,
        lastModifiedMs: s.lastModified.getTime(),
        role: 'silver',
      });
    const minuteFacts = mergeMinutePartials(rows);
    const endState = anodeEffectAtMinute(minuteFacts, hourStartMs + HOUR_MS - 60_000, params.anodeEffectThresholdV);
    aeAtEnd.set(hour, endState);
    const hourStamp = {
      ...stamp,
      parameters: { ...stamp.parameters, aeCellsBefore: aeBefore, aeCellsAtEnd: endState },
    };
    count(
      await writeGoldPartition(
        lake,
        S.FACT_CELL_MINUTE,
        { date, lineId, hour },
        minuteFacts as unknown as GoldRow[],
        lineage,
        hourStamp,
      ),
    );
    const cellHours = buildCellHourFacts(
      minuteFacts,
      hourStartMs,
      params,
      new Set(aeBefore ? aeBefore.split(',') : []),
    );
    hourFacts.set(hour, cellHours);
    for (const f of minuteFacts) cellsSeen.set(f.cellId, f.lineId);
    summary.curated.push({
      date,
      lineId,
      hour,
      partials: inputs.length,
      minuteRows: minuteFacts.length,
      cellHourRows: cellHours.length,
    });
  }
  // Memory: the decoded partials are not needed past this point.
  decoded.clear();

  const dayManifest = await readManifest(lake, goldLineagePath(S.FACT_CELL_HOUR.name, { date, lineId }));
  if (hourFacts.size || (cfg.force && dayManifest))
    await writeCellHourDay(lake, date, lineId, hourFacts, dayManifest, stamp, count);
  const lineDayManifest = await readManifest(lake, goldLineagePath(S.FACT_LINE_DAY.name, { date, lineId }));
  const paramsChanged =
    lineDayManifest && JSON.stringify(lineDayManifest.parameters) !== JSON.stringify(stamp.parameters);
  if (hourFacts.size || paramsChanged || cfg.force || (!lineDayManifest && dayManifest)) {
    if (await writeLineDay(lake, date, lineId, params, stamp, count)) summary.lineDays++;
  }
}

async function readPartial(lake: LakeStore, path: string): Promise<DecodedPartial> {
  const bytes = await lake.get(GOLD, path);
  if (!bytes)
    throw new CurationError('path', `partial gold/${path} disappeared while curating; run the curation again`);
  const rows = await decodeMinuteAggregates(bytes);
  const hours = [...new Set(rows.map((r) => Math.floor(r.minuteStartMs / HOUR_MS) % 24))].sort((a, b) => a - b);
  return { rows, sha256: sha256(bytes), hours };
}

/** Cells in anode effect at the end of hour 23 of the previous date, from its manifest ('' when none). */
async function aeAtEndOfPreviousDate(lake: LakeStore, date: string, lineId: string): Promise<string> {
  const prev = utcDate(Date.parse(`${date}T00:00:00Z`) - HOUR_MS);
  const m = await readManifest(lake, goldLineagePath(S.FACT_CELL_MINUTE.name, { date: prev, lineId, hour: 23 }));
  return String(m?.parameters.aeCellsAtEnd ?? '');
}

/** True when the manifest was made from exactly these partials, this anode-effect state before and this code. */
function unchanged(m: LineageManifest, inputs: LakeEntry[], aeBefore: string, codeVersion: string): boolean {
  if (m.codeVersion !== codeVersion || String(m.parameters.aeCellsBefore ?? '') !== aeBefore) return false;
  const before = m.inputs
    .filter((i) => i.role === 'minute_partial')
    .map((i) => entryFingerprint(i.container, i))
    .sort();
  const now = inputs.map((e) => entryFingerprint(GOLD, e)).sort();
  return before.length === now.length && before.every((f, i) => f === now[i]);
}

/** Comma-joined sorted cells whose voltage was above the threshold in the given minute. */
function anodeEffectAtMinute(facts: readonly CellMinuteFact[], minuteStartMs: number, thresholdV: number): string {
  return facts
    .filter((f) => f.tag === 'cellVoltage' && f.minuteStartMs === minuteStartMs && inAnodeEffect(f, thresholdV))
    .map((f) => f.cellId)
    .sort()
    .join(',');
}

/** Replaces the curated hours' rows in the day file of fact_cell_hour; lineage keeps one input per hour. */
async function writeCellHourDay(
  lake: LakeStore,
  date: string,
  lineId: string,
  hourFacts: Map<number, CellHourFact[]>,
  dayManifest: LineageManifest | undefined,
  stamp: LineageStamp,
  count: (w: { dataWritten: boolean; manifestWritten: boolean }) => void,
): Promise<void> {
  const key = { date, lineId };
  const existing = await lake.get(GOLD, goldDataPath(S.FACT_CELL_HOUR.name, key));
  const kept = existing ? (await decodeGoldTable(existing)).filter((r) => !hourFacts.has(r.hour as number)) : [];
  const rows = [...kept, ...[...hourFacts.values()].flat().map((f) => f as unknown as GoldRow)];
  const minuteFiles = new Map(
    (await listAll(lake, GOLD, goldPartitionDir(S.FACT_CELL_MINUTE.name, key))).map((e) => [e.path, e]),
  );
  const inputs = (dayManifest?.inputs ?? []).filter((i) => !hourFacts.has(i.forHour ?? -1));
  for (const hour of hourFacts.keys()) {
    const path = goldDataPath(S.FACT_CELL_MINUTE.name, { ...key, hour });
    const e = minuteFiles.get(path);
    if (!e) continue;
    const m = await readManifest(lake, goldLineagePath(S.FACT_CELL_MINUTE.name, { ...key, hour }));
    inputs.push({
      container: GOLD,
      path,
      size: e.size,
      lastModifiedMs: e.lastModified.getTime(),
      ...(m ? { sha256: m.dataSha256 } : {}),
      role: 'cell_minute',
      forHour: hour,
    });
  }
  count(await writeGoldPartition(lake, S.FACT_CELL_HOUR, key, rows, inputs, stamp));
}

/** Recomputes the line's day fact from its fact_cell_hour day file. */
async function writeLineDay(
  lake: LakeStore,
  date: string,
  lineId: string,
  params: KpiParameters,
  stamp: LineageStamp,
  count: (w: { dataWritten: boolean; manifestWritten: boolean }) => void,
): Promise<boolean> {
  const key = { date, lineId };
  const path = goldDataPath(S.FACT_CELL_HOUR.name, key);
  const bytes = await lake.get(GOLD, path);
  if (!bytes) return false;
  const hours = (await decodeGoldTable(bytes)) as unknown as CellHourFact[];
  const fact = buildLineDayFact(hours, params);
  if (!fact) return false;
  const e = (await listAll(lake, GOLD, path)).find((x) => x.path === path)!;
  const input: LineageInput = {
    container: GOLD,
    path,
    size: e.size,
    lastModifiedMs: e.lastModified.getTime(),
    sha256: sha256(bytes),
    role: 'cell_hour',
  };
  count(await writeGoldPartition(lake, S.FACT_LINE_DAY, key, [fact as unknown as GoldRow], [input], stamp));
  return true;
}

/** Dimensions: the plant model's hierarchy, merged with the cells this run and earlier runs saw. */
async function writeDimensions(
  lake: LakeStore,
  cellsSeen: Map<string, string>,
  dates: string[],
  plant: PlantIndex,
  plantId: string,
  stamp: LineageStamp,
  count: (w: { dataWritten: boolean; manifestWritten: boolean }) => void,
): Promise<void> {
  const old = async (t: S.GoldTable) => {
    const b = await lake.get(GOLD, goldDataPath(t.name, {}));
    return b ? await decodeGoldTable(b) : [];
  };
  const lineOf = new Map(cellsSeen);
  for (const r of await old(S.DIM_CELL))
    if (!lineOf.has(r.cellId as string)) lineOf.set(r.cellId as string, r.lineId as string);
  const cells = cellRows(plant, lineOf);
  const years = new Set([
    ...(await old(S.DIM_DATE)).map((r) => r.year as number),
    ...dates.map((d) => Number(d.slice(0, 4))),
  ]);
  // Dimensions derive from the plant model (its version is in the stamp), the facts and the tag catalogue (code).
  count(await writeGoldPartition(lake, S.DIM_SITE, {}, siteRows(plant), [], stamp));
  count(await writeGoldPartition(lake, S.DIM_AREA, {}, areaRows(plant), [], stamp));
  count(await writeGoldPartition(lake, S.DIM_CELL, {}, cells, [], stamp));
  count(await writeGoldPartition(lake, S.DIM_LINE, {}, lineRows(plant, cells, plantId), [], stamp));
  count(await writeGoldPartition(lake, S.DIM_TAG, {}, tagRows(), [], stamp));
  count(await writeGoldPartition(lake, S.DIM_DATE, {}, dateRows(years), [], stamp));
  count(await writeGoldPartition(lake, S.DIM_TIME, {}, timeRows(), [], stamp));
}
