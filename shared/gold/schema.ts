/**
 * The gold star schema: every table's columns with their Parquet type, unit and meaning. This one definition feeds
 * the Parquet writer, the data dictionary, the Power BI project (semantic model and report), so names and types
 * cannot drift. Column names are stable: add columns at the end; renaming or retyping one breaks every Power BI model
 * bound to it (docs/gold.md keeps the migration notes of the one rename so far).
 * Time columns are UTC instants (Parquet TIMESTAMP, isAdjustedToUTC) named `…Utc`; code holds them as epoch ms in the
 * field named by `field` (the rows curation builds), and the gold reader maps the names back.
 */
import type { LakeColumnType } from '../lake/parquet.js';

export interface GoldColumn {
  /** The column's name in Parquet and in Power BI. */
  name: string;
  /** The row property holding the value in code, when it differs from `name` (epoch-ms fields of time columns). */
  field?: string;
  type: LakeColumnType;
  nullable?: boolean;
  unit?: string;
  description: string;
}

export interface GoldTable {
  name: string;
  kind: 'fact' | 'dimension';
  grain: string;
  /** Hive partition folders under gold/<name>/ (empty: one file for the table). */
  partitions: readonly ('date' | 'line' | 'hour')[];
  /** Row fields that identify a row (sort order of the file, too). */
  key: readonly string[];
  columns: readonly GoldColumn[];
}

const c = (name: string, type: LakeColumnType, description: string, unit?: string, nullable = false): GoldColumn => ({
  name,
  type,
  description,
  ...(unit ? { unit } : {}),
  ...(nullable ? { nullable } : {}),
});
const n = (name: string, type: LakeColumnType, description: string, unit?: string): GoldColumn =>
  c(name, type, description, unit, true);
/** A UTC instant: Parquet TIMESTAMP named `name`, held in code as epoch ms in `field`. */
const utc = (name: string, field: string, description: string, nullable = false): GoldColumn => ({
  name,
  field,
  type: 'TIMESTAMP',
  description,
  ...(nullable ? { nullable } : {}),
});

const lineKey = c('lineId', 'STRING', 'Potline id (dim_line.lineId)');
const cellKey = c('cellId', 'STRING', 'Cell (pot) id (dim_cell.cellId); `<line>-LINE` is the line-level sensor');
const dateKey = c('dateKey', 'INT32', 'UTC date as YYYYMMDD (dim_date.dateKey)');

export const FACT_CELL_MINUTE: GoldTable = {
  name: 'fact_cell_minute',
  kind: 'fact',
  grain: 'one row per cell × tag × UTC minute (all batch partials of the minute merged)',
  partitions: ['date', 'line', 'hour'],
  key: ['cellId', 'tag', 'minuteStartMs'],
  columns: [
    lineKey,
    cellKey,
    c('tag', 'STRING', 'Sensor tag (dim_tag.tag)'),
    c('unit', 'STRING', 'Canonical unit of the tag'),
    dateKey,
    c('timeKey', 'INT32', 'UTC minute of the day 0–1439 (dim_time.timeKey)'),
    utc('minuteStartUtc', 'minuteStartMs', 'Start of the UTC minute'),
    c('count', 'INT32', 'Readings kept for gold (not excluded by a cleansing flag)'),
    c('sum', 'DOUBLE', 'Sum of kept readings', 'tag unit'),
    c('sumSq', 'DOUBLE', 'Sum of squares of kept readings', 'tag unit²'),
    n('mean', 'DOUBLE', 'Mean of kept readings; null when none', 'tag unit'),
    n('variance', 'DOUBLE', 'Population variance of kept readings (sumSq/count − mean²); null when none', 'tag unit²'),
    n('min', 'DOUBLE', 'Smallest kept reading', 'tag unit'),
    n('max', 'DOUBLE', 'Largest kept reading', 'tag unit'),
    utc('firstReadingUtc', 'firstTsMs', 'Time of the first kept reading', true),
    n('firstValue', 'DOUBLE', 'First kept reading', 'tag unit'),
    utc('lastReadingUtc', 'lastTsMs', 'Time of the last kept reading', true),
    n('lastValue', 'DOUBLE', 'Last kept reading', 'tag unit'),
    c('goodCount', 'INT32', 'Kept readings of good quality with no flag beyond the neutral ones'),
    c('flaggedCount', 'INT32', 'Readings left out of gold by a cleansing flag'),
    c('partials', 'INT32', 'Per-batch partial aggregates merged into this row (late data shows as > 1)'),
  ],
};

