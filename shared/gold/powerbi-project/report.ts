/**
 * The PBIR report over the semantic model: the pages a plant manager reads (energy, emissions, anode effects,
 * optimisation, data quality). Every field a visual binds is checked against the model when the report is generated,
 * so a renamed column or measure fails the generation instead of breaking a visual in Desktop.
 */
import { GOLD_TABLES } from '../schema.js';
import { MEASURES, TARGET_TABLE } from './semantic-model.js';
import { stableGuid } from './tmdl.js';
import { DomainError } from '../../kernel/errors.js';

export const SCHEMAS = {
  report: 'https://developer.microsoft.com/json-schemas/fabric/item/report/definition/report/3.0.0/schema.json',
  version:
    'https://developer.microsoft.com/json-schemas/fabric/item/report/definition/versionMetadata/1.0.0/schema.json',
  pages: 'https://developer.microsoft.com/json-schemas/fabric/item/report/definition/pagesMetadata/1.0.0/schema.json',
  page: 'https://developer.microsoft.com/json-schemas/fabric/item/report/definition/page/2.0.0/schema.json',
  visual:
    'https://developer.microsoft.com/json-schemas/fabric/item/report/definition/visualContainer/2.4.0/schema.json',
} as const;

export const THEME_FILE = 'SmelterTheme.json';

/** A field a visual binds: a column or a measure of a model table. */
type Field = { column: readonly [string, string] } | { measure: readonly [string, string] };
const col = (table: string, column: string): Field => ({ column: [table, column] });
const mea = (name: string): Field => {
  const x = MEASURES.find((y) => y.name === name);
  if (!x) throw new ReportFieldError(name, `measure "${name}" is not in the semantic model`);
  return { measure: [x.table, x.name] };
};

export class ReportFieldError extends DomainError {
  constructor(field: string, detail: string) {
    super(
      'internal',
      'ERR-GOLD-POWERBI-FIELD',
      `report field ${field}: ${detail}; regenerate after changing shared/gold/schema.ts or the measures`,
      field,
    );
  }
}

interface VisualSpec {
  name: string;
  type: 'lineChart' | 'clusteredColumnChart' | 'clusteredBarChart' | 'columnChart' | 'card' | 'tableEx' | 'slicer';
  title: string;
  at: [x: number, y: number, width: number, height: number];
  /** Data roles of the visual type → fields, in order. */
  roles: Record<string, Field[]>;
}

interface PageSpec {
  name: string;
  displayName: string;
  visuals: VisualSpec[];
}

const PAGE_WIDTH = 1280;
const PAGE_HEIGHT = 720;

/** A date slicer across the top of every page, so each page reads the same period. */
const dateSlicer = (page: string): VisualSpec => ({
  name: `${page}DateSlicer`,
  type: 'slicer',
  title: 'Date (UTC)',
  at: [16, 16, 400, 80],
  roles: { Values: [col('dim_date', 'date')] },
});
const lineSlicer = (page: string): VisualSpec => ({
  name: `${page}LineSlicer`,
  type: 'slicer',
  title: 'Line',
  at: [432, 16, 240, 80],
  roles: { Values: [col('dim_line', 'lineId')] },
});
const card = (name: string, measure: string, x: number): VisualSpec => ({
  name,
  type: 'card',
  title: measure,
  at: [x, 16, 190, 80],
  roles: { Values: [mea(measure)] },
});

