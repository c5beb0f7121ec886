import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { currentTraceCarrier, inSpan, SPAN_ATTRIBUTES, SpanKind } from '../../shared/observability/tracing.js';
import type { InstanceView, RunClient, RuntimeStatus } from '../../shared/orchestration/run-client.js';

/** The `durableClient` input binding every starter declares (`extraInputs: [durableClientInput]`). */
export const durableClientInput = df.input.durableClient();

const view = (s: df.DurableOrchestrationStatus): InstanceView => ({
  instanceId: s.instanceId,
  name: s.name,
  runtimeStatus: s.runtimeStatus as RuntimeStatus,
  input: s.input,
  customStatus: s.customStatus ?? null,
  output: s.output,
  createdTime: new Date(s.createdTime).toISOString(),
  lastUpdatedTime: new Date(s.lastUpdatedTime).toISOString(),
});

/** The library answers an unknown instance id with an Error that quotes the extension's HTTP 404. */
const isNotFound = (err: unknown) => err instanceof Error && /\b404\b|No instance with ID/.test(err.message);

/** The RunClient port over the durable client of this invocation (`df.getClient(context)`). */
export function runClientOf(context: InvocationContext): RunClient {
  const client = df.getClient(context);
  const status = async (instanceId: string): Promise<InstanceView | undefined> => {
    try {
      return view(await client.getStatus(instanceId, { showInput: true }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  return {
    status,
    async startOnce(name, instanceId, input) {
      if (await status(instanceId)) return 'exists';
      const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : undefined;
      const correlationId = typeof fields?.correlationId === 'string' ? fields.correlationId : undefined;
      // The run's trace starts here: the orchestration carries this span's context to every activity.
      return inSpan(
        `start ${name}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [SPAN_ATTRIBUTES.runId]: instanceId,
            ...(correlationId ? { [SPAN_ATTRIBUTES.correlationId]: correlationId } : {}),
          },
        },
        async () => {
          const trace = currentTraceCarrier(correlationId);
          try {
            await client.startNew(name, { instanceId, input: fields && trace ? { ...fields, trace } : input });
            return 'started' as const;
          } catch (err) {
            // Two starters raced for the id. host.json sets overridableExistingInstanceStates to NonRunningStates, so
            // the extension refuses a start over a Pending or Running instance (an HTTP 500 carrying its
            // InvalidOperationException, not a 409); the other starter's instance is there. Under Azure's AnyState
            // the second start would have replaced the first one's running instance instead.
            if (await status(instanceId)) return 'exists' as const;
            throw err;
          }
        },
      );
    },
    async active() {
      const list = await client.getStatusBy({
        runtimeStatus: [df.OrchestrationRuntimeStatus.Pending, df.OrchestrationRuntimeStatus.Running],
      });
      return list.map(view);
    },
    async createdSince(createdFromMs) {
      return (await client.getStatusBy({ createdTimeFrom: new Date(createdFromMs) })).map(view);
    },
    async raiseEvent(instanceId, eventName, data) {
      await client.raiseEvent(instanceId, eventName, data);
    },
  };
}