export const FACT_CELL_HOUR: GoldTable = {
  name: 'fact_cell_hour',
  kind: 'fact',
  grain: 'one row per cell × UTC hour (pot cells only; line current comes from the line sensor)',
  partitions: ['date', 'line'],
  key: ['hourStartMs', 'cellId'],
  columns: [
    lineKey,
    cellKey,
    dateKey,
    c('timeKey', 'INT32', 'UTC minute of the day of the hour start (dim_time.timeKey)'),
    c('hour', 'INT32', 'UTC hour 0–23'),
    utc('hourStartUtc', 'hourStartMs', 'Start of the UTC hour'),
    c('minutesWithVoltage', 'INT32', 'Minutes with at least one kept cell-voltage reading', 'min'),
    n('cellVoltageMeanV', 'DOUBLE', 'Mean cell voltage', 'V'),
    n('cellVoltageMinV', 'DOUBLE', 'Lowest cell voltage', 'V'),
    n('cellVoltageMaxV', 'DOUBLE', 'Highest cell voltage', 'V'),
    n('lineCurrentMeanKA', 'DOUBLE', 'Mean line current over the minutes with cell voltage', 'kA'),
    n('bathTempMeanC', 'DOUBLE', 'Mean bath temperature', '°C'),
    n('bathTempMaxC', 'DOUBLE', 'Highest bath temperature', '°C'),
    n(
      'superheatEstK',
      'DOUBLE',
      'Bath temperature minus the liquidus of the nominal bath (Solheim 1996; composition not measured)',
      'K',
    ),
    c('aluminaFedKg', 'DOUBLE', 'Alumina fed (sum of feeder shots)', 'kg'),
    c('aluminaShots', 'INT32', 'Feeder shots'),
    n('metalHeightMeanCm', 'DOUBLE', 'Mean metal pad height', 'cm'),
    n('bathHeightMeanCm', 'DOUBLE', 'Mean bath height', 'cm'),
    n('shellTempMaxC', 'DOUBLE', 'Highest shell temperature', '°C'),
    c('energyKWh', 'DOUBLE', 'Σ per minute of mean voltage × mean line current × 1/60 h', 'kWh'),
    c('productionEstKg', 'DOUBLE', 'Faraday estimate 0.33557 · I · CE · t over the same minutes', 'kg Al'),
    n('secKWhPerKg', 'DOUBLE', 'Specific energy consumption energyKWh / productionEstKg', 'kWh/kg Al'),
    c('aluminaConsumptionEstKg', 'DOUBLE', 'Alumina consumed by the estimated production (1.8895 kg/kg)', 'kg Al2O3'),
    c('anodeEffectCount', 'INT32', 'Anode effects starting in the hour (cell voltage above the threshold, sustained)'),
    c('anodeEffectMinutes', 'DOUBLE', 'Minutes above the anode-effect threshold voltage', 'min'),
    c('readingsTotal', 'INT32', 'Silver readings of the cell in the hour (kept + flagged)'),
    c('readingsGood', 'INT32', 'Readings of good quality with no flag beyond the neutral ones'),
    c('readingsFlagged', 'INT32', 'Readings left out of gold by a cleansing flag'),
    n('goodRatio', 'DOUBLE', 'readingsGood / readingsTotal', '0–1'),
  ],
};

