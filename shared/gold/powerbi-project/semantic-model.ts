/**
 * The Power BI semantic model of gold, in TMDL: every gold table with its columns typed from the schema, the star's
 * relationships, the measures a plant manager reads (ratios of sums, so they hold over any slice), a marked date
 * table, the LakeUrl parameter every query uses, and incremental refresh on the minute and hour facts.
 */
import { GOLD_TABLES, type GoldColumn, type GoldTable } from '../schema.js';
import { parameterExpression, tableQuery } from './power-query.js';
import { description, expressionProperty, stableGuid, tmdlName } from './tmdl.js';

export const MODEL_NAME = 'SmelterGold';

/** A DAX measure of the model. */
export interface Measure {
  table: string;
  name: string;
  dax: string;
  format: string;
  description: string;
}

/** A many-to-one relationship, fact (or snowflaked dimension) column → dimension key, filtering one way. */
export interface Relationship {
  from: readonly [table: string, column: string];
  to: readonly [table: string, column: string];
}

/** An incremental-refresh policy: keep `keep` periods, refresh the last `refresh` ones on each refresh. */
export interface RefreshPolicy {
  column: string;
  keep: { granularity: 'month' | 'year'; periods: number };
  refresh: { granularity: 'day'; periods: number };
}

/** The model-only table holding the targets a plant manager sets as parameters (not a gold table). */
export const TARGET_TABLE = 'kpi_target';

const m = (table: string, name: string, dax: string, format: string, text: string): Measure => ({
  table,
  name,
  dax,
  format,
  description: text,
});

