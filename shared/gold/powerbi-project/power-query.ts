/**
 * Power Query (M) of the semantic model's tables: every Parquet file of a gold table on the account the LakeUrl
 * parameter names, typed from the gold schema. Tables with an incremental-refresh policy read only the `date=`
 * folders of the refresh window (RangeStart/RangeEnd) and keep the rows of the window, so each refresh partition
 * opens the files of its own days and nothing else.
 */
import type { GoldColumn, GoldTable } from '../schema.js';

/** The M type of a gold column as Power Query declares it. */
export const M_TYPES: Record<GoldColumn['type'], string> = {
  STRING: 'type text',
  DOUBLE: 'type number',
  INT32: 'Int64.Type',
  INT64: 'Int64.Type',
  TIMESTAMP: 'type datetime',
  BOOLEAN: 'type logical',
  DATE: 'type date',
};

/** The primitive type of a column inside a `type table [...]` (facets such as Int64.Type come with Typed). */
const PRIMITIVE: Record<GoldColumn['type'], string> = {
  STRING: 'text',
  DOUBLE: 'number',
  INT32: 'number',
  INT64: 'number',
  TIMESTAMP: 'datetime',
  BOOLEAN: 'logical',
  DATE: 'date',
};

const quoteM = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * The M query of one gold table. `window` names the UTC-instant column the incremental-refresh window filters on.
 * A table with no file yet loads as an empty table of the right columns (the schema row type is the first input).
 */
export function tableQuery(t: GoldTable, window?: string): string {
  const columns = t.columns;
  const instants = columns.filter((c) => c.type === 'TIMESTAMP');
  const others = columns.filter((c) => c.type !== 'TIMESTAMP');
  const rowType = columns.map((c) => `${quoteMIdentifier(c.name)} = ${PRIMITIVE[c.type]}`);
  const lines = [
    'let',
    `    Source = AzureStorage.DataLake(LakeUrl & ${quoteM('/' + t.name)}, [HierarchicalNavigation = false]),`,
    '    // Data files only: lineage manifests and anything a writer hides start with "_".',
    '    Files = Table.SelectRows(Source, each [Extension] = ".parquet" and not Text.StartsWith([Name], "_")),',
  ];
  let files = 'Files';
  if (window && t.partitions.includes('date')) {
    lines.push(
      '    // The date= folder of each file, so a refresh partition opens only the files of its own days.',
      '    Dated = Table.AddColumn(Files, "FolderDate", each Date.FromText(Text.BetweenDelimiters([Folder Path], "date=", "/"), [Format = "yyyy-MM-dd", Culture = "en-US"]), type date),',
      '    InWindow = Table.SelectRows(Dated, each [FolderDate] >= Date.From(RangeStart) and [FolderDate] <= Date.From(RangeEnd)),',
    );
    files = 'InWindow';
  }
  lines.push(
    `    Empty = #table(type table [${rowType.join(', ')}], {}),`,
    `    Combined = Table.Combine({Empty} & List.Transform(${files}[Content], each Parquet.Document(_))),`,
    '    // Parquet timestamps are UTC instants; the model keeps them as UTC date-times whatever the reader hands over.',
    '    ToUtc = (v) => if v is datetimezone then DateTimeZone.RemoveZone(DateTimeZone.SwitchZone(v, 0)) else v,',
  );
  let last = 'Combined';
  if (instants.length) {
    lines.push(
      `    Instants = Table.TransformColumns(${last}, {${instants.map((c) => `{${quoteM(c.name)}, ToUtc, type datetime}`).join(', ')}}),`,
    );
    last = 'Instants';
  }
  lines.push(
    `    Typed = Table.TransformColumnTypes(${last}, {${others.map((c) => `{${quoteM(c.name)}, ${M_TYPES[c.type]}}`).join(', ')}})${window ? ',' : ''}`,
  );
  last = 'Typed';
  if (window) {
    lines.push(`    Windowed = Table.SelectRows(Typed, each [${window}] >= RangeStart and [${window}] < RangeEnd)`);
    last = 'Windowed';
  }
  lines.push('in', `    ${last}`);
  return lines.join('\n');
}

/** A column name as an M generalized identifier in a record or table type (quoted when not a plain identifier). */
function quoteMIdentifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `#${quoteM(name)}`;
}

/** A parameter query, as Power BI Desktop writes one (its value and the metadata that makes it a parameter). */
export function parameterExpression(value: string, type: 'Text' | 'DateTime' | 'Number'): string {
  return `${value} meta [IsParameterQuery = true, Type = ${quoteM(type)}, IsParameterQueryRequired = true]`;
}