export const FACT_LINE_DAY: GoldTable = {
  name: 'fact_line_day',
  kind: 'fact',
  grain: "one row per potline × UTC day (from the day's cell-hour facts)",
  partitions: ['date', 'line'],
  key: ['lineId', 'dateKey'],
  columns: [
    lineKey,
    dateKey,
    c('cells', 'INT32', 'Cells with data in the day'),
    c('hoursCovered', 'INT32', 'Hours of the day with data', 'h'),
    c('cellDays', 'DOUBLE', 'Observed cell-time: Σ minutes with voltage / 1440', 'cell-day'),
    c('productionT', 'DOUBLE', 'Faraday production estimate', 't Al'),
    c('energyMWh', 'DOUBLE', 'Electrical energy of the cells', 'MWh'),
    n('secKWhPerT', 'DOUBLE', 'Specific energy consumption', 'kWh/t Al'),
    c('aluminaFedT', 'DOUBLE', 'Alumina fed', 't'),
    c('co2eElectricityT', 'DOUBLE', 'Electricity CO2e: kWh · GRID_CO2_KG_PER_KWH', 't CO2e'),
    c('co2eAnodeT', 'DOUBLE', 'Anode CO2: productionT · ANODE_CO2_T_PER_T_AL', 't CO2'),
    c('cf4Kg', 'DOUBLE', 'CF4 by the slope method: PFC_SEF_CF4 · AEM · productionT', 'kg'),
    c('c2f6Kg', 'DOUBLE', 'C2F6: cf4Kg · PFC_F_C2F6', 'kg'),
    c('co2ePfcT', 'DOUBLE', 'PFC CO2e: (CF4 · GWP_CF4 + C2F6 · GWP_C2F6)/1000', 't CO2e'),
    c('co2eTotalT', 'DOUBLE', 'Electricity + anode + PFC', 't CO2e'),
    n('co2ePerTAl', 'DOUBLE', 'co2eTotalT / productionT', 't CO2e/t Al'),
    c('anodeEffectCount', 'INT32', 'Anode effects'),
    c('anodeEffectMinutes', 'DOUBLE', 'Anode-effect minutes', 'min'),
    n('aeMinutesPerCellDay', 'DOUBLE', 'AEM of the slope method', 'min/cell-day'),
    n('aePerPotDay', 'DOUBLE', 'Anode-effect frequency', '1/pot-day'),
    c('baselineProductionT', 'DOUBLE', "cellDays · the technology's design output per cell-day (plant model)", 't Al'),
    n('productionVsBaselinePct', 'DOUBLE', 'productionT / baselineProductionT', '%'),
    n('goodRatio', 'DOUBLE', 'Good readings / all readings of the day', '0–1'),
  ],
};

export const FACT_DATA_QUALITY: GoldTable = {
  name: 'fact_data_quality',
  kind: 'fact',
  grain: 'one row per ingested batch (Event Hub partition × sequence range), compacted per enqueued date',
  partitions: ['date'],
  key: ['partition', 'firstSeq'],
  columns: [
    dateKey,
    c('hour', 'INT32', 'UTC hour of the first enqueued event'),
    c('partition', 'STRING', 'Event Hub partition'),
    c('firstSeq', 'INT64', 'First sequence number of the batch'),
    c('lastSeq', 'INT64', 'Last sequence number of the batch'),
    utc('firstEnqueuedTimeUtc', 'firstEnqueuedMs', "Enqueued time of the batch's first event"),
    c('pointsIn', 'INT32', 'Candidate points received'),
    c('silverRows', 'INT32', 'Rows written to silver (incl. interpolated)'),
    c('interpolatedRows', 'INT32', 'Gap fills by linear interpolation'),
    c('goodRows', 'INT32', 'Rows of good quality with no flag beyond the neutral ones'),
    c('excludedRows', 'INT32', 'Rows kept out of gold'),
    c('quarantined', 'INT32', 'Points or bodies quarantined'),
    c('processingMs', 'DOUBLE', 'Ingest processing time of the batch', 'ms'),
    c('flagCountsJson', 'STRING', 'Rows per cleansing flag, JSON object'),
    c('quarantineCountsJson', 'STRING', 'Quarantined per reason, JSON object'),
    c('sourcePath', 'STRING', 'The gold data_quality_batch file the row was compacted from'),
  ],
};