export const MEASURES: readonly Measure[] = [
  m(
    'fact_line_day',
    'Production t',
    'SUM ( fact_line_day[productionT] )',
    '#,0.0',
    'Faraday production estimate, t Al',
  ),
  m('fact_line_day', 'Energy MWh', 'SUM ( fact_line_day[energyMWh] )', '#,0.0', 'Electrical energy of the cells, MWh'),
  m(
    'fact_line_day',
    'SEC kWh per kg',
    'DIVIDE ( [Energy MWh], [Production t] )',
    '0.000',
    'Specific energy consumption, kWh/kg Al (MWh per t): a ratio of sums, right over any slice',
  ),
  m(
    'fact_line_day',
    'SEC target kWh per kg',
    `MAX ( ${TARGET_TABLE}[secTargetKWhPerKg] )`,
    '0.000',
    'The plant target for specific energy (parameter SecTargetKWhPerKg)',
  ),
  m(
    'fact_line_day',
    'SEC vs target %',
    'VAR sec = [SEC kWh per kg] RETURN IF ( NOT ISBLANK ( sec ), DIVIDE ( sec - [SEC target kWh per kg], [SEC target kWh per kg] ) * 100 )',
    '0.0',
    'How far specific energy is above (+) or below (−) the target, %',
  ),
  m('fact_line_day', 'CO2e t', 'SUM ( fact_line_day[co2eTotalT] )', '#,0.0', 'Electricity + anode + PFC, t CO2e'),
  m('fact_line_day', 'CO2e per t Al', 'DIVIDE ( [CO2e t], [Production t] )', '0.00', 't CO2e per t Al'),
  m(
    'fact_line_day',
    'CO2e electricity per t Al',
    'DIVIDE ( SUM ( fact_line_day[co2eElectricityT] ), [Production t] )',
    '0.00',
    'Electricity share of CO2e, t per t Al',
  ),
  m(
    'fact_line_day',
    'CO2e anode per t Al',
    'DIVIDE ( SUM ( fact_line_day[co2eAnodeT] ), [Production t] )',
    '0.00',
    'Anode consumption share of CO2e, t per t Al',
  ),
  m(
    'fact_line_day',
    'CO2e PFC per t Al',
    'DIVIDE ( SUM ( fact_line_day[co2ePfcT] ), [Production t] )',
    '0.000',
    'PFC (CF4 + C2F6, slope method) share of CO2e, t per t Al',
  ),
  m('fact_line_day', 'PFC CO2e t', 'SUM ( fact_line_day[co2ePfcT] )', '#,0.00', 'PFC emissions, t CO2e'),
  m('fact_line_day', 'CF4 kg', 'SUM ( fact_line_day[cf4Kg] )', '#,0.00', 'CF4 by the slope method, kg'),
  m('fact_line_day', 'C2F6 kg', 'SUM ( fact_line_day[c2f6Kg] )', '#,0.000', 'C2F6, kg'),
  m('fact_line_day', 'Cell days', 'SUM ( fact_line_day[cellDays] )', '#,0.0', 'Observed cell-time, cell-days'),
  m('fact_line_day', 'Anode effects', 'SUM ( fact_line_day[anodeEffectCount] )', '#,0', 'Anode effects counted'),
  m(
    'fact_line_day',
    'AE per pot-day',
    'DIVIDE ( [Anode effects], [Cell days] )',
    '0.000',
    'Anode-effect frequency, per pot-day',
  ),
  m(
    'fact_line_day',
    'AE minutes per cell-day',
    'DIVIDE ( SUM ( fact_line_day[anodeEffectMinutes] ), [Cell days] )',
    '0.000',
    'Anode-effect minutes per cell-day (AEM of the slope method)',
  ),
  m(
    'fact_line_day',
    'AE mean duration min',
    'DIVIDE ( SUM ( fact_line_day[anodeEffectMinutes] ), [Anode effects] )',
    '0.00',
    'Mean duration of an anode effect, min',
  ),
  m(
    'fact_line_day',
    'Production vs baseline %',
    'DIVIDE ( [Production t], SUM ( fact_line_day[baselineProductionT] ) ) * 100',
    '0.0',
    'Production against the baseline tonnage of the observed cell-days, %',
  ),
  m(
    'fact_cell_hour',
    'Cell SEC kWh per kg',
    'DIVIDE ( SUM ( fact_cell_hour[energyKWh] ), SUM ( fact_cell_hour[productionEstKg] ) )',
    '0.000',
    'Specific energy of cells over hours, kWh/kg Al',
  ),
  m(
    'fact_cell_hour',
    'Mean cell voltage V',
    'DIVIDE ( SUMX ( fact_cell_hour, fact_cell_hour[cellVoltageMeanV] * fact_cell_hour[minutesWithVoltage] ), SUM ( fact_cell_hour[minutesWithVoltage] ) )',
    '0.000',
    'Cell voltage, weighted by the minutes measured, V',
  ),
  m(
    'fact_cell_hour',
    'Cell anode effects',
    'SUM ( fact_cell_hour[anodeEffectCount] )',
    '#,0',
    'Anode effects of the cells in the slice',
  ),
  m(
    'fact_optimization_run',
    'Optimisation runs',
    'COUNTROWS ( fact_optimization_run )',
    '#,0',
    'Set-point optimisation runs',
  ),
  m(
    'fact_optimization_run',
    'Runs applied',
    'CALCULATE ( COUNTROWS ( fact_optimization_run ), fact_optimization_run[outcome] = "applied" )',
    '#,0',
    'Runs whose set points were recommended to the plant',
  ),
  m(
    'fact_optimization_run',
    'SEC before kWh per kg',
    'AVERAGE ( fact_optimization_run[baselineKWhPerKg] )',
    '0.000',
    'Predicted line SEC at the set points a run started from, kWh/kg Al',
  ),
  m(
    'fact_optimization_run',
    'SEC after kWh per kg',
    'AVERAGE ( fact_optimization_run[objectiveKWhPerKg] )',
    '0.000',
    'Predicted line SEC at the set points a run proposed, kWh/kg Al',
  ),
  m(
    'fact_optimization_run',
    'Predicted SEC change %',
    'VAR before = [SEC before kWh per kg] RETURN IF ( NOT ISBLANK ( before ), DIVIDE ( [SEC after kWh per kg] - before, before ) * 100 )',
    '0.00',
    'Predicted change of specific energy by the runs, %',
  ),
  m(
    'fact_setpoint_change',
    'Set-point changes',
    'COUNTROWS ( fact_setpoint_change )',
    '#,0',
    'Set points sent (or proposed) to the plant',
  ),
  m(
    'fact_setpoint_change',
    'Set-point changes applied',
    'CALCULATE ( COUNTROWS ( fact_setpoint_change ), fact_setpoint_change[outcome] = "applied" )',
    '#,0',
    'Set points the PLC acknowledged',
  ),
  m(
    'fact_setpoint_change',
    'Set-point changes refused',
    'CALCULATE ( COUNTROWS ( fact_setpoint_change ), fact_setpoint_change[outcome] IN { "refused_envelope", "refused_manual" } )',
    '#,0',
    'Set points the safety envelope or a manual override refused',
  ),
  m('fact_data_quality', 'Points in', 'SUM ( fact_data_quality[pointsIn] )', '#,0', 'Telemetry points received'),
  m('fact_data_quality', 'Silver rows', 'SUM ( fact_data_quality[silverRows] )', '#,0', 'Rows written to silver'),
  m(
    'fact_data_quality',
    'Good share %',
    'DIVIDE ( SUM ( fact_data_quality[goodRows] ), [Silver rows] ) * 100',
    '0.00',
    'Rows of good quality with no flag, % of silver rows',
  ),
  m(
    'fact_data_quality',
    'Excluded rows',
    'SUM ( fact_data_quality[excludedRows] )',
    '#,0',
    'Rows kept out of gold by a flag',
  ),
  m('fact_data_quality', 'Interpolated rows', 'SUM ( fact_data_quality[interpolatedRows] )', '#,0', 'Gap fills'),
  m(
    'fact_data_quality',
    'Quarantined',
    'SUM ( fact_data_quality[quarantined] )',
    '#,0',
    'Points or bodies quarantined',
  ),
  m('fact_alert', 'Alerts', 'COUNTROWS ( fact_alert )', '#,0', 'Alerts raised'),
  m(
    'fact_alert',
    'Critical alerts',
    'CALCULATE ( COUNTROWS ( fact_alert ), fact_alert[severity] = "critical" )',
    '#,0',
    'Alerts raised at critical severity',
  ),
  m('fact_cell_minute', 'Readings kept', 'SUM ( fact_cell_minute[count] )', '#,0', 'Readings kept for gold'),
  m('fact_cell_minute', 'Readings flagged', 'SUM ( fact_cell_minute[flaggedCount] )', '#,0', 'Readings left out'),
  m('fact_plant_event', 'Plant events', 'COUNTROWS ( fact_plant_event )', '#,0', 'Plant events archived'),
];

