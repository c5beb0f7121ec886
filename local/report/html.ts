/** Renders the KPI report as one self-contained HTML file (Chart.js inlined, data embedded as JSON). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface HourPoint {
  hourStartMs: number;
  secKWhPerT: number | null;
  co2eElectricityPerT: number | null;
  co2eAnodePerT: number | null;
  co2ePfcPerT: number | null;
  aePerPotDay: number | null;
  productionT: number;
  baselineT: number;
}

export interface ReportData {
  lineId: string;
  from: string;
  to: string;
  generatedAt: string;
  tiles: { label: string; value: string; unit: string }[];
  hours: HourPoint[];
  secByCell: { cellId: string; secKWhPerT: number }[];
  parameters: Record<string, number | string>;
}

// The UMD build is not in chart.js's package exports; it sits next to its manifest.
const CHART_UMD = path.resolve('node_modules/chart.js/dist/chart.umd.js');
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The report page: KPI tiles, four charts and the parameters the KPIs used. */
export function renderReport(d: ReportData): string {
  const chartJs = readFileSync(CHART_UMD, 'utf8');
  const data = JSON.stringify(d).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Potline ${esc(d.lineId)} KPIs ${esc(d.from)} – ${esc(d.to)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#1d2733;background:#f6f7f9}
h1{font-size:22px;margin:0 0 4px} .sub{color:#5a6673;margin-bottom:16px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:16px}
.tile{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px #0002}
.tile .v{font-size:24px;font-weight:600} .tile .l{color:#5a6673;font-size:13px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
.card{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 2px #0002;height:320px}
table{border-collapse:collapse;font-size:12px;margin-top:16px} td{padding:2px 10px 2px 0;color:#5a6673}
</style></head><body>
<h1>Potline ${esc(d.lineId)} — energy, emissions and anode effects</h1>
<div class="sub">${esc(d.from)} to ${esc(d.to)} (UTC) · from gold fact_line_day and fact_cell_hour · generated ${esc(d.generatedAt)}</div>
<div class="tiles">${d.tiles.map((t) => `<div class="tile"><div class="v">${esc(t.value)} <small>${esc(t.unit)}</small></div><div class="l">${esc(t.label)}</div></div>`).join('')}</div>
<div class="grid">
<div class="card"><canvas id="sec"></canvas></div>
<div class="card"><canvas id="co2"></canvas></div>
<div class="card"><canvas id="ae"></canvas></div>
<div class="card"><canvas id="prod"></canvas></div>
<div class="card"><canvas id="cells"></canvas></div>
</div>
<table>${Object.entries(d.parameters)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(String(v))}</td></tr>`)
    .join('')}</table>
<script>${chartJs}</script>
<script>
const D = ${data};
const labels = D.hours.map(h => new Date(h.hourStartMs).toISOString().slice(5, 16).replace('T', ' '));
const opts = (title, y) => ({ responsive: true, maintainAspectRatio: false, animation: false,
  plugins: { title: { display: true, text: title } }, scales: { y: { title: { display: true, text: y } } } });
new Chart(document.getElementById('sec'), { type: 'line', data: { labels, datasets: [
  { label: 'kWh/t Al', data: D.hours.map(h => h.secKWhPerT), borderColor: '#1f77b4', tension: 0.2 }] },
  options: opts('Specific energy consumption per hour', 'kWh/t Al') });
new Chart(document.getElementById('co2'), { type: 'bar', data: { labels, datasets: [
  { label: 'electricity', data: D.hours.map(h => h.co2eElectricityPerT), backgroundColor: '#ff7f0e' },
  { label: 'anode', data: D.hours.map(h => h.co2eAnodePerT), backgroundColor: '#7f7f7f' },
  { label: 'PFC (slope method)', data: D.hours.map(h => h.co2ePfcPerT), backgroundColor: '#d62728' }] },
  options: { ...opts('CO2e per tonne of aluminium', 't CO2e/t Al'), scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 't CO2e/t Al' } } } } });
new Chart(document.getElementById('ae'), { type: 'bar', data: { labels, datasets: [
  { label: 'anode effects per pot-day', data: D.hours.map(h => h.aePerPotDay), backgroundColor: '#9467bd' }] },
  options: opts('Anode-effect frequency', 'AE/pot-day') });
new Chart(document.getElementById('prod'), { type: 'bar', data: { labels, datasets: [
  { label: 'production (Faraday estimate)', data: D.hours.map(h => h.productionT), backgroundColor: '#2ca02c' },
  { label: 'baseline', data: D.hours.map(h => h.baselineT), type: 'line', borderColor: '#111', pointRadius: 2 }] },
  options: opts('Production vs baseline', 't Al') });
new Chart(document.getElementById('cells'), { type: 'bar', data: { labels: D.secByCell.map(c => c.cellId), datasets: [
  { label: 'kWh/t Al', data: D.secByCell.map(c => c.secKWhPerT), backgroundColor: '#17becf' }] },
  options: opts('Specific energy by cell over the period', 'kWh/t Al') });
</script></body></html>
`;
}
