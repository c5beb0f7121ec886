import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLineKpis } from '../../functions/api/line-kpis.js';
import { getTelemetry } from '../../functions/api/telemetry.js';
import { LineKpis } from '../../shared/api/line-kpis.js';
import { TelemetryPage } from '../../shared/api/telemetry.js';
import { goldDataPath } from '../../shared/gold/paths.js';
import { decodeGoldTable } from '../../shared/gold/table-io.js';
import { routes } from '../../shared/api/routes.js';
import type { SilverRow } from '../../shared/telemetry/records.js';
import { GOLD_DATE, GOLD_FROM, seedGold } from './fixtures/gold.js';
import { startApiWorld, type ApiWorld } from './harness.js';

let world: ApiWorld;
let erp: string;
let operator: string;
let readings: SilverRow[];

beforeAll(async () => {
  world = await startApiWorld('lake-routes-test', { lake: true });
  readings = await seedGold(world.lake!);
  erp = await world.token({ roles: ['Integration'], sub: 'erp', azp: 'erp-client' });
  operator = await world.token({ roles: ['Operator'], sub: 'olga' });
});
afterAll(() => world?.stop());

const kpis = (lineId: string, query: string, token = erp) =>
  world.call(routes.lineKpis, getLineKpis, { token, params: { lineId }, query });
const telemetry = (query: string, token = operator) => world.call(routes.telemetry, getTelemetry, { token, query });

describe('line KPIs from gold', () => {
  it('answers the ERP (Integration role) with the day as curation booked it in fact_line_day', async () => {
    const res = await kpis('L1', 'from=2026-11-22&to=2026-11-23');
    expect(res.status, res.text).toBe(200);
    const body = LineKpis.parse(res.json);
    const [day] = await decodeGoldTable(
      (await world.lake!.get('gold', goldDataPath('fact_line_day', { date: GOLD_DATE, lineId: 'L1' })))!,
    );
    expect(body).toMatchObject({
      lineId: 'L1',
      grain: 'day',
      from: '2026-11-22T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
      source: 'gold/fact_line_day',
    });
    expect(body.periods).toHaveLength(1);
    const p = body.periods[0]!;
    expect(p).toMatchObject({
      periodStart: '2026-11-22T00:00:00.000Z',
      periodEnd: '2026-11-23T00:00:00.000Z',
      cells: 2,
      anodeEffectCount: 1,
    });
    expect(p.productionT).toBe(day!.productionT);
    expect(p.energyKWh).toBeCloseTo((day!.energyMWh as number) * 1000, 9);
    expect(p.co2eTotalT).toBe(day!.co2eTotalT);
    expect(p.secKWhPerT).toBeCloseTo(p.energyKWh / p.productionT, 9);
    // Two cells at ~4.25 V (30 V for two minutes of anode effect) and ~300 kA for two hours: about 5.1 MWh.
    expect(p.energyKWh).toBeGreaterThan(5000);
    expect(p.energyKWh).toBeLessThan(5400);
    expect(body.totals).toMatchObject({ productionT: p.productionT, energyKWh: p.energyKWh, anodeEffectCount: 1 });
  });

  it('splits the same data into hours that add up to the day, the anode effect in the hour it started', async () => {
    const day = LineKpis.parse((await kpis('L1', 'from=2026-11-22&to=2026-11-23')).json).periods[0]!;
    const res = await kpis('L1', 'from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z&grain=hour');
    expect(res.status, res.text).toBe(200);
    const body = LineKpis.parse(res.json);
    expect(body.source).toBe('gold/fact_cell_hour');
    expect(body.periods.map((h) => h.periodStart)).toEqual(['2026-11-22T10:00:00.000Z', '2026-11-22T11:00:00.000Z']);
    expect(body.periods.map((h) => h.anodeEffectCount)).toEqual([1, 0]);
    for (const k of ['productionT', 'energyKWh', 'co2eElectricityT', 'co2eAnodeT'] as const)
      expect(body.totals[k], k).toBeCloseTo(day[k], 9);
    const narrow = LineKpis.parse(
      (await kpis('L1', 'from=2026-11-22T11:00:00Z&to=2026-11-22T12:00:00Z&grain=hour')).json,
    );
    expect(narrow.periods).toEqual([body.periods[1]]);
  });

  it('leaves out periods without curated data and answers 404 ERR-4042 for a line curation never saw', async () => {
    const empty = LineKpis.parse((await kpis('L1', 'from=2026-11-01&to=2026-11-22')).json);
    expect(empty.periods).toEqual([]);
    expect(empty.totals).toMatchObject({ productionT: 0, energyKWh: 0, secKWhPerT: null });
    const unknown = await kpis('L9', 'from=2026-11-22&to=2026-11-23');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: 'ERR-4042', details: [{ field: 'path.lineId' }] });
  });

  it('refuses ranges it cannot answer with 400 naming the field: misaligned, reversed, too long, no zone', async () => {
    const cases: [string, string][] = [
      ['from=2026-11-22T10:00:00Z&to=2026-11-23', 'query.from'],
      ['from=2026-11-22T10:30:00Z&to=2026-11-22T12:00:00Z&grain=hour', 'query.from'],
      ['from=2026-11-23&to=2026-11-22', 'query.to'],
      ['from=2026-01-01&to=2026-06-01', 'query.to'],
      ['from=2026-11-01&to=2026-11-22&grain=hour', 'query.to'],
      ['from=2026-11-22T10:00:00&to=2026-11-23', 'query.from'],
      ['from=2026-02-30&to=2026-03-02', 'query.from'],
      ['from=2026-11-22&to=2026-11-23&grain=week', 'query.grain'],
      ['from=2026-11-22', 'query.to'],
    ];
    for (const [query, field] of cases) {
      const res = await kpis('L1', query);
      expect(res.status, query).toBe(400);
      expect(res.json, query).toMatchObject({
        code: 'ERR-4001',
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    }
  });
});