const r = (from: string, to: string): Relationship => {
  const [ft, fc] = from.split('.') as [string, string];
  const [tt, tc] = to.split('.') as [string, string];
  return { from: [ft, fc], to: [tt, tc] };
};

/**
 * Each fact reaches a dimension by one path only (facts keyed by cell reach the line through dim_cell, and every line
 * its potroom and site through the ISA-95 snowflake dim_line → dim_area → dim_site).
 */
export const RELATIONSHIPS: readonly Relationship[] = [
  r('dim_cell.lineId', 'dim_line.lineId'),
  r('dim_line.areaId', 'dim_area.areaId'),
  r('dim_area.siteId', 'dim_site.siteId'),
  r('fact_cell_minute.cellId', 'dim_cell.cellId'),
  r('fact_cell_minute.tag', 'dim_tag.tag'),
  r('fact_cell_minute.dateKey', 'dim_date.dateKey'),
  r('fact_cell_minute.timeKey', 'dim_time.timeKey'),
  r('fact_cell_hour.cellId', 'dim_cell.cellId'),
  r('fact_cell_hour.dateKey', 'dim_date.dateKey'),
  r('fact_cell_hour.timeKey', 'dim_time.timeKey'),
  r('fact_line_day.lineId', 'dim_line.lineId'),
  r('fact_line_day.dateKey', 'dim_date.dateKey'),
  r('fact_data_quality.dateKey', 'dim_date.dateKey'),
  r('fact_optimization_run.lineId', 'dim_line.lineId'),
  r('fact_optimization_run.dateKey', 'dim_date.dateKey'),
  r('fact_setpoint_change.cellId', 'dim_cell.cellId'),
  r('fact_setpoint_change.dateKey', 'dim_date.dateKey'),
  r('fact_alert.lineId', 'dim_line.lineId'),
  r('fact_alert.dateKey', 'dim_date.dateKey'),
  r('fact_plant_event.lineId', 'dim_line.lineId'),
  r('fact_plant_event.dateKey', 'dim_date.dateKey'),
];

/**
 * Incremental refresh of the two large facts. A 300-cell line writes ~24,000 minute rows an hour (about a billion a
 * year across a plant), so the model keeps three months of minutes and two years of cell-hours, refreshing the last
 * days on each refresh (late data reaches curated hours within CURATION_LOOKBACK_HOURS).
 */
export const REFRESH_POLICIES: Readonly<Record<string, RefreshPolicy>> = {
  fact_cell_minute: {
    column: 'minuteStartUtc',
    keep: { granularity: 'month', periods: 3 },
    refresh: { granularity: 'day', periods: 2 },
  },
  fact_cell_hour: {
    column: 'hourStartUtc',
    keep: { granularity: 'year', periods: 2 },
    refresh: { granularity: 'day', periods: 3 },
  },
};

