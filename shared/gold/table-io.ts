import { parquetMetadata } from 'hyparquet';
import { decodeParquet, encodeParquet, type LakeColumn, type LakeColumnType } from '../lake/parquet.js';
import { GOLD_TABLES, type GoldTable } from './schema.js';
import { DomainError } from '../kernel/errors.js';

/**
 * A gold row: field → value (numbers for INT64, epoch ms for TIMESTAMP, 'YYYY-MM-DD' for DATE, booleans for BOOLEAN).
 */
export type GoldRow = Record<string, string | number | boolean | null>;

export class GoldSchemaError extends DomainError {
  constructor(
    readonly table: string,
    override readonly field: string,
    detail: string,
  ) {
    super('internal', 'ERR-GOLD-SCHEMA', `gold table ${table}, column ${field}: ${detail}`, field);
  }
}

const DAY_MS = 86_400_000;
const fieldOf = (c: { name: string; field?: string }) => c.field ?? c.name;

/**
 * Parquet column name → row field and type, over every gold table. A name means the same field and type in every
 * table that has it (a test holds the schema to that), so a file decodes without knowing its table.
 */
const COLUMN_BY_NAME = new Map<string, { field: string; type: LakeColumnType }>();
/** Row field → Parquet column name, for callers that ask for fields. */
const NAME_BY_FIELD = new Map<string, string>();
for (const t of GOLD_TABLES)
  for (const c of t.columns) {
    COLUMN_BY_NAME.set(c.name, { field: fieldOf(c), type: c.type });
    NAME_BY_FIELD.set(fieldOf(c), c.name);
  }

/** Sorts rows by the table's key so that the same rows always give the same file. */
export function sortByKey(table: GoldTable, rows: GoldRow[]): GoldRow[] {
  const keys = table.key;
  return rows.sort((a, b) => {
    for (const k of keys) {
      const x = a[k] ?? '';
      const y = b[k] ?? '';
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  });
}

/** Days since 1970-01-01 of an ISO date (or a number of days as is). */
function daysOf(table: string, column: string, v: string | number): number {
  if (typeof v === 'number') return v;
  const ms = Date.parse(`${v}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(ms))
    throw new GoldSchemaError(table, column, `"${v}" is not a date YYYY-MM-DD`);
  return ms / DAY_MS;
}

/** Encodes rows to Parquet with exactly the table's columns and types; a missing non-nullable value throws. */
export function encodeGoldTable(table: GoldTable, rows: readonly GoldRow[]): Uint8Array {
  const columns: LakeColumn[] = table.columns.map((col) => {
    const field = fieldOf(col);
    const data = rows.map((r) => {
      const v = r[field];
      if (v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v))) {
        if (!col.nullable)
          throw new GoldSchemaError(table.name, col.name, `a row has ${String(v)}; the column is not nullable`);
        return null;
      }
      if (col.type === 'DATE') return daysOf(table.name, col.name, v as string | number);
      if (col.type === 'BOOLEAN' && typeof v !== 'boolean')
        throw new GoldSchemaError(table.name, col.name, `a row has ${String(v)}; the column holds true or false`);
      return v;
    });
    return { name: col.name, type: col.type, nullable: col.nullable ?? false, data };
  });
  return encodeParquet(columns);
}

/**
 * Decodes a gold Parquet file into rows keyed by field (only `fields` when given: readers that need a few skip the
 * rest). Files written before the time columns were renamed (`…Ms` names) decode to the same fields.
 */
export async function decodeGoldTable(bytes: Uint8Array, fields?: readonly string[]): Promise<GoldRow[]> {
  let columns: string[] | undefined;
  if (fields) {
    const present = new Set(
      parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
        .schema.slice(1)
        .map((e) => e.name),
    );
    columns = fields.map((f) => NAME_BY_FIELD.get(f) ?? f).map((name, i) => (present.has(name) ? name : fields[i]!));
  }
  const rows = await decodeParquet(bytes, columns);
  return rows.map((r) => {
    const out: GoldRow = {};
    for (const name in r) {
      const col = COLUMN_BY_NAME.get(name);
      const v = r[name] as string | number | boolean | null;
      if (!col) out[name] = v;
      else if (col.type === 'DATE' && typeof v === 'number')
        out[col.field] = new Date(v * DAY_MS).toISOString().slice(0, 10);
      else out[col.field] = v;
    }
    return out;
  });
}