export const FACT_OPTIMIZATION_RUN: GoldTable = {
  name: 'fact_optimization_run',
  kind: 'fact',
  grain: 'one row per set-point optimisation run, in the partition of the date it started',
  partitions: ['date'],
  key: ['runId'],
  columns: [
    c('runId', 'STRING', 'Orchestration instance id'),
    lineKey,
    dateKey,
    utc('startedUtc', 'startedMs', 'Run start'),
    utc('completedUtc', 'completedMs', 'Run end', true),
    c('status', 'STRING', 'completed | failed | fallback'),
    n('objectiveKWhPerKg', 'DOUBLE', 'Predicted line SEC at the optimum', 'kWh/kg Al'),
    n('baselineKWhPerKg', 'DOUBLE', 'Predicted line SEC at the current set points', 'kWh/kg Al'),
    c('cellsChanged', 'INT32', 'Cells with a recommended change'),
    n('modelVersion', 'STRING', 'Physics model version'),
    c('mode', 'STRING', 'advisory | closed-loop'),
    c('trigger', 'STRING', 'api | schedule'),
    c('outcome', 'STRING', 'applied | unchanged | infeasible | held-by-envelope | rejected | expired | failed'),
    c('setPointEvents', 'INT32', 'Set-point recommendations published (one per moved cell, plus the rectifier)'),
    n('reason', 'STRING', 'Why the run kept the present set points or failed'),
    c('requestedBy', 'STRING', 'Token subject of who started the run, or `schedule`'),
    n(
      'approvalDecision',
      'STRING',
      "approve | reject: the decision on an advisory run's proposal; null when none was made",
    ),
    n('approvedBy', 'STRING', 'Token subject of who approved the proposal; null unless an advisory run was approved'),
    utc('approvalDecidedUtc', 'approvalDecidedMs', 'When the proposal was approved or rejected', true),
    n('approvalReason', 'STRING', 'The reason given with the approval or rejection'),
  ],
};

export const FACT_SETPOINT_CHANGE: GoldTable = {
  name: 'fact_setpoint_change',
  kind: 'fact',
  grain:
    'one row per set point of a SCADA command (a command may move several set points of one cell), in the partition of the date it was proposed',
  partitions: ['date'],
  key: ['commandId', 'setpoint'],
  columns: [
    c('commandId', 'STRING', 'Set-point command id'),
    n('runId', 'STRING', 'Optimisation run (recommendation id) that proposed it'),
    lineKey,
    cellKey,
    dateKey,
    utc('issuedUtc', 'issuedMs', 'When the command was proposed to the dispatcher'),
    c('setpoint', 'STRING', 'Set point name (acdCm, lineCurrentKA, feedIntervalS, alf3AdditionKgPerDay)'),
    n(
      'previousValue',
      'DOUBLE',
      "Value before: the PLC's acknowledged previous value, else the value the proposer saw",
    ),
    c('newValue', 'DOUBLE', 'Value sent (or that would have been sent)'),
    c('outcome', 'STRING', 'applied | refused_envelope | refused_manual | failed | pending (not final when curated)'),
    utc('decidedUtc', 'decidedMs', 'When the outcome was reached (acknowledgement, refusal or failure)', true),
    n('rules', 'STRING', 'Safety-envelope rules a refused command broke, comma-separated'),
    n(
      'approvedBy',
      'STRING',
      'Who approved the run that proposed the change (its approvedBy); null for closed-loop runs, which need no approval',
    ),
  ],
};