export const PAGES: readonly PageSpec[] = [
  {
    name: 'energy',
    displayName: 'Energy',
    visuals: [
      dateSlicer('energy'),
      lineSlicer('energy'),
      card('energySec', 'SEC kWh per kg', 688),
      card('energyVsTarget', 'SEC vs target %', 886),
      card('energyProduction', 'Production t', 1084),
      {
        name: 'energySecByDay',
        type: 'lineChart',
        title: 'Specific energy per line and day against target (kWh/kg Al)',
        at: [16, 112, 1248, 300],
        roles: {
          Category: [col('dim_date', 'date')],
          Series: [col('dim_line', 'lineId')],
          Y: [mea('SEC kWh per kg')],
        },
      },
      {
        name: 'energyTargetByDay',
        type: 'lineChart',
        title: 'Plant specific energy and target (kWh/kg Al)',
        at: [16, 428, 620, 276],
        roles: { Category: [col('dim_date', 'date')], Y: [mea('SEC kWh per kg'), mea('SEC target kWh per kg')] },
      },
      {
        name: 'energyByLine',
        type: 'tableEx',
        title: 'Lines',
        at: [652, 428, 612, 276],
        roles: {
          Values: [
            col('dim_line', 'lineId'),
            mea('Production t'),
            mea('Energy MWh'),
            mea('SEC kWh per kg'),
            mea('SEC vs target %'),
            mea('Production vs baseline %'),
          ],
        },
      },
    ],
  },
  {
    name: 'emissions',
    displayName: 'Emissions',
    visuals: [
      dateSlicer('emissions'),
      lineSlicer('emissions'),
      card('emissionsPerT', 'CO2e per t Al', 688),
      card('emissionsTotal', 'CO2e t', 886),
      card('emissionsPfc', 'PFC CO2e t', 1084),
      {
        name: 'emissionsSplitByDay',
        type: 'columnChart',
        title: 'CO2e per t Al by source: electricity, anode, PFC',
        at: [16, 112, 1248, 300],
        roles: {
          Category: [col('dim_date', 'date')],
          Y: [mea('CO2e electricity per t Al'), mea('CO2e anode per t Al'), mea('CO2e PFC per t Al')],
        },
      },
      {
        name: 'emissionsPfcByLine',
        type: 'clusteredBarChart',
        title: 'PFC by line: CF4 and C2F6 (kg)',
        at: [16, 428, 620, 276],
        roles: { Category: [col('dim_line', 'lineId')], Y: [mea('CF4 kg'), mea('C2F6 kg')] },
      },
      {
        name: 'emissionsByLine',
        type: 'tableEx',
        title: 'Lines',
        at: [652, 428, 612, 276],
        roles: {
          Values: [
            col('dim_line', 'lineId'),
            mea('CO2e per t Al'),
            mea('CO2e electricity per t Al'),
            mea('CO2e anode per t Al'),
            mea('CO2e PFC per t Al'),
            mea('CO2e t'),
          ],
        },
      },
    ],
  },
  {
    name: 'anodeEffects',
    displayName: 'Anode effects',
    visuals: [
      dateSlicer('anodeEffects'),
      lineSlicer('anodeEffects'),
      card('aeFrequency', 'AE per pot-day', 688),
      card('aeDuration', 'AE mean duration min', 886),
      card('aeCount', 'Anode effects', 1084),
      {
        name: 'aeFrequencyByDay',
        type: 'lineChart',
        title: 'Anode-effect frequency per line (per pot-day)',
        at: [16, 112, 1248, 300],
        roles: { Category: [col('dim_date', 'date')], Series: [col('dim_line', 'lineId')], Y: [mea('AE per pot-day')] },
      },
      {
        name: 'aeDurationByLine',
        type: 'clusteredColumnChart',
        title: 'Anode-effect duration per line (mean min, min per cell-day)',
        at: [16, 428, 620, 276],
        roles: {
          Category: [col('dim_line', 'lineId')],
          Y: [mea('AE mean duration min'), mea('AE minutes per cell-day')],
        },
      },
      {
        name: 'aeByCell',
        type: 'tableEx',
        title: 'Cells with anode effects',
        at: [652, 428, 612, 276],
        roles: { Values: [col('dim_cell', 'cellId'), mea('Cell anode effects'), mea('Mean cell voltage V')] },
      },
    ],
  },
  {
    name: 'optimisation',
    displayName: 'Optimisation',
    visuals: [
      dateSlicer('optimisation'),
      lineSlicer('optimisation'),
      card('optRunCount', 'Optimisation runs', 688),
      card('optSecChange', 'Predicted SEC change %', 886),
      card('optApplied', 'Set-point changes applied', 1084),
      {
        name: 'optRuns',
        type: 'tableEx',
        title: 'Runs: SEC before and after, who approved',
        at: [16, 112, 1248, 280],
        roles: {
          Values: [
            col('fact_optimization_run', 'startedUtc'),
            col('fact_optimization_run', 'lineId'),
            col('fact_optimization_run', 'mode'),
            col('fact_optimization_run', 'outcome'),
            col('fact_optimization_run', 'baselineKWhPerKg'),
            col('fact_optimization_run', 'objectiveKWhPerKg'),
            col('fact_optimization_run', 'cellsChanged'),
            col('fact_optimization_run', 'requestedBy'),
            col('fact_optimization_run', 'approvedBy'),
          ],
        },
      },
      {
        name: 'optSetpoints',
        type: 'tableEx',
        title: 'Set-point changes and who approved them',
        at: [16, 408, 1248, 296],
        roles: {
          Values: [
            col('fact_setpoint_change', 'issuedUtc'),
            col('fact_setpoint_change', 'cellId'),
            col('fact_setpoint_change', 'setpoint'),
            col('fact_setpoint_change', 'previousValue'),
            col('fact_setpoint_change', 'newValue'),
            col('fact_setpoint_change', 'outcome'),
            col('fact_setpoint_change', 'runId'),
            col('fact_setpoint_change', 'approvedBy'),
          ],
        },
      },
    ],
  },
  {
    name: 'dataQuality',
    displayName: 'Data quality',
    visuals: [
      dateSlicer('dataQuality'),
      card('dqGoodShare', 'Good share %', 432),
      card('dqPoints', 'Points in', 630),
      card('dqQuarantined', 'Quarantined', 828),
      card('dqExcluded', 'Excluded rows', 1026),
      {
        name: 'dqGoodShareByDay',
        type: 'lineChart',
        title: 'Good readings (% of silver rows)',
        at: [16, 112, 620, 290],
        roles: { Category: [col('dim_date', 'date')], Y: [mea('Good share %')] },
      },
      {
        name: 'dqRejectedByDay',
        type: 'clusteredColumnChart',
        title: 'Quarantined, excluded and interpolated per day',
        at: [652, 112, 612, 290],
        roles: {
          Category: [col('dim_date', 'date')],
          Y: [mea('Quarantined'), mea('Excluded rows'), mea('Interpolated rows')],
        },
      },
      {
        name: 'dqByHour',
        type: 'tableEx',
        title: 'Batches per enqueued hour',
        at: [16, 418, 1248, 286],
        roles: {
          Values: [
            col('dim_date', 'date'),
            col('fact_data_quality', 'hour'),
            mea('Points in'),
            mea('Silver rows'),
            mea('Good share %'),
            mea('Quarantined'),
            mea('Excluded rows'),
          ],
        },
      },
    ],
  },
];

