/**
 * The Power BI project in powerbi/ as Power BI Desktop would meet it: every JSON file valid against Microsoft's
 * published schemas, every M expression accepted by Microsoft's Power Query parser, the model's columns matching the
 * Parquet files curation writes (names and types), every field the report binds present in the model.
 */
import { DefaultSettings, TaskUtils } from '@microsoft/powerquery-parser';
import { Ajv } from 'ajv';
import { parquetMetadata } from 'hyparquet';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { curateRange } from '../../shared/gold/curate.js';
import { silverRow, testCurationConfig, writeBatch } from '../../shared/gold/fixtures.js';
import { GOLD } from '../../shared/gold/gold-writer.js';
import { powerBiFiles } from '../../shared/gold/powerbi.js';
import { GOLD_TABLES } from '../../shared/gold/schema.js';
import { encodeGoldTable } from '../../shared/gold/table-io.js';
import { listAll, MemoryLakeStore } from '../../shared/lake/lake-store.js';
import { repoRoot } from '../e2e/support.js';
import { readTmdl } from './tmdl-reader.js';

const POWERBI = path.join(repoRoot, 'powerbi');
const SCHEMAS = path.join(repoRoot, 'test/powerbi/microsoft-json-schemas');

/** Every file under a folder, path relative to it with '/' separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

const committed = filesUnder(POWERBI);
const read = (file: string) => readFileSync(path.join(POWERBI, file), 'utf8');
const modelDir = committed.find((f) => f.endsWith('.SemanticModel/definition.pbism'))!.replace('definition.pbism', '');
const tmdl = readTmdl(
  new Map(
    committed
      .filter((f) => f.startsWith(`${modelDir}definition/`) && f.endsWith('.tmdl'))
      .map((f) => [f.slice(`${modelDir}definition/`.length), read(f)]),
  ),
);

describe('Power BI project', () => {
  it('is what the gold schema generates, file for file (run shared/gold/generate-powerbi.ts after a change)', () => {
    const generated = powerBiFiles();
    expect(committed).toEqual([...generated.keys()].map((f) => f.slice('powerbi/'.length)).sort());
    for (const [file, content] of generated) expect(readFileSync(path.join(repoRoot, file), 'utf8'), file).toBe(content);
  });

  it("validates every JSON file against Microsoft's published schemas", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // Each schema under the URL of its path: the embedded ones declare `schema.embedded.json` as their id while the
    // schemas that use them refer to `schema-embedded.json`, the name they are published under.
    for (const f of filesUnder(SCHEMAS).filter((x) => x.endsWith('.json')))
      ajv.addSchema({
        ...(JSON.parse(readFileSync(path.join(SCHEMAS, f), 'utf8')) as object),
        $id: `https://developer.microsoft.com/json-schemas/${f}`,
      });
    const jsonFiles = committed.filter((f) => /\.(json|pbip|pbir|pbism|platform)$/.test(f) || f.endsWith('/.platform'));
    const themes = jsonFiles.filter((f) => f.includes('/StaticResources/'));
    expect(jsonFiles.length).toBeGreaterThan(40);
    for (const f of jsonFiles.filter((x) => !themes.includes(x))) {
      const doc = JSON.parse(read(f)) as { $schema?: string };
      expect(doc.$schema, `${f} names its schema`).toMatch(/^https:\/\/developer\.microsoft\.com\/json-schemas\/fabric\//);
      const validate = ajv.getSchema(doc.$schema!);
      expect(validate, `${f}: schema ${doc.$schema} is kept in test/powerbi/microsoft-json-schemas`).toBeDefined();
      const valid = validate!(doc);
      expect(valid, `${f}: ${JSON.stringify(validate!.errors?.slice(0, 3))}`).toBe(true);
    }
    // The theme has no published schema here; it must at least be JSON with a name.
    for (const f of themes) expect((JSON.parse(read(f)) as { name?: string }).name).toBeTruthy();
  });

  it("parses every M expression with Microsoft's Power Query parser", async () => {
    const expressions = [
      ...tmdl.expressions.map((e) => ({ where: `expression ${e.name}`, text: e.text })),
      ...[...tmdl.tables.values()].flatMap((t) => t.m),
    ];
    expect(expressions.length).toBeGreaterThanOrEqual(GOLD_TABLES.length + 2 + 4);
    for (const e of expressions) {
      const result = await TaskUtils.tryLexParse(DefaultSettings, e.text);
      expect(TaskUtils.isParseStageOk(result), `${e.where}: ${JSON.stringify((result as { error?: { message?: string } }).error?.message)}`).toBe(true);
    }
    expect(tmdl.expressions.map((e) => e.name)).toEqual(expect.arrayContaining(['LakeUrl', 'RangeStart', 'RangeEnd']));
  });

  it('has every gold table, a marked date table, and incremental refresh on the minute and hour facts', () => {
    for (const t of GOLD_TABLES) expect(tmdl.tables.has(t.name), t.name).toBe(true);
    const date = tmdl.tables.get('dim_date')!;
    expect(date.props.dataCategory).toBe('Time');
    expect(date.columns.find((c) => c.name === 'date')!.props).toMatchObject({ dataType: 'dateTime', isKey: 'true' });
    for (const [table, column] of [
      ['fact_cell_minute', 'minuteStartUtc'],
      ['fact_cell_hour', 'hourStartUtc'],
    ] as const) {
      const policy = tmdl.tables.get(table)!.m.find((x) => x.where.includes('refreshPolicy'));
      expect(policy?.text, table).toContain(`[${column}] >= RangeStart and [${column}] < RangeEnd`);
    }
    for (const r of tmdl.relationships) {
      for (const end of [r.from, r.to]) {
        const [table, column] = end.split('.') as [string, string];
        expect(tmdl.tables.get(table)?.columns.some((c) => c.name === column), end).toBe(true);
      }
    }
  });

  it('binds in the report only columns and measures the model has', () => {
    const visuals = committed.filter((f) => f.endsWith('/visual.json'));
    const pages = JSON.parse(read(committed.find((f) => f.endsWith('pages/pages.json'))!)) as { pageOrder: string[] };
    expect(pages.pageOrder).toEqual(['energy', 'emissions', 'anodeEffects', 'optimisation', 'dataQuality']);
    let bound = 0;
    for (const f of visuals) {
      const text = read(f);
      for (const m of text.matchAll(/"(Column|Measure)": \{\s*"Expression": \{\s*"SourceRef": \{\s*"Entity": "([^"]+)"\s*\}\s*\},\s*"Property": "([^"]+)"/g)) {
        const table = tmdl.tables.get(m[2]!);
        const names = m[1] === 'Column' ? table?.columns.map((c) => c.name) : table?.measures.map((x) => x.name);
        expect(names, `${f}: ${m[1]} ${m[2]}.${m[3]}`).toContain(m[3]);
        bound++;
      }
    }
    expect(bound).toBeGreaterThan(60);
  });

  it('types every gold column as the Parquet files curation writes it', async () => {
    // Curate one hour so the telemetry tables and dimensions are real curation output; the entity facts with no
    // events are encoded as curation writes a day without any (a file with the schema and no rows).
    const lake = new MemoryLakeStore();
    const T10 = Date.parse('2026-11-22T10:00:00Z');
    const rows = Array.from({ length: 120 }, (_, i) => [
      silverRow('L1', 'L1-LINE', 'lineCurrent', T10 + i * 1000, 126),
      silverRow('L1', 'L1-C001', 'cellVoltage', T10 + i * 1000, 4.2),
    ]).flat();
    await writeBatch(lake, '0', 0, 119, rows);
    await curateRange(lake, { fromMs: T10, toMs: T10 + 3_600_000 }, testCurationConfig());
    const fileOf = async (table: string) => {
      const entry = (await listAll(lake, GOLD, `${table}/`)).find((e) => e.path.endsWith('.parquet'));
      const t = GOLD_TABLES.find((x) => x.name === table)!;
      return entry ? (await lake.get(GOLD, entry.path))! : encodeGoldTable(t, []);
    };
    const expectedType = (e: { type?: string; logical_type?: { type: string } }) =>
      e.logical_type?.type === 'TIMESTAMP' || e.logical_type?.type === 'DATE'
        ? 'dateTime'
        : e.logical_type?.type === 'STRING'
          ? 'string'
          : ({ BOOLEAN: 'boolean', INT32: 'int64', INT64: 'int64', DOUBLE: 'double' } as Record<string, string>)[e.type!];
    for (const t of GOLD_TABLES) {
      const bytes = await fileOf(t.name);
      const schema = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).schema.slice(1);
      const model = tmdl.tables.get(t.name)!.columns;
      expect(model.map((c) => c.name), t.name).toEqual(schema.map((e) => e.name));
      for (const c of model) {
        const e = schema.find((x) => x.name === c.name)!;
        expect(c.props.dataType, `${t.name}.${c.name}`).toBe(expectedType(e));
        expect(c.props.sourceColumn, `${t.name}.${c.name}`).toBe(c.name);
      }
      if (t.columns.some((c) => c.type === 'TIMESTAMP'))
        expect(schema.find((e) => e.logical_type?.type === 'TIMESTAMP')?.logical_type, t.name).toMatchObject({
          isAdjustedToUTC: true,
          unit: 'MILLIS',
        });
    }
  });
});