export const FACT_PLANT_EVENT: GoldTable = {
  name: 'fact_plant_event',
  kind: 'fact',
  grain: 'one row per plant event (CloudEvent) the ledger writer archived, compacted per UTC date of the event',
  partitions: ['date'],
  key: ['timeMs', 'eventId'],
  columns: [
    c('eventId', 'STRING', "CloudEvent id (also the ledger entry's source)"),
    c('type', 'STRING', 'CloudEvent type, smelter.<noun>.<verb>'),
    c('source', 'STRING', 'Producer of the event'),
    c('subject', 'STRING', 'What the event is about: a command, cell, line, run or alert id'),
    dateKey,
    utc('eventTimeUtc', 'timeMs', 'Event time'),
    n('lineId', 'STRING', 'Potline, when the event data names one'),
    n('correlationId', 'STRING', 'Ties the events of one run or request together'),
    c('dataJson', 'STRING', "The event's data, JSON"),
    c('sourcePath', 'STRING', 'The archived payload blob in the gold container'),
  ],
};

export const FACT_ALERT: GoldTable = {
  name: 'fact_alert',
  kind: 'fact',
  grain: 'one row per alert raised, in the partition of the date it was raised, with its newest state',
  partitions: ['date'],
  key: ['alertId'],
  columns: [
    c('alertId', 'STRING', 'Alert id'),
    n('lineId', 'STRING', 'Potline id (dim_line.lineId); null for alerts about no line'),
    n('cellId', 'STRING', 'Cell, when the alert is about one'),
    dateKey,
    utc('raisedUtc', 'raisedMs', 'When the alert was raised'),
    c('rule', 'STRING', 'Rule id, or the plant-event condition (event type, and anomaly type for anomalies)'),
    c('severity', 'STRING', 'info | warning | critical'),
    utc('acknowledgedUtc', 'acknowledgedMs', 'When it was acknowledged', true),
    n('escalationLevel', 'INT32', 'Escalation steps taken'),
    c('state', 'STRING', 'active | acknowledged | cleared, as of the newest event curated'),
    utc('clearedUtc', 'clearedMs', 'When the condition cleared', true),
    c('occurrences', 'INT32', 'Times the condition was seen while the alert was open'),
  ],
};

/** The ISA-95 path column: the node's ids from the enterprise down, joined by "/". */
const isa95 = (what: string, nullable = false) =>
  c(
    'isa95Path',
    'STRING',
    `ISA-95 path of the ${what}: enterprise/site/area/line/cell ids joined by "/"`,
    undefined,
    nullable,
  );
const inPlantModel = (what: string) =>
  c('inPlantModel', 'BOOLEAN', `True when the plant model in force has the ${what}; false for one only history knows`);

export const DIM_SITE: GoldTable = {
  name: 'dim_site',
  kind: 'dimension',
  grain: 'one row: the site of the plant model in force (ISA-95 enterprise → site)',
  partitions: [],
  key: ['siteId'],
  columns: [
    c('siteId', 'STRING', 'Site id (plant model site.id)'),
    c('siteName', 'STRING', 'Site name'),
    c('enterpriseId', 'STRING', 'Enterprise id (plant model enterprise.id)'),
    c('enterpriseName', 'STRING', 'Enterprise name'),
    isa95('site'),
    c('plantModelVersion', 'STRING', 'Version of the plant model the dimensions were written from'),
  ],
};

export const DIM_AREA: GoldTable = {
  name: 'dim_area',
  kind: 'dimension',
  grain: 'one row per area (potroom) of the plant model in force',
  partitions: [],
  key: ['areaId'],
  columns: [
    c('areaId', 'STRING', 'Area (potroom) id'),
    c('areaName', 'STRING', 'Area name'),
    c('siteId', 'STRING', 'Site of the area (dim_site.siteId)'),
    isa95('area'),
  ],
};

export const DIM_CELL: GoldTable = {
  name: 'dim_cell',
  kind: 'dimension',
  grain: 'one row per cell of the plant model, per line sensor, and per cell seen in the curated data',
  partitions: [],
  key: ['cellId'],
  columns: [
    cellKey,
    lineKey,
    n('cellNo', 'INT32', 'Position of the cell in its line (from the id), null for the line sensor'),
    c('isLineSensor', 'BOOLEAN', 'True for the `<line>-LINE` pseudo-cell'),
    n('potRow', 'INT32', 'Row of the potroom the cell stands in (plant model), null for the line sensor'),
    n('potColumn', 'INT32', 'Position along that row (plant model), null for the line sensor'),
    n('potroomSide', 'STRING', 'Potroom side A or B (plant model), null for the line sensor'),
    isa95('cell (null for a line the plant model no longer has)', true),
    inPlantModel('cell'),
  ],
};

