import type { InvocationContext } from '@azure/functions';
import { inCarriedSpan, SPAN_ATTRIBUTES, TraceCarrier } from '../../shared/observability/tracing.js';

/**
 * An activity handler in a span that continues the trace its orchestration carries in the input (`trace`, set by
 * the starter), so one trace runs from the request or timer through every activity to the plant events the run
 * publishes. The activity's own schema ignores the extra field.
 */
export function tracedActivity<O>(
  name: string,
  handler: (input: unknown, context: InvocationContext) => Promise<O>,
): (input: unknown, context: InvocationContext) => Promise<O> {
  return (input, context) => {
    const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    const carried = TraceCarrier.safeParse(fields.trace);
    const run = typeof fields.run === 'object' && fields.run !== null ? (fields.run as Record<string, unknown>) : {};
    const runId = fields.runId ?? run.runId;
    return inCarriedSpan(
      `activity ${name}`,
      carried.success ? carried.data : undefined,
      {
        attributes: {
          'faas.name': name,
          ...(typeof runId === 'string' ? { [SPAN_ATTRIBUTES.runId]: runId } : {}),
          ...(typeof fields.lineId === 'string' ? { [SPAN_ATTRIBUTES.lineId]: fields.lineId } : {}),
        },
      },
      () => handler(input, context),
    );
  };
}
