import { invoke } from '../invoke.js';
import type { FunctionRegistry, RegisteredFunction } from '../registry.js';
import { rpcString } from '../rpc-data.js';
import { OrchestratorStateSchema, type OrchestratorState } from './actions.js';
import type { HistoryEvent } from './history.js';

/** Replay schema the devhost speaks: V3 (durable-functions ReplaySchema; V4 adds entity locks, not served). */
export const REPLAY_SCHEMA_VERSION = 2;
/** Timers longer than this are split by the library (Azure Storage provider default, 6 days, "Durable timers" docs). */
const MAXIMUM_SHORT_TIMER_DURATION = '6.00:00:00';
/** Length of each piece of a split long timer (Azure Storage provider default, 3 days). */
const LONG_RUNNING_TIMER_INTERVAL = '3.00:00:00';
/** Polling interval of callHttp's async pattern, ms (extension default 30 s). */
const DEFAULT_HTTP_ASYNC_SLEEP_MS = 30_000;
/** Text the library puts between the user's error message and the state JSON (OrchestrationFailureError.js). */
const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

export interface OrchestratorCall {
  instanceId: string;
  input: unknown;
  history: HistoryEvent[];
  parentInstanceId?: string;
}

/** An orchestrator run: the state it returned, or the failure it threw (with the state it had reached, if any). */
export type OrchestratorResult =
  | { ok: true; state: OrchestratorState; durationMs: number; invocationId: string }
  | { ok: false; error: string; stack?: string; state?: OrchestratorState; durationMs: number; invocationId: string };

/** The orchestrator trigger's binding data as the Durable extension sends it (DurableOrchestrationBindingInfo). */
export function orchestrationBindingInfo(call: OrchestratorCall): Record<string, unknown> {
  return {
    history: call.history,
    input: call.input,
    instanceId: call.instanceId,
    isReplaying: false,
    parentInstanceId: call.parentInstanceId,
    upperSchemaVersion: REPLAY_SCHEMA_VERSION,
    upperSchemaVersionNew: REPLAY_SCHEMA_VERSION,
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER_DURATION,
    longRunningTimerIntervalDuration: LONG_RUNNING_TIMER_INTERVAL,
    defaultHttpAsyncRequestSleepTimeMillseconds: DEFAULT_HTTP_ASYNC_SLEEP_MS,
  };
}

/** Runs an orchestrator function once over `call.history` through the normal invocation path; never throws. */
export async function callOrchestrator(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  call: OrchestratorCall,
): Promise<OrchestratorResult> {
  const outcome = await invoke(registry, fn, {
    inputData: [{ name: fn.trigger.name, data: rpcString(JSON.stringify(orchestrationBindingInfo(call))) }],
  });
  const base = { durationMs: outcome.durationMs, invocationId: outcome.invocationId };
  if (outcome.ok) {
    const parsed = OrchestratorStateSchema.safeParse(outcome.outputs.get('$return'));
    if (parsed.success) return { ok: true, state: parsed.data, ...base };
    return {
      ok: false,
      error: `ERR-DEVHOST-DURABLE-STATE: orchestrator ${fn.name} returned no OrchestratorState (${parsed.error.issues[0]?.message}); register it with df.app.orchestration`,
      ...base,
    };
  }
  const message = outcome.error.message;
  const at = message.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { ok: false, error: message, stack: outcome.error.stack, ...base };
  let state: OrchestratorState | undefined;
  try {
    state = OrchestratorStateSchema.parse(JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)));
  } catch {
    state = undefined;
  }
  // durable-functions 3.x puts `orchestratorReturned` (false) where the error belongs in the message text; the
  // orchestrator's own message is the state's `error`, which is what the extension reports as the failure.
  const error = typeof state?.error === 'string' && state.error.length > 0 ? state.error : message.slice(0, at);
  return { ok: false, error, stack: outcome.error.stack, state, ...base };
}
