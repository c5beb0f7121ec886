/**
 * The entity facts built from fact_plant_event: each entity (a command, a run, an alert) is one row in the partition
 * of the date it began, carrying its newest state from the events of that date and the ENTITY_LOOKAHEAD_DAYS after
 * it. A partition is rebuilt when one of the plant-event files it reads changed (its lineage lists them), so curating
 * date E also revisits the entity partitions of the days before E.
 */
import { listAll, type LakeEntry, type LakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import { GOLD, readManifest, writeGoldPartition, type LineageStamp, type PartitionWrite } from './gold-writer.js';
import { entryFingerprint, type LineageInput } from './lineage.js';
import { goldDataPath, goldLineagePath, goldPartitionDir } from './paths.js';
import { readPlantEvents, type ArchivedEvent } from './plant-events.js';
import { alertRows } from './alert-facts.js';
import { optimizationRunRows } from './optimization-run-facts.js';
import { FACT_ALERT, FACT_OPTIMIZATION_RUN, FACT_PLANT_EVENT, FACT_SETPOINT_CHANGE, type GoldTable } from './schema.js';
import { setpointChangeRows } from './setpoint-facts.js';
import type { GoldRow } from './table-io.js';

/**
 * Days after an entity's first day whose events still update its row. Commands and runs end within minutes or hours;
 * an alert acknowledged or cleared later than this keeps the state it had on the last day read.
 */
export const ENTITY_LOOKAHEAD_DAYS = 2;
const DAY_MS = 86_400_000;

/** One entity fact: its table and how its rows for a date come out of the events of the window. */
export interface EntityFact {
  table: GoldTable;
  rows(events: readonly ArchivedEvent[], date: string): GoldRow[];
}

export const ENTITY_FACTS: readonly EntityFact[] = [
  { table: FACT_SETPOINT_CHANGE, rows: setpointChangeRows },
  { table: FACT_ALERT, rows: alertRows },
  { table: FACT_OPTIMIZATION_RUN, rows: optimizationRunRows },
];

const addDays = (date: string, days: number) => utcDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);

/** The entity-fact dates a curation of `dates` must revisit: each date and the lookahead days before it. */
export function entityDatesFor(dates: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const d of dates) for (let k = ENTITY_LOOKAHEAD_DAYS; k >= 0; k--) out.add(addDays(d, -k));
  return [...out].sort();
}

/** Builds the entity facts of each date whose window changed; returns the partition writes made. */
export async function curateEntityFacts(
  lake: LakeStore,
  dates: readonly string[],
  force: boolean,
  stamp: LineageStamp,
): Promise<PartitionWrite[]> {
  const writes: PartitionWrite[] = [];
  const eventFiles = new Map<string, LakeEntry>();
  for (const e of await listAll(lake, GOLD, goldPartitionDir(FACT_PLANT_EVENT.name, {})))
    if (e.path.endsWith('.parquet')) eventFiles.set(e.path, e);
  const decoded = new Map<string, ArchivedEvent[]>();
  const eventsOf = async (date: string) => {
    let list = decoded.get(date);
    if (!list) decoded.set(date, (list = await readPlantEvents(lake, date)));
    return list;
  };
  for (const date of dates) {
    const inputs: LineageInput[] = [];
    const window: string[] = [];
    for (let k = 0; k <= ENTITY_LOOKAHEAD_DAYS; k++) {
      const d = addDays(date, k);
      const e = eventFiles.get(goldDataPath(FACT_PLANT_EVENT.name, { date: d }));
      if (!e) continue;
      window.push(d);
      inputs.push({
        container: GOLD,
        path: e.path,
        size: e.size,
        lastModifiedMs: e.lastModified.getTime(),
        role: 'plant_event',
      });
    }
    if (!eventFiles.has(goldDataPath(FACT_PLANT_EVENT.name, { date }))) continue; // nothing began that day
    const fingerprints = inputs.map((i) => entryFingerprint(GOLD, i)).sort();
    let events: ArchivedEvent[] | undefined;
    for (const fact of ENTITY_FACTS) {
      const m = await readManifest(lake, goldLineagePath(fact.table.name, { date }));
      const before = (m?.inputs ?? []).map((i) => entryFingerprint(i.container, i)).sort();
      const same =
        m &&
        m.codeVersion === stamp.codeVersion &&
        before.length === fingerprints.length &&
        before.every((f, i) => f === fingerprints[i]);
      if (same && !force) continue;
      events ??= (await Promise.all(window.map(eventsOf))).flat();
      writes.push(await writeGoldPartition(lake, fact.table, { date }, fact.rows(events, date), inputs, stamp));
    }
  }
  return writes;
}
