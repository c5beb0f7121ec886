/**
 * OpenTelemetry for the process, set up once beside the composition root: metrics and traces go to Application
 * Insights through @azure/monitor-opentelemetry in Azure, to an OTLP endpoint when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (`npm start -- --otlp <url>`), and in every case into an on-demand reader the process itself can collect (the
 * local run's summary, the tests). The instruments (shared/observability) only speak the OpenTelemetry API.
 */
import { useAzureMonitor, shutdownAzureMonitor } from '@azure/monitor-opentelemetry';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { metrics } from '@opentelemetry/api';
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
  shutdown: () => Promise<void>;
}
let started: Started | undefined;

/** How often metrics are exported to an OTLP endpoint, ms (Azure Monitor's exporter keeps its own 60 s). */
const OTLP_EXPORT_INTERVAL_MS = 10_000;

/**
 * Starts the process's telemetry once (later calls return the mode chosen first):
 * - APPLICATIONINSIGHTS_CONNECTION_STRING set (Azure): Azure Monitor, with Entra ID ingestion when
 *   APPLICATIONINSIGHTS_AUTHENTICATION_STRING says `Authorization=AAD` (Bicep turns local auth off);
 * - OTEL_EXPORTER_OTLP_ENDPOINT set: OTLP over HTTP (metrics every 10 s, spans in batches);
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
    started = { mode: 'azure-monitor', reader, shutdown: () => shutdownAzureMonitor() };
  } else {
    const otlp = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT);
    const meterProvider = new MeterProvider({
      readers: otlp
        ? [
            reader,
            new PeriodicExportingMetricReader({
              exporter: new OTLPMetricExporter(),
              exportIntervalMillis: OTLP_EXPORT_INTERVAL_MS,
            }),
          ]
        : [reader],
    });
    metrics.setGlobalMeterProvider(meterProvider);
    const spanProcessors = [...(otlp ? [new BatchSpanProcessor(new OTLPTraceExporter())] : []), ...extraSpanProcessors];
    const tracerProvider = spanProcessors.length ? new NodeTracerProvider({ spanProcessors }) : undefined;
    tracerProvider?.register();
    started = {
      mode: otlp ? 'otlp' : 'in-process',
      reader,
      shutdown: async () => {
        await Promise.all([meterProvider.shutdown(), tracerProvider?.shutdown()]);
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

/** Flushes and stops the exporters (a clean stop sends the last minute of metrics). */
export async function stopTelemetry(): Promise<void> {
  const s = started;
  started = undefined;
  await s?.shutdown();
}