describe('telemetry from gold minute aggregates', () => {
  it("pages through one sensor's minutes exactly once, each the statistics of its kept readings", async () => {
    const seen: TelemetryPage['items'] = [];
    let query = 'cellId=L1-C001&tag=cellVoltage&from=2026-11-22T09:00:00Z&to=2026-11-23T00:00:00Z&pageSize=50';
    let pages = 0;
    for (;;) {
      const res = await telemetry(query);
      expect(res.status, res.text).toBe(200);
      const page = TelemetryPage.parse(res.json);
      expect(page).toMatchObject({
        cellId: 'L1-C001',
        tag: 'cellVoltage',
        unit: 'V',
        resolution: 'minute',
        source: 'gold/fact_cell_minute',
      });
      expect(page.items.length).toBeLessThanOrEqual(50);
      seen.push(...page.items);
      pages++;
      if (!page.continuationToken) break;
      expect(page.links.find((l) => l.rel === 'next')?.href).toContain(page.continuationToken);
      query = `cellId=L1-C001&tag=cellVoltage&from=2026-11-22T09:00:00Z&to=2026-11-23T00:00:00Z&pageSize=50&continuationToken=${page.continuationToken}`;
    }
    expect(pages).toBe(3);
    expect(seen.map((m) => Date.parse(m.minuteStart))).toEqual(
      Array.from({ length: 120 }, (_, i) => GOLD_FROM + i * 60_000),
    );
    for (const m of seen) {
      const start = Date.parse(m.minuteStart);
      const kept = readings
        .filter(
          (r) =>
            r.cellId === 'L1-C001' &&
            r.tag === 'cellVoltage' &&
            r.tsMs >= start &&
            r.tsMs < start + 60_000 &&
            !r.flags.includes('spike'),
        )
        .map((r) => r.value);
      expect(m.count).toBe(kept.length);
      expect(m.mean!).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / kept.length, 9);
      expect(m.min).toBe(Math.min(...kept));
      expect(m.max).toBe(Math.max(...kept));
      expect(m.count + m.flaggedCount).toBe(6);
    }
  });

  it("reads a line-level tag from the line's pseudo-cell and an empty range as no items", async () => {
    const line = TelemetryPage.parse(
      (await telemetry('cellId=L1-LINE&tag=lineCurrent&from=2026-11-22T11:00:00Z&to=2026-11-22T11:05:00Z')).json,
    );
    expect(line.items).toHaveLength(5);
    expect(line.unit).toBe('kA');
    const none = TelemetryPage.parse(
      (await telemetry('cellId=L1-C001&tag=cellVoltage&from=2026-11-21T00:00:00Z&to=2026-11-21T12:00:00Z')).json,
    );
    expect(none).toMatchObject({ items: [] });
    expect(none.continuationToken).toBeUndefined();
  });

  it('bounds the range to 24 h and refuses unknown tags and foreign tokens, naming the field', async () => {
    const cases: [string, string][] = [
      ['cellId=L1-C001&tag=cellVoltage&from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:01Z', 'query.to'],
      ['cellId=L1-C001&tag=cellVoltage&from=2026-11-22T12:00:00Z&to=2026-11-22T10:00:00Z', 'query.to'],
      ['cellId=L1-C001&tag=voltage&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z', 'query.tag'],
      ['cellId=../x&tag=cellVoltage&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z', 'query.cellId'],
      ['tag=cellVoltage&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z', 'query.cellId'],
      [
        'cellId=L1-C001&tag=cellVoltage&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z&pageSize=1441',
        'query.pageSize',
      ],
      [
        'cellId=L1-C001&tag=cellVoltage&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z&continuationToken=bm90LW91cnM',
        'query.continuationToken',
      ],
      ['cellId=L1-C001&tag=cellVoltage&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z&resolution=second', 'query'],
    ];
    for (const [query, field] of cases) {
      const res = await telemetry(query);
      expect(res.status, query).toBe(400);
      expect(res.json, query).toMatchObject({
        code: 'ERR-4001',
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    }
    // A token from one range does not page another.
    const first = TelemetryPage.parse(
      (await telemetry('cellId=L1-C001&tag=cellVoltage&from=2026-11-22T10:00:00Z&to=2026-11-22T12:00:00Z&pageSize=10'))
        .json,
    );
    const elsewhere = await telemetry(
      `cellId=L1-C001&tag=cellVoltage&from=2026-11-22T11:00:00Z&to=2026-11-22T12:00:00Z&continuationToken=${first.continuationToken}`,
    );
    expect(elsewhere.status).toBe(400);
  });

  it('is not for the ERP: Integration is refused with 403 ERR-4033', async () => {
    const res = await telemetry(
      'cellId=L1-C001&tag=cellVoltage&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z',
      erp,
    );
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 'ERR-4033' });
  });
});