/** Parameters of the model (Power Query parameters; Desktop asks for LakeUrl when it is left as the placeholder). */
export const PARAMETERS = [
  {
    name: 'LakeUrl',
    value: '"https://<account>.dfs.core.windows.net/gold"',
    type: 'Text' as const,
    description:
      'The gold container of the lake (ADLS Gen2 dfs endpoint), e.g. https://stsmelterprod.dfs.core.windows.net/gold',
  },
  {
    name: 'RangeStart',
    value: '#datetime(2026, 12, 1, 0, 0, 0)',
    type: 'DateTime' as const,
    description:
      'Start of the incremental-refresh window (UTC); Desktop loads minute and hour facts of this window only',
  },
  {
    name: 'RangeEnd',
    value: '#datetime(2027, 1, 1, 0, 0, 0)',
    type: 'DateTime' as const,
    description: 'End of the incremental-refresh window (UTC, exclusive)',
  },
  {
    name: 'SecTargetKWhPerKg',
    value: '13.2',
    type: 'Number' as const,
    description: 'The plant target for specific energy consumption, kWh/kg Al (the energy page draws it)',
  },
];

const DATA_TYPES: Record<GoldColumn['type'], string> = {
  STRING: 'string',
  DOUBLE: 'double',
  INT32: 'int64',
  INT64: 'int64',
  TIMESTAMP: 'dateTime',
  BOOLEAN: 'boolean',
  DATE: 'dateTime',
};

/** The TMDL dataType a gold column has in the model. */
export function modelDataType(c: GoldColumn): string {
  return DATA_TYPES[c.type];
}

/** Columns that only join facts to dimensions: hidden from report authors. */
const isHiddenKey = (t: GoldTable, c: GoldColumn) =>
  t.kind === 'fact' && (c.name === 'dateKey' || c.name === 'timeKey');

function columnTmdl(t: GoldTable, c: GoldColumn): string[] {
  const lines = [
    ...description(
      c.type === 'TIMESTAMP' ? `${c.description} (UTC)` : c.unit ? `${c.description} [${c.unit}]` : c.description,
      1,
    ),
    `\tcolumn ${tmdlName(c.name)}`,
    `\t\tdataType: ${modelDataType(c)}`,
  ];
  if (c.type === 'DATE') lines.push('\t\tformatString: yyyy-mm-dd');
  if (c.type === 'TIMESTAMP') lines.push('\t\tformatString: yyyy-mm-dd hh:nn:ss');
  if (t.name === 'dim_date' && c.name === 'date') lines.push('\t\tisKey');
  if (isHiddenKey(t, c)) lines.push('\t\tisHidden');
  lines.push(`\t\tlineageTag: ${stableGuid(`column|${t.name}|${c.name}`)}`, '\t\tsummarizeBy: none');
  lines.push(`\t\tsourceColumn: ${c.name}`);
  if (t.name === 'dim_date' && c.name === 'monthName') lines.push('\t\tsortByColumn: month');
  lines.push('');
  if (c.type === 'DATE') lines.push('\t\tannotation UnderlyingDateTimeDataType = Date', '');
  lines.push('\t\tannotation SummarizationSetBy = User', '');
  return lines;
}

function measureTmdl(x: Measure): string[] {
  return [
    ...description(x.description, 1),
    `\tmeasure ${tmdlName(x.name)} = ${x.dax}`,
    `\t\tformatString: ${x.format}`,
    `\t\tlineageTag: ${stableGuid(`measure|${x.table}|${x.name}`)}`,
    '',
  ];
}

function refreshPolicyTmdl(t: GoldTable, p: RefreshPolicy): string[] {
  return [
    '\trefreshPolicy',
    '\t\tpolicyType: basic',
    `\t\trollingWindowGranularity: ${p.keep.granularity}`,
    `\t\trollingWindowPeriods: ${p.keep.periods}`,
    `\t\tincrementalGranularity: ${p.refresh.granularity}`,
    `\t\tincrementalPeriods: ${p.refresh.periods}`,
    '\t\tmode: import',
    ...expressionProperty('sourceExpression', tableQuery(t, p.column), 2),
    '',
  ];
}

