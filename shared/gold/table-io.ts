import { decodeParquet, encodeParquet, type LakeColumn } from '../lake/parquet.js';
import type { GoldTable } from './schema.js';
import { DomainError } from '../kernel/errors.js';

/** A gold row: column name → value (numbers for INT64 and TIMESTAMP as epoch ms). */
export type GoldRow = Record<string, string | number | null>;

export class GoldSchemaError extends DomainError {
  constructor(
    readonly table: string,
    override readonly field: string,
    detail: string,
  ) {
    super('internal', 'ERR-GOLD-SCHEMA', `gold table ${table}, column ${field}: ${detail}`, field);
  }
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

/** Encodes rows to Parquet with exactly the table's columns and types; a missing non-nullable value throws. */
export function encodeGoldTable(table: GoldTable, rows: readonly GoldRow[]): Uint8Array {
  const columns: LakeColumn[] = table.columns.map((col) => {
    const data = rows.map((r) => {
      const v = r[col.name];
      if (v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v))) {
        if (!col.nullable)
          throw new GoldSchemaError(table.name, col.name, `a row has ${String(v)}; the column is not nullable`);
        return null;
      }
      return v;
    });
    return { name: col.name, type: col.type, nullable: col.nullable ?? false, data };
  });
  return encodeParquet(columns);
}

/** Decodes a gold Parquet file into rows (only `columns` when given: readers that need a few skip the rest). */
export async function decodeGoldTable(bytes: Uint8Array, columns?: readonly string[]): Promise<GoldRow[]> {
  return (await decodeParquet(bytes, columns)) as GoldRow[];
}