/** Columns of the model, table → names: gold tables and the target table. */
const MODEL_COLUMNS = new Map<string, Set<string>>([
  ...GOLD_TABLES.map((t) => [t.name, new Set(t.columns.map((c) => c.name))] as [string, Set<string>]),
  [TARGET_TABLE, new Set(['secTargetKWhPerKg'])],
]);

function projection(f: Field): Record<string, unknown> {
  if ('column' in f) {
    const [table, column] = f.column;
    if (!MODEL_COLUMNS.get(table)?.has(column))
      throw new ReportFieldError(`${table}.${column}`, 'no such column in the semantic model');
    return {
      field: { Column: { Expression: { SourceRef: { Entity: table } }, Property: column } },
      queryRef: `${table}.${column}`,
      nativeQueryRef: column,
    };
  }
  const [table, measure] = f.measure;
  return {
    field: { Measure: { Expression: { SourceRef: { Entity: table } }, Property: measure } },
    queryRef: `${table}.${measure}`,
    nativeQueryRef: measure,
  };
}

const literal = (value: string) => ({ expr: { Literal: { Value: value } } });

function visualJson(v: VisualSpec, z: number): Record<string, unknown> {
  const [x, y, width, height] = v.at;
  if (x + width > PAGE_WIDTH || y + height > PAGE_HEIGHT)
    throw new ReportFieldError(v.name, `visual does not fit the ${PAGE_WIDTH}×${PAGE_HEIGHT} page`);
  return {
    $schema: SCHEMAS.visual,
    name: v.name,
    position: { x, y, z: z * 1000, height, width, tabOrder: z * 1000 },
    visual: {
      visualType: v.type,
      query: {
        queryState: Object.fromEntries(
          Object.entries(v.roles).map(([role, fields]) => [role, { projections: fields.map(projection) }]),
        ),
      },
      visualContainerObjects: {
        title: [{ properties: { show: literal('true'), text: literal(`'${v.title.replaceAll("'", "''")}'`) } }],
      },
      drillFilterOtherVisuals: true,
    },
  };
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** Every file of the report folder, path relative to it → content (definition.pbir is added by the project). */
export function reportDefinition(): Map<string, string> {
  const files = new Map<string, string>();
  const themeVersion = { visual: '2.4.0', report: '3.0.0', page: '2.0.0' };
  files.set('definition/version.json', json({ $schema: SCHEMAS.version, version: '2.0.0' }));
  files.set(
    'definition/report.json',
    json({
      $schema: SCHEMAS.report,
      themeCollection: {
        customTheme: { name: THEME_FILE, reportVersionAtImport: themeVersion, type: 'RegisteredResources' },
      },
      resourcePackages: [
        {
          name: 'RegisteredResources',
          type: 'RegisteredResources',
          items: [{ name: THEME_FILE, path: THEME_FILE, type: 'CustomTheme' }],
        },
      ],
      settings: {
        useStylableVisualContainerHeader: true,
        defaultDrillFilterOtherVisuals: true,
        exportDataMode: 'AllowSummarized',
      },
    }),
  );
  files.set(
    'definition/pages/pages.json',
    json({ $schema: SCHEMAS.pages, pageOrder: PAGES.map((p) => p.name), activePageName: PAGES[0]!.name }),
  );
  for (const p of PAGES) {
    files.set(
      `definition/pages/${p.name}/page.json`,
      json({
        $schema: SCHEMAS.page,
        name: p.name,
        displayName: p.displayName,
        displayOption: 'FitToPage',
        height: PAGE_HEIGHT,
        width: PAGE_WIDTH,
      }),
    );
    p.visuals.forEach((v, i) =>
      files.set(`definition/pages/${p.name}/visuals/${v.name}/visual.json`, json(visualJson(v, i))),
    );
  }
  files.set(
    `StaticResources/RegisteredResources/${THEME_FILE}`,
    json({
      name: 'Smelter',
      dataColors: ['#1C5CAB', '#EB6834', '#1BAF7A', '#EDA100', '#4A3AA7', '#8DA2BD', '#D03B3B', '#0CA30C'],
      background: '#FFFFFF',
      foreground: '#1B1F27',
      tableAccent: '#1C5CAB',
    }),
  );
  return files;
}

/** A stable logical id for an item's .platform file. */
export const logicalId = (item: string) => stableGuid(`item|${item}`);
