/**
 * Power BI assets and the data dictionary, generated from the gold schema (schema.ts) so they cannot drift:
 * Power Query (M) per table over ADLS Gen2, a mermaid relationship diagram, DAX measures and a .pbids file.
 * `npx tsx shared/gold/generate-powerbi.ts` writes them into powerbi/; a test fails when the committed files differ.
 */
import { GOLD_TABLES, type GoldTable } from './schema.js';

const M_TYPES: Record<string, string> = {
  STRING: 'type text',
  DOUBLE: 'type number',
  INT32: 'Int64.Type',
  INT64: 'Int64.Type',
  TIMESTAMP: 'type datetime',
};

/** Power Query (M) for one table: every Parquet file under gold/<table>/ on the account named by the LakeUrl parameter. */
export function powerQueryM(t: GoldTable): string {
  const types = t.columns.map((c) => `{"${c.name}", ${M_TYPES[c.type]}}`).join(', ');
  return `// ${t.name}: ${t.grain}
// LakeUrl is a Power BI parameter, e.g. https://<account>.dfs.core.windows.net/gold
let
    Source = AzureStorage.DataLake(LakeUrl & "/${t.name}", [HierarchicalNavigation = false]),
    ParquetFiles = Table.SelectRows(Source, each [Extension] = ".parquet" and not Text.StartsWith([Name], "_")),
    Tables = Table.AddColumn(ParquetFiles, "Data", each Parquet.Document([Content])),
    Combined = Table.Combine(Tables[Data]),
    Typed = Table.TransformColumnTypes(Combined, {${types}})
in
    Typed
`;
}

/** Relationships of the star schema as a mermaid ER diagram. */
export function relationshipsMermaid(): string {
  return `erDiagram
    dim_line ||--o{ dim_cell : "lineId"
    dim_cell ||--o{ fact_cell_minute : "cellId"
    dim_cell ||--o{ fact_cell_hour : "cellId"
    dim_line ||--o{ fact_line_day : "lineId"
    dim_line ||--o{ fact_optimization_run : "lineId"
    dim_cell ||--o{ fact_setpoint_change : "cellId"
    dim_line ||--o{ fact_alert : "lineId"
    dim_line ||--o{ fact_plant_event : "lineId"
    dim_tag ||--o{ fact_cell_minute : "tag"
    dim_date ||--o{ fact_cell_minute : "dateKey"
    dim_date ||--o{ fact_cell_hour : "dateKey"
    dim_date ||--o{ fact_line_day : "dateKey"
    dim_date ||--o{ fact_data_quality : "dateKey"
    dim_date ||--o{ fact_optimization_run : "dateKey"
    dim_date ||--o{ fact_setpoint_change : "dateKey"
    dim_date ||--o{ fact_alert : "dateKey"
    dim_date ||--o{ fact_plant_event : "dateKey"
    dim_time ||--o{ fact_cell_minute : "timeKey"
    dim_time ||--o{ fact_cell_hour : "timeKey"
`;
}

/** DAX for the headline measures (ratios of sums, so they aggregate correctly over any slice). */
export function daxMeasures(): string {
  return `// Headline measures over fact_line_day (and fact_cell_hour for hourly or per-cell slices).
Production t = SUM ( fact_line_day[productionT] )
Energy MWh = SUM ( fact_line_day[energyMWh] )
kWh per t = DIVIDE ( 1000 * [Energy MWh], [Production t] )
CO2e t = SUM ( fact_line_day[co2eTotalT] )
CO2e per t = DIVIDE ( [CO2e t], [Production t] )
CO2e electricity per t = DIVIDE ( SUM ( fact_line_day[co2eElectricityT] ), [Production t] )
CO2e anode per t = DIVIDE ( SUM ( fact_line_day[co2eAnodeT] ), [Production t] )
CO2e PFC per t = DIVIDE ( SUM ( fact_line_day[co2ePfcT] ), [Production t] )
Cell days = SUM ( fact_line_day[cellDays] )
AE per pot-day = DIVIDE ( SUM ( fact_line_day[anodeEffectCount] ), [Cell days] )
AE minutes per cell-day = DIVIDE ( SUM ( fact_line_day[anodeEffectMinutes] ), [Cell days] )
Baseline production t = SUM ( fact_line_day[baselineProductionT] )
Production vs baseline % = DIVIDE ( [Production t], [Baseline production t] ) * 100
Cell kWh per t = DIVIDE ( SUM ( fact_cell_hour[energyKWh] ), SUM ( fact_cell_hour[productionEstKg] ) / 1000 )
`;
}

/** A .pbids connection file for the gold container (Power BI Desktop opens it with the ADLS Gen2 connector). */
export function pbids(): string {
  return (
    JSON.stringify(
      {
        version: '0.1',
        connections: [
          {
            details: {
              protocol: 'azure-data-lake-storage',
              address: { url: 'https://<account>.dfs.core.windows.net/gold' },
            },
            mode: 'Import',
          },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}

/** The data dictionary (Markdown): every table, its grain, partitions and columns with type, unit and meaning. */
export function dataDictionary(): string {
  const out = [
    '# Gold data dictionary',
    '',
    'Generated from shared/gold/schema.ts. Files: `gold/<table>/<partitions>/part-0.parquet`, each with a lineage manifest `_lineage.json` beside it.',
    '',
  ];
  for (const t of GOLD_TABLES) {
    out.push(
      `## ${t.name} (${t.kind})`,
      '',
      `Grain: ${t.grain}.  `,
      `Partitions: ${t.partitions.length ? t.partitions.join(' / ') : 'none (one file)'}.  `,
      `Key: ${t.key.join(', ')}.`,
    );
    out.push('', '| column | type | unit | nullable | meaning |', '|---|---|---|---|---|');
    for (const c of t.columns)
      out.push(
        `| ${c.name} | ${c.type} | ${c.unit ?? ''} | ${c.nullable ? 'yes' : 'no'} | ${c.description.replaceAll('|', '\\|')} |`,
      );
    out.push('');
  }
  return out.join('\n');
}

/** Every generated file, path relative to the repository root → content. */
export function powerBiFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('powerbi/gold.pbids', pbids());
  files.set(
    'powerbi/relationships.md',
    '# Gold star schema relationships\n\n```mermaid\n' + relationshipsMermaid() + '```\n',
  );
  files.set('powerbi/measures.dax', daxMeasures());
  files.set('powerbi/data-dictionary.md', dataDictionary());
  for (const t of GOLD_TABLES) files.set(`powerbi/queries/${t.name}.pq`, powerQueryM(t));
  return files;
}
