import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { snappyUncompress } from 'hyparquet';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as arrowRs from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../telemetry/test-support.js';
import { decodeParquet, parquetKeyValues, parquetRowCount } from './parquet.js';
import { encodeParquet, ParquetWriteError, type LakeColumn } from './parquet-writer.js';
import { snappyCompress } from './snappy.js';

const T0 = Date.UTC(2026, 10, 22, 10);
const DAY = 20_414; // 2025-11-22 as days since 1970-01-01

/** Every column type, with nulls, repeats and values that never repeat. */
function sampleColumns(rows: number): LakeColumn[] {
  const rnd = mulberry32(7);
  return [
    { name: 'cellId', type: 'STRING', data: Array.from({ length: rows }, (_, i) => `L1-C${i % 37}`) },
    {
      name: 'note',
      type: 'STRING',
      nullable: true,
      data: Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : `n${i}-é`)),
    },
    { name: 'value', type: 'DOUBLE', data: Array.from({ length: rows }, () => 4 + rnd()) },
    { name: 'count', type: 'INT32', nullable: true, data: Array.from({ length: rows }, (_, i) => (i % 3 ? -i : null)) },
    { name: 'seq', type: 'INT64', data: Array.from({ length: rows }, (_, i) => 2 ** 40 + i) },
    { name: 'atUtc', type: 'TIMESTAMP', data: Array.from({ length: rows }, (_, i) => T0 + i * 1000) },
    {
      name: 'ok',
      type: 'BOOLEAN',
      nullable: true,
      data: Array.from({ length: rows }, (_, i) => (i % 7 ? i % 2 === 0 : null)),
    },
    { name: 'day', type: 'DATE', data: Array.from({ length: rows }, (_, i) => DAY + (i % 3)) },
  ];
}

const dir = mkdtempSync(path.join(tmpdir(), 'parquet-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Parquet writer', () => {
  it('round-trips every type, nulls included, across row groups and pages', async () => {
    const rows = 150_000; // three row groups of 65,536-value pages
    const cols = sampleColumns(rows);
    const bytes = encodeParquet(cols, { rowGroupSize: 60_000, metadata: { 'smelter.batches': '0:1-2' } });
    expect(parquetRowCount(bytes)).toBe(rows);
    expect(parquetKeyValues(bytes)).toEqual({ 'smelter.batches': '0:1-2' });
    const back = await decodeParquet(bytes);
    for (const i of [0, 1, 4, 5, 65_535, 65_536, 119_999, 120_000, rows - 1])
      for (const c of cols) expect(back[i]![c.name], `${c.name}[${i}]`).toEqual(c.data[i]);
  });

  it('arrow-rs reads UTC instants, booleans and dates, and the same values', () => {
    const cols = sampleColumns(1000);
    const table = tableFromIPC(arrowRs.readParquet(encodeParquet(cols)).intoIPCStream());
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      cellId: 'Utf8',
      note: 'Utf8',
      value: 'Float64',
      count: 'Int32',
      seq: 'Int64',
      atUtc: 'Timestamp<MILLISECOND, UTC>',
      ok: 'Bool',
      day: 'Date32<DAY>',
    });
    const row = table.get(3)!.toJSON();
    expect(row.note).toBe('n3-é');
    expect(row.count).toBeNull();
    expect(Number(row.seq)).toBe(2 ** 40 + 3);
    expect(Number(row.atUtc)).toBe(T0 + 3000);
    expect(row.ok).toBe(false);
    expect(Number(row.day)).toBe((DAY + 0) * 86_400_000);
  });

  it('a file with no rows has a well-formed footer every reader opens as an empty table', async () => {
    const empty = sampleColumns(0);
    const bytes = encodeParquet(empty);
    expect(parquetRowCount(bytes)).toBe(0);
    expect(await decodeParquet(bytes)).toEqual([]);
    const table = tableFromIPC(arrowRs.readParquet(bytes).intoIPCStream());
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(empty.map((c) => c.name));
    const file = path.join(dir, 'empty.parquet');
    writeFileSync(file, bytes);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const described = (await con.runAndReadAll(`describe select * from '${file}'`)).getRowObjects();
    expect(described.map((r) => `${String(r.column_name)} ${String(r.column_type)}`)).toEqual([
      'cellId VARCHAR',
      'note VARCHAR',
      'value DOUBLE',
      'count INTEGER',
      'seq BIGINT',
      'atUtc TIMESTAMP WITH TIME ZONE',
      'ok BOOLEAN',
      'day DATE',
    ]);
    con.closeSync();
  });

  it('DuckDB reads the values and uses the statistics', async () => {
    const cols = sampleColumns(5000);
    const file = path.join(dir, 'sample.parquet');
    writeFileSync(file, encodeParquet(cols, { rowGroupSize: 1000 }));
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`set timezone = 'UTC'`);
    const [r] = (
      await con.runAndReadAll(
        `select count(*)::int n, count(note)::int notes, sum(count)::bigint s, max(atUtc)::varchar last_at,
                count(*) filter (where ok)::int oks, min(day)::varchar first_day, sum(value) v
         from '${file}'`,
      )
    ).getRowObjects();
    const data = (name: string) => Array.from(cols.find((c) => c.name === name)!.data);
    expect(r!.n).toBe(5000);
    expect(r!.notes).toBe(data('note').filter((v) => v !== null).length);
    expect(Number(r!.s)).toBe((data('count') as (number | null)[]).reduce<number>((a, v) => a + (v ?? 0), 0));
    expect(r!.last_at).toBe('2026-11-22 11:23:19+00');
    expect(r!.oks).toBe(data('ok').filter((v) => v === true).length);
    expect(r!.first_day).toBe('2025-11-22');
    expect(r!.v).toBeCloseTo(
      (data('value') as number[]).reduce((a, v) => a + v, 0),
      6,
    );
    // Row-group min/max let DuckDB skip row groups: the footer holds them for the key columns.
    const stats = (
      await con.runAndReadAll(
        `select row_group_id, stats_min_value, stats_max_value from parquet_metadata('${file}') where path_in_schema = 'atUtc' order by 1`,
      )
    ).getRowObjects();
    expect(stats).toHaveLength(5);
    expect(String(stats[1]!.stats_min_value)).toContain('2026-11-22 10:16:40');
    con.closeSync();
  });

  it('refuses a missing value in a required column, naming the column and row', () => {
    expect(() => encodeParquet([{ name: 'tag', type: 'STRING', data: ['a', null] }])).toThrow(ParquetWriteError);
    expect(() => encodeParquet([{ name: 'tag', type: 'STRING', data: ['a', null] }])).toThrow(/tag: row 1/);
    expect(() => encodeParquet([{ name: 'n', type: 'INT64', data: [1.5] }])).toThrow(/whole number/);
  });
});

describe('Snappy compressor', () => {
  it('round-trips through a standard decompressor: empty, tiny, repetitive, random, longer than a block', () => {
    const rnd = mulberry32(3);
    const cases = [
      new Uint8Array(0),
      new Uint8Array([1, 2, 3]),
      new Uint8Array(200_000).fill(7),
      Uint8Array.from({ length: 150_000 }, () => Math.floor(rnd() * 256)),
      Uint8Array.from({ length: 300_000 }, (_, i) => ((i * 31) % 251) ^ (i >> 9)),
    ];
    for (const input of cases) {
      const out = new Uint8Array(input.length);
      snappyUncompress(snappyCompress(input), out);
      expect(Buffer.compare(out, input)).toBe(0);
    }
    expect(snappyCompress(cases[2]!).length).toBeLessThan(20_000);
  });
});
