/**
 * The key OpenTelemetry metrics of this run as the app recorded them (the same instruments Application Insights or an
 * OTLP collector receives), one line each for the end-of-run summary: counters as totals by attribute, histograms as
 * count, mean and maximum, gauges as their last value.
 */
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { collectMetrics } from '../../shared/azure/telemetry-setup.js';
import { METRICS } from '../../shared/observability/metric-catalogue.js';

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits }) : '–';
const attrs = (a: Record<string, unknown>) =>
  Object.values(a)
    .map((v) => String(v))
    .join('/') || 'all';
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;

/** Lines describing `rm` (default: what this process recorded so far); empty when telemetry is not started. */
export async function metricsSummaryLines(rm?: ResourceMetrics): Promise<string[]> {
  const metrics = rm ?? (await collectMetrics());
  if (!metrics) return [];
  const byName = new Map(metrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
  const lines: string[] = [];
  for (const def of Object.values(METRICS)) {
    const m = byName.get(def.name);
    if (!m || m.dataPoints.length === 0) continue;
    let text: string;
    if (m.dataPointType === DataPointType.HISTOGRAM) {
      text = m.dataPoints
        .map((p) => {
          const h = p.value;
          return `${attrs(p.attributes)}: n ${fmt(h.count)}, mean ${fmt((h.sum ?? NaN) / Math.max(1, h.count), 1)}, max ${fmt(h.max ?? NaN, 1)} ${def.unit}`;
        })
        .join('; ');
    } else {
      const points = m.dataPoints as { attributes: Record<string, unknown>; value: number }[];
      const show = (v: number) =>
        def.unit === 'By' ? mib(v) : `${fmt(v)}${def.unit.startsWith('{') ? '' : ` ${def.unit}`}`;
      text = points
        .sort((a, b) => b.value - a.value)
        .map((p) => `${attrs(p.attributes)} ${show(p.value)}`)
        .join(', ');
    }
    lines.push(`  ${def.name.padEnd(36)} ${text}`);
  }
  return lines.length
    ? ['OpenTelemetry metrics (as exported; `npm start -- --otlp <url>` sends them to a collector):', ...lines]
    : [];
}