export const DIM_LINE: GoldTable = {
  name: 'dim_line',
  kind: 'dimension',
  grain: 'one row per potline of the plant model and per potline seen in the curated data',
  partitions: [],
  key: ['lineId'],
  columns: [
    lineKey,
    c('plantId', 'STRING', 'Plant id (PLANT_ID setting: the ledger collection of its events)'),
    c('cells', 'INT32', 'Pot cells: of the plant model for its lines, else seen in the curated data'),
    n('lineName', 'STRING', 'Line name (plant model)'),
    n('areaId', 'STRING', 'Area (potroom) of the line (dim_area.areaId)'),
    n('technology', 'STRING', 'Cell technology id of the line (plant model)'),
    n('technologyName', 'STRING', 'Cell technology name'),
    n('nominalCurrentKA', 'DOUBLE', 'Nominal line current of the technology', 'kA'),
    isa95('line', true),
    inPlantModel('line'),
  ],
};

export const DIM_TAG: GoldTable = {
  name: 'dim_tag',
  kind: 'dimension',
  grain: 'one row per tag of the tag catalogue (shared/telemetry/tag-catalogue.ts)',
  partitions: [],
  key: ['tag'],
  columns: [
    c('tag', 'STRING', 'Tag name'),
    c('canonicalUnit', 'STRING', 'Canonical unit'),
    c('minValue', 'DOUBLE', 'Physical plausibility minimum', 'canonical unit'),
    c('maxValue', 'DOUBLE', 'Physical plausibility maximum', 'canonical unit'),
    c('expectedIntervalMs', 'INT32', 'Expected sampling interval', 'ms'),
    c('interpolated', 'BOOLEAN', 'True when gaps are filled by interpolation'),
  ],
};

export const DIM_DATE: GoldTable = {
  name: 'dim_date',
  kind: 'dimension',
  grain: 'one row per calendar day of every year with curated data',
  partitions: [],
  key: ['dateKey'],
  columns: [
    dateKey,
    c('date', 'DATE', 'Calendar date (UTC); the date table is marked on this column'),
    utc('dateStartUtc', 'dateStartMs', 'Midnight UTC'),
    c('year', 'INT32', 'Year'),
    c('quarter', 'INT32', 'Quarter 1–4'),
    c('month', 'INT32', 'Month 1–12'),
    c('day', 'INT32', 'Day of month'),
    c('isoWeek', 'INT32', 'ISO 8601 week number'),
    c('weekday', 'INT32', 'ISO weekday 1 (Monday) – 7'),
    c('monthName', 'STRING', 'Month name (English)'),
  ],
};

export const DIM_TIME: GoldTable = {
  name: 'dim_time',
  kind: 'dimension',
  grain: 'one row per minute of the day (UTC)',
  partitions: [],
  key: ['timeKey'],
  columns: [
    c('timeKey', 'INT32', 'Minute of the day 0–1439'),
    c('hour', 'INT32', 'Hour 0–23'),
    c('minute', 'INT32', 'Minute 0–59'),
    c('label', 'STRING', 'HH:MM'),
    c('shift', 'STRING', 'Eight-hour shift A (06–14), B (14–22), C (22–06)'),
  ],
};

/** Every gold table, facts first. */
export const GOLD_TABLES: readonly GoldTable[] = [
  FACT_CELL_MINUTE,
  FACT_CELL_HOUR,
  FACT_LINE_DAY,
  FACT_DATA_QUALITY,
  FACT_OPTIMIZATION_RUN,
  FACT_SETPOINT_CHANGE,
  FACT_ALERT,
  FACT_PLANT_EVENT,
  DIM_CELL,
  DIM_LINE,
  DIM_AREA,
  DIM_SITE,
  DIM_TAG,
  DIM_DATE,
  DIM_TIME,
];
