/**
 * OpenTelemetry for the process, set up once beside the composition root: metrics and traces go to Application
 * Insights through @azure/monitor-opentelemetry in Azure, to an OTLP endpoint when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (`npm start -- --otlp <url>`), and in every case into an on-demand reader the process itself can collect (the
 * local run's summary, the tests). The instruments (shared/observability) only speak the OpenTelemetry API.
 */
import { useAzureMonitor, shutdownAzureMonitor } from '@azure/monitor-opentelemetry';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import {
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { bindInstruments } from '../observability/instruments.js';
import { azureCredential } from './clients.js';

/** Where the process's telemetry goes. */
export type TelemetryMode = 'azure-monitor' | 'otlp' | 'in-process';

/** A metric reader collected on demand: it exports nothing by itself. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

interface Started {
  mode: TelemetryMode;
  reader: OnDemandReader;
  /** Sends what the exporters hold now (OTLP mode; Azure Monitor's exporter sends on its own schedule). */
  flush: () => Promise<void>;
  shutdown: () => Promise<void>;
}
let started: Started | undefined;

/** How often metrics are exported to an OTLP endpoint by default, ms (Azure Monitor's exporter keeps its own 60 s). */
const OTLP_EXPORT_INTERVAL_MS = 10_000;

/**
 * Starts the process's telemetry once (later calls return the mode chosen first):
 * - APPLICATIONINSIGHTS_CONNECTION_STRING set (Azure): Azure Monitor, with Entra ID ingestion when
 *   APPLICATIONINSIGHTS_AUTHENTICATION_STRING says `Authorization=AAD` (Bicep turns local auth off);
 * - OTEL_EXPORTER_OTLP_ENDPOINT set: OTLP/HTTP protobuf to `<endpoint>/v1/traces` and `/v1/metrics` (metrics every
 *   OTEL_METRIC_EXPORT_INTERVAL ms, default 10 s; spans in batches);
 * - neither: metrics are kept for the process to read, spans are not recorded.
 * `extraSpanProcessors` lets a test see the spans.
 */
export function startTelemetry(
  env: Record<string, string | undefined> = process.env,
  extraSpanProcessors: SpanProcessor[] = [],
): TelemetryMode {
  if (started) return started.mode;
  const reader = new OnDemandReader();
  if (env.APPLICATIONINSIGHTS_CONNECTION_STRING) {
    const aad = /Authorization=AAD/i.test(env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '');
    useAzureMonitor({
      azureMonitorExporterOptions: {
        connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING,
        ...(aad ? { credential: azureCredential() } : {}),
      },
      metricReaders: [reader],
      spanProcessors: extraSpanProcessors,
      instrumentationOptions: { azureSdk: { enabled: true }, http: { enabled: true } },
    });
    started = { mode: 'azure-monitor', reader, flush: async () => {}, shutdown: () => shutdownAzureMonitor() };
  } else {
    const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
    const intervalMs = Number(env.OTEL_METRIC_EXPORT_INTERVAL) || OTLP_EXPORT_INTERVAL_MS;
    const exporting = endpoint
      ? new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }),
          exportIntervalMillis: intervalMs,
          exportTimeoutMillis: Math.min(intervalMs, 30_000),
        })
      : undefined;
    const meterProvider = new MeterProvider({ readers: exporting ? [reader, exporting] : [reader] });
    metrics.setGlobalMeterProvider(meterProvider);
    const spanProcessors = [
      ...(endpoint ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))] : []),
      ...extraSpanProcessors,
    ];
    const tracerProvider = spanProcessors.length ? new NodeTracerProvider({ spanProcessors }) : undefined;
    tracerProvider?.register();
    started = {
      mode: endpoint ? 'otlp' : 'in-process',
      reader,
      flush: async () => {
        await Promise.all([exporting?.forceFlush(), tracerProvider?.forceFlush()]);
      },
      shutdown: async () => {
        await Promise.all([meterProvider.shutdown(), tracerProvider?.shutdown()]);
        metrics.disable();
        trace.disable();
        propagation.disable();
        context.disable();
      },
    };
  }
  bindInstruments();
  return started.mode;
}

/** The metrics recorded so far in this process (cumulative), or undefined before startTelemetry. */
export async function collectMetrics(): Promise<ResourceMetrics | undefined> {
  if (!started) return undefined;
  const { resourceMetrics } = await started.reader.collect();
  return resourceMetrics;
}

/** Exports the spans and metrics held so far (a test waits for them; a CLI before it exits). */
export async function flushTelemetry(): Promise<void> {
  await started?.flush();
}

/** Flushes and stops the exporters (a clean stop sends the last minute of metrics). */
export async function stopTelemetry(): Promise<void> {
  const s = started;
  started = undefined;
  await s?.shutdown();
}
