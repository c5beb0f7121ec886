import { describe, expect, it } from 'vitest';
import { encodeParquet } from '../lake/parquet.js';
import { DIM_CELL, DIM_DATE, FACT_CELL_HOUR, GOLD_TABLES } from './schema.js';
import { decodeGoldTable, encodeGoldTable, GoldSchemaError } from './table-io.js';

describe('gold table files', () => {
  it('a column name means one field and one type in every table (files decode without knowing their table)', () => {
    const seen = new Map<string, string>();
    for (const t of GOLD_TABLES)
      for (const c of t.columns) {
        const meaning = `${c.field ?? c.name}:${c.type}`;
        expect(seen.get(c.name) ?? meaning, `${t.name}.${c.name}`).toBe(meaning);
        seen.set(c.name, meaning);
      }
  });

  it('time columns say they are UTC instants; code keeps its epoch-ms fields', () => {
    for (const t of GOLD_TABLES)
      for (const c of t.columns.filter((x) => x.type === 'TIMESTAMP')) expect(c.name, t.name).toMatch(/Utc$/);
    const row = { dateKey: 20261122, date: '2026-11-22', dateStartMs: Date.UTC(2026, 10, 22) };
    const full = { ...row, year: 2026, quarter: 4, month: 11, day: 22, isoWeek: 47, weekday: 7, monthName: 'November' };
    return decodeGoldTable(encodeGoldTable(DIM_DATE, [full])).then((back) => expect(back).toEqual([full]));
  });

  it('writes booleans and dates as such, and refuses a number where a boolean belongs', async () => {
    const cell = {
      cellId: 'L1-C001',
      lineId: 'L1',
      cellNo: 1,
      isLineSensor: false,
      potRow: 1,
      potColumn: 1,
      potroomSide: 'A',
      isa95Path: 'e/s/a/L1/L1-C001',
      inPlantModel: true,
    };
    expect(await decodeGoldTable(encodeGoldTable(DIM_CELL, [cell]))).toEqual([cell]);
    expect(() => encodeGoldTable(DIM_CELL, [{ ...cell, isLineSensor: 0 }])).toThrow(GoldSchemaError);
    const day = { dateKey: 20261122, dateStartMs: 0, year: 2026, quarter: 4, month: 11, day: 22, isoWeek: 47 };
    expect(() =>
      encodeGoldTable(DIM_DATE, [{ ...day, weekday: 7, monthName: 'November', date: '22/11/2026' }]),
    ).toThrow(/column date: "22\/11\/2026" is not a date/);
  });

  it('reads files written before the rename (…Ms names) into the same fields, also when asked for a few', async () => {
    const hourStartMs = Date.UTC(2026, 10, 22, 10);
    const old = encodeParquet([
      { name: 'cellId', type: 'STRING', data: ['L1-C001'] },
      { name: 'hourStartMs', type: 'TIMESTAMP', data: [hourStartMs] },
    ]);
    expect(await decodeGoldTable(old)).toEqual([{ cellId: 'L1-C001', hourStartMs }]);
    expect(await decodeGoldTable(old, ['hourStartMs'])).toEqual([{ hourStartMs }]);
    const current = encodeGoldTable(FACT_CELL_HOUR, []);
    expect(await decodeGoldTable(current, ['hourStartMs', 'cellId'])).toEqual([]);
  });
});
