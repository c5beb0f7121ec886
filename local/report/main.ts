/**
 * `npm run report -- --line L1 [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out file.html]`: a static HTML report of the
 * headline KPIs (kWh/t, CO2e/t, anode effects per pot-day, production vs baseline) from the curated gold tables,
 * for readers without Power BI. --to is inclusive; both default to the range of curated days.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { parseSettings } from '../../shared/config/settings.js';
import { emissionFactorsFrom } from '../../shared/gold/config.js';
import { lineKpiParameters, siteEmissionFactors } from '../../shared/gold/line-kpi-parameters.js';
import { localPlant, localPlantFile } from '../cli/local-plant.js';
import { anodeCo2T, anodeEffectMinutesPerCellDay, electricityCo2eT, pfcSlopeMethod } from '../../shared/gold/kpi.js';
import { localLakeConnection } from '../cli/local-lake.js';
import { renderReport, type HourPoint } from './html.js';
import { openLakeDuckDb, queryRows } from './lake-mirror.js';

class CliError extends Error {}
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const fmt = (v: unknown, digits = 0) =>
  typeof v === 'number' && Number.isFinite(v)
    ? v.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      line: { type: 'string', default: 'L1' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const lineId = values.line;
  if (!/^[A-Za-z0-9_-]+$/.test(lineId)) throw new CliError(`--line "${lineId}" is not a line id, e.g. L1`);
  for (const k of ['from', 'to'] as const)
    if (values[k] && !DAY.test(values[k])) throw new CliError(`--${k} must look like 2026-11-22`);
  const { connection: lakeConnection, stop } = await localLakeConnection();
  try {
    const s = parseSettings({ ...process.env, LakeConnection: lakeConnection });
    const plant = localPlant();
    const params = lineKpiParameters(siteEmissionFactors(emissionFactorsFrom(s), plant), plant, lineId);
    if (!params) throw new CliError(`line ${lineId} is not in the plant model ${localPlantFile()}`);
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(lakeConnection));
    const { connection, views } = await openLakeDuckDb(lake, 'fact_line_day fact_cell_hour');
    if (!views.includes('fact_cell_hour'))
      throw new CliError('no curated gold yet: run `npm run curate` after `npm start -- --duration 300`');
    const key = (d: string) => Number(d.replaceAll('-', ''));
    const where = `lineId = '${lineId}'${values.from ? ` and dateKey >= ${key(values.from)}` : ''}${values.to ? ` and dateKey <= ${key(values.to)}` : ''}`;
    const days = await queryRows(connection, `select * from fact_line_day where ${where} order by dateKey`);
    if (!days.length)
      throw new CliError(
        `no fact_line_day rows for line ${lineId} in the range; list lines with: npm run lake -- query "select distinct lineId from fact_line_day"`,
      );
    const hoursRaw = await queryRows(
      connection,
      `select epoch_ms(hourStartUtc) as hourStartMs, sum(energyKWh) as energyKWh, sum(productionEstKg) as productionKg,
              sum(minutesWithVoltage) as cellMinutes, sum(anodeEffectCount) as aeCount, sum(anodeEffectMinutes) as aeMinutes
         from fact_cell_hour where ${where} group by 1 order by 1`,
    );
    const hours: HourPoint[] = hoursRaw.map((h) => {
      const productionT = Number(h.productionKg) / 1000;
      const cellDays = Number(h.cellMinutes) / 1440;
      const perT = (v: number) => (productionT > 0 ? v / productionT : null);
      const pfc = pfcSlopeMethod(anodeEffectMinutesPerCellDay(Number(h.aeMinutes), cellDays) ?? 0, productionT, params);
      return {
        hourStartMs: Number(h.hourStartMs),
        secKWhPerT: perT(Number(h.energyKWh)),
        co2eElectricityPerT: perT(electricityCo2eT(Number(h.energyKWh), params.gridCo2KgPerKWh)),
        co2eAnodePerT: perT(anodeCo2T(productionT, params.anodeCo2TPerTAl)),
        co2ePfcPerT: perT(pfc.co2eT),
        aePerPotDay: cellDays > 0 ? Number(h.aeCount) / cellDays : null,
        productionT,
        baselineT: cellDays * params.baselineTAlPerCellDay,
      };
    });
    const secByCell = (
      await queryRows(
        connection,
        `select cellId, 1000 * sum(energyKWh) / nullif(sum(productionEstKg), 0) as sec from fact_cell_hour where ${where} group by 1 order by 1`,
      )
    ).map((r) => ({ cellId: String(r.cellId), secKWhPerT: Number(r.sec) }));
    const sum = (k: string) => days.reduce((a, d) => a + Number(d[k] ?? 0), 0);
    const productionT = sum('productionT');
    const cellDays = sum('cellDays');
    const co2e = sum('co2eTotalT');
    const tiles = [
      { label: 'Specific energy', value: fmt((1000 * sum('energyMWh')) / productionT), unit: 'kWh/t Al' },
      { label: 'Greenhouse gases', value: fmt(co2e / productionT, 2), unit: 't CO2e/t Al' },
      { label: 'Anode effects per pot-day', value: fmt(sum('anodeEffectCount') / cellDays, 3), unit: '1/pot-day' },
      { label: 'Production (Faraday)', value: fmt(productionT, 2), unit: 't Al' },
      {
        label: 'Production vs baseline',
        value: fmt((100 * productionT) / (cellDays * params.baselineTAlPerCellDay), 1),
        unit: '%',
      },
      { label: 'Observed cell-days', value: fmt(cellDays, 2), unit: 'cell-days' },
    ];
    const from = values.from ?? String(days[0]!.dateKey).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');
    const to = values.to ?? String(days.at(-1)!.dateKey).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');
    const html = renderReport({
      lineId,
      from,
      to,
      generatedAt: new Date().toISOString(),
      tiles,
      hours,
      secByCell,
      parameters: { ...params },
    });
    const out = path.resolve(values.out ?? `.local/reports/report-${lineId}-${from}-${to}.html`);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, html);
    connection.closeSync();
    console.log(JSON.stringify({ report: out, days: days.length, hours: hours.length, cells: secByCell.length }));
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof CliError ? `report: ${err.message}` : err);
  process.exit(err instanceof CliError ? 2 : 1);
});
