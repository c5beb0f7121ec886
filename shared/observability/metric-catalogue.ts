/**
 * Every metric the app emits, declared once: name, instrument kind, unit (UCUM, as OpenTelemetry asks), what it
 * measures and the attributes it carries. The code records through these entries (instruments.ts), the alert rules
 * and the workbook in bicep/ query them by name, and the contract test (test/contract) fails when the two disagree.
 * Rates ("points per second") are the counters' sums over time; Azure Monitor and the workbook compute them.
 */
export type MetricKind = 'counter' | 'histogram' | 'gauge';

export interface MetricDefinition {
  name: string;
  kind: MetricKind;
  unit: string;
  description: string;
  /** Attribute keys a data point may carry (low cardinality only: no cell ids, no run ids). */
  attributes: readonly string[];
  /** True when only the local runtime emits it (Azure has a platform metric for the same thing). */
  localOnly?: boolean;
}

const metric = <const M extends MetricDefinition>(m: M): M => m;

export const METRICS = {
  ingestPoints: metric({
    name: 'smelter.ingest.points',
    kind: 'counter',
    unit: '{point}',
    description:
      'Telemetry points ingestion wrote to silver, by line (interpolated fills not counted); with smelter.ingest.quarantined, its rate is points in per second',
    attributes: ['line'],
  }),
  ingestLag: metric({
    name: 'smelter.ingest.lag',
    kind: 'histogram',
    unit: 'ms',
    description: 'Enqueue on the Event Hub to silver written, per event',
    attributes: [],
  }),
  ingestQuarantined: metric({
    name: 'smelter.ingest.quarantined',
    kind: 'counter',
    unit: '{point}',
    description: 'Points ingestion put in quarantine, by reason',
    attributes: ['reason'],
  }),
  ingestParked: metric({
    name: 'smelter.ingest.parked',
    kind: 'counter',
    unit: '{batch}',
    description: 'Event Hub batches parked after their retries were exhausted (npm run lake -- parked replay)',
    attributes: ['partition'],
  }),
  ingestParkFailures: metric({
    name: 'smelter.ingest.park_failures',
    kind: 'counter',
    unit: '{batch}',
    description: 'Batches that could be neither ingested nor parked: the host checkpoints past them',
    attributes: ['partition'],
  }),
  parkedWaiting: metric({
    name: 'smelter.ingest.parked_waiting',
    kind: 'gauge',
    unit: '{batch}',
    description: 'Parked batches not replayed yet',
    attributes: [],
  }),
  deadLetters: metric({
    name: 'smelter.bus.dead_letters',
    kind: 'gauge',
    unit: '{message}',
    description:
      'Messages in the dead-letter queue of each plant-events subscription (under the devhost; in Azure, Service Bus reports DeadletteredMessages itself)',
    attributes: ['subscription'],
    localOnly: true,
  }),
  runs: metric({
    name: 'smelter.runs',
    kind: 'counter',
    unit: '{run}',
    description: 'Finished optimisation and PDE runs, by kind and outcome (expired: the approval timed out)',
    attributes: ['kind', 'outcome'],
  }),
  runDuration: metric({
    name: 'smelter.run.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Start to end of a finished run, by kind and outcome',
    attributes: ['kind', 'outcome'],
  }),
  dispatchLatency: metric({
    name: 'smelter.scada.dispatch.latency',
    kind: 'histogram',
    unit: 'ms',
    description: 'A set-point recommendation published to its command final (acknowledged, rejected or failed)',
    attributes: ['state'],
  }),
  envelopeRefusals: metric({
    name: 'smelter.scada.envelope.refusals',
    kind: 'counter',
    unit: '{refusal}',
    description: 'Safety-envelope violations of refused or failed commands, by rule',
    attributes: ['rule'],
  }),
  staleCells: metric({
    name: 'smelter.scada.stale_cells',
    kind: 'counter',
    unit: '{cell}',
    description: 'Commands refused because the cell reported stale data or a stale read-back, by rule',
    attributes: ['rule'],
  }),
  outOfBandChanges: metric({
    name: 'smelter.scada.out_of_band_changes',
    kind: 'counter',
    unit: '{change}',
    description: 'Set-point changes the plant reported that no command of ours explains (made at the HMI)',
    attributes: ['field'],
  }),
  memoryRss: metric({
    name: 'smelter.process.memory.rss',
    kind: 'gauge',
    unit: 'By',
    description: 'Resident set size of the app process',
    attributes: [],
  }),
  memoryHeapUsed: metric({
    name: 'smelter.process.memory.heap_used',
    kind: 'gauge',
    unit: 'By',
    description: 'V8 heap in use by the app process',
    attributes: [],
  }),
} as const;

export type MetricKey = keyof typeof METRICS;
type OfKind<K extends MetricKind> = { [P in MetricKey]: (typeof METRICS)[P]['kind'] extends K ? P : never }[MetricKey];
export type CounterKey = OfKind<'counter'>;
export type HistogramKey = OfKind<'histogram'>;
export type GaugeKey = OfKind<'gauge'>;

/** Every metric name, for the contract test and the local summary. */
export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((m) => m.name);