/** The TMDL file of one gold table. */
export function tableTmdl(t: GoldTable): string {
  const policy = REFRESH_POLICIES[t.name];
  const lines = [...description(`${t.grain}.`, 0), `table ${tmdlName(t.name)}`];
  lines.push(`\tlineageTag: ${stableGuid(`table|${t.name}`)}`);
  if (t.name === 'dim_date') lines.push('\tdataCategory: Time');
  lines.push('');
  if (policy) lines.push(...refreshPolicyTmdl(t, policy));
  for (const x of MEASURES.filter((x) => x.table === t.name)) lines.push(...measureTmdl(x));
  for (const c of t.columns) lines.push(...columnTmdl(t, c));
  lines.push(`\tpartition ${tmdlName(t.name)} = m`, '\t\tmode: import');
  lines.push(...expressionProperty('source', tableQuery(t, policy?.column), 2), '');
  lines.push('\tannotation PBI_ResultType = Table', '');
  return lines.join('\n');
}

/** The model-only table of targets, fed by the parameters. */
function targetTableTmdl(): string {
  return [
    '/// Targets the plant sets as parameters (Transform data → Edit parameters); not a gold table.',
    `table ${TARGET_TABLE}`,
    `\tlineageTag: ${stableGuid(`table|${TARGET_TABLE}`)}`,
    '',
    '\t/// Plant target for specific energy consumption [kWh/kg Al]',
    '\tcolumn secTargetKWhPerKg',
    '\t\tdataType: double',
    '\t\tisHidden',
    `\t\tlineageTag: ${stableGuid(`column|${TARGET_TABLE}|secTargetKWhPerKg`)}`,
    '\t\tsummarizeBy: none',
    '\t\tsourceColumn: secTargetKWhPerKg',
    '',
    '\t\tannotation SummarizationSetBy = User',
    '',
    `\tpartition ${TARGET_TABLE} = m`,
    '\t\tmode: import',
    ...expressionProperty(
      'source',
      [
        'let',
        '    Source = #table(type table [secTargetKWhPerKg = number], {{SecTargetKWhPerKg}})',
        'in',
        '    Source',
      ].join('\n'),
      2,
    ),
    '',
    '\tannotation PBI_ResultType = Table',
    '',
  ].join('\n');
}

/** Every file of the semantic model's definition/ folder, path relative to it → content. */
export function semanticModelDefinition(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('database.tmdl', ['database', '\tcompatibilityLevel: 1600', ''].join('\n'));
  const tables = [...GOLD_TABLES.map((t) => t.name), TARGET_TABLE];
  files.set(
    'model.tmdl',
    [
      'model Model',
      '\tculture: en-US',
      '\tdefaultPowerBIDataSourceVersion: powerBI_V3',
      '\tdiscourageImplicitMeasures',
      '\tsourceQueryCulture: en-US',
      '\tdataAccessOptions',
      '\t\tlegacyRedirects',
      '\t\treturnErrorValuesAsNull',
      '',
      // The model brings its own date table (dim_date): no hidden auto date tables per date column.
      'annotation __PBI_TimeIntelligenceEnabled = 0',
      '',
      `annotation PBI_QueryOrder = ${JSON.stringify([...PARAMETERS.map((p) => p.name), ...tables])}`,
      '',
      ...tables.map((t) => `ref table ${tmdlName(t)}`),
      '',
    ].join('\n'),
  );
  files.set(
    'expressions.tmdl',
    PARAMETERS.flatMap((p) => [
      ...description(p.description, 0),
      `expression ${p.name} = ${parameterExpression(p.value, p.type)}`,
      `\tlineageTag: ${stableGuid(`expression|${p.name}`)}`,
      '',
      `\tannotation PBI_ResultType = ${p.type}`,
      '',
    ]).join('\n'),
  );
  files.set(
    'relationships.tmdl',
    RELATIONSHIPS.flatMap((x) => [
      `relationship ${stableGuid(`relationship|${x.from.join('.')}|${x.to.join('.')}`)}`,
      `\tfromColumn: ${tmdlName(x.from[0])}.${tmdlName(x.from[1])}`,
      `\ttoColumn: ${tmdlName(x.to[0])}.${tmdlName(x.to[1])}`,
      '',
    ]).join('\n'),
  );
  for (const t of GOLD_TABLES) files.set(`tables/${t.name}.tmdl`, tableTmdl(t));
  files.set(`tables/${TARGET_TABLE}.tmdl`, targetTableTmdl());
  return files;
}
