/**
 * Telemetry for the worker process, imported first by functions/index.ts so it is up before any function runs:
 * OpenTelemetry set-up (shared/azure/telemetry-setup.ts), the gauges read from storage, and, per invocation, the
 * host's trace context as the parent of every span the function makes (the Functions host's OpenTelemetry mode
 * starts the trace; the worker continues it).
 */
import { app } from '@azure/functions';
import { context as otelContext, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { registerStorageGauges } from '../shared/azure/telemetry-gauges.js';
import { startTelemetry } from '../shared/azure/telemetry-setup.js';

startTelemetry();
registerStorageGauges();

app.hook.preInvocation((hook) => {
  const trace = hook.invocationContext.traceContext;
  if (!trace?.traceParent) return;
  const parent = propagation.extract(ROOT_CONTEXT, {
    traceparent: trace.traceParent,
    ...(trace.traceState ? { tracestate: trace.traceState } : {}),
  });
  hook.functionHandler = otelContext.bind(parent, hook.functionHandler);
});
