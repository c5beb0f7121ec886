import {
  metrics,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type ObservableResult,
} from '@opentelemetry/api';
import { METRICS, type CounterKey, type GaugeKey, type HistogramKey, type MetricKey } from './metric-catalogue.js';

/** The meter every instrument of the app belongs to (the instrumentation scope Application Insights shows). */
export const METER_NAME = 'smelter-platform';

interface Bound {
  provider: MeterProvider;
  meter: Meter;
  counters: Map<MetricKey, Counter>;
  histograms: Map<MetricKey, Histogram>;
}

let bound: Bound | undefined;
/** Gauge values set by the code (last value per attribute set), read when a reader collects. */
const gaugeValues = new Map<GaugeKey, Map<string, { attributes: Attributes; value: number }>>();
/** Gauges whose value the process itself knows at collection time. */
const gaugeCallbacks: Partial<Record<GaugeKey, () => number>> = {
  memoryRss: () => process.memoryUsage.rss(),
  memoryHeapUsed: () => process.memoryUsage().heapUsed,
};
/** Gauges read from elsewhere (a storage listing) at collection time, each at most once per `minIntervalMs`. */
const gaugeSources = new Map<
  GaugeKey,
  {
    read: () => Promise<readonly { value: number; attributes?: Attributes }[]>;
    minIntervalMs: number;
    last?: { atMs: number; values: readonly { value: number; attributes?: Attributes }[] };
  }
>();

/**
 * The app's meter on the global MeterProvider. OpenTelemetry's metrics API has no proxy provider: an instrument
 * made before the SDK registers stays a no-op, so instruments are made on first use and made again if the provider
 * changes (a test installs its own).
 */
function current(): Bound {
  const provider = metrics.getMeterProvider();
  if (bound?.provider !== provider) {
    const meter = provider.getMeter(METER_NAME);
    bound = { provider, meter, counters: new Map(), histograms: new Map() };
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const m = METRICS[key];
      if (m.kind !== 'gauge') continue;
      const gaugeKey = key as GaugeKey;
      meter
        .createObservableGauge(m.name, { unit: m.unit, description: m.description })
        .addCallback(async (result: ObservableResult) => {
          const fn = gaugeCallbacks[gaugeKey];
          if (fn) result.observe(fn());
          for (const v of gaugeValues.get(gaugeKey)?.values() ?? []) result.observe(v.value, v.attributes);
          for (const v of await readSource(gaugeKey)) result.observe(v.value, v.attributes);
        });
    }
  }
  return bound;
}

/** Makes the instruments on the provider registered now (the telemetry set-up calls it so gauges report from the start). */
export function bindInstruments(): void {
  current();
}

/** Adds `n` to a counter of the catalogue. */
export function count(key: CounterKey, n = 1, attributes?: Attributes): void {
  if (n <= 0) return;
  const b = current();
  let c = b.counters.get(key);
  if (!c) {
    const m = METRICS[key];
    c = b.meter.createCounter(m.name, { unit: m.unit, description: m.description });
    b.counters.set(key, c);
  }
  c.add(n, attributes);
}

/** Records one value of a histogram of the catalogue (in the catalogue's unit). */
export function observe(key: HistogramKey, value: number, attributes?: Attributes): void {
  if (!Number.isFinite(value)) return;
  const b = current();
  let h = b.histograms.get(key);
  if (!h) {
    const m = METRICS[key];
    h = b.meter.createHistogram(m.name, { unit: m.unit, description: m.description });
    b.histograms.set(key, h);
  }
  h.record(value, attributes);
}

/** Sets the value a gauge of the catalogue reports for these attributes until it is set again. */
export function setGauge(key: GaugeKey, value: number, attributes: Attributes = {}): void {
  current();
  let values = gaugeValues.get(key);
  if (!values) gaugeValues.set(key, (values = new Map()));
  values.set(JSON.stringify(Object.entries(attributes).sort()), { attributes, value });
}

/**
 * Makes a gauge report what `read` returns when a reader collects, reading at most once per `minIntervalMs` (the
 * last values are reported in between). A read that fails reports nothing for that collection: a gap in the chart,
 * not a made-up zero.
 */
export function setGaugeSource(
  key: GaugeKey,
  read: () => Promise<readonly { value: number; attributes?: Attributes }[]>,
  minIntervalMs = 60_000,
): void {
  gaugeSources.set(key, { read, minIntervalMs });
}

async function readSource(key: GaugeKey): Promise<readonly { value: number; attributes?: Attributes }[]> {
  const source = gaugeSources.get(key);
  if (!source) return [];
  const now = Date.now();
  if (source.last && now - source.last.atMs < source.minIntervalMs) return source.last.values;
  try {
    const values = await source.read();
    source.last = { atMs: now, values };
    return values;
  } catch {
    return [];
  }
}
