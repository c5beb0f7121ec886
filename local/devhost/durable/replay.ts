import type { FunctionRegistry } from '../registry.js';
import { actionSignature, flattenActions, takesSequenceId, type LeafAction } from './actions.js';
import { EventType, type HistoryEvent } from './history.js';
import { callOrchestrator, type OrchestratorResult } from './orchestrator-call.js';

/** What one replay of an orchestrator produced. */
export interface ReplayResult {
  result: OrchestratorResult;
  /** Leaf actions in task-id order (empty when the orchestrator threw without state). */
  actions: LeafAction[];
}

/**
 * Replays `history` (as recorded by the devhost: `DurableEngine.history(id)` or the status API with showHistory)
 * through the orchestrator registered as `name`, via the normal invocation path, and returns what it asked for.
 */
export async function replayOrchestrator(
  registry: FunctionRegistry,
  name: string,
  history: HistoryEvent[],
  opts: { instanceId?: string; input?: unknown } = {},
): Promise<ReplayResult> {
  const fn = registry.functions.get(name);
  if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger')
    throw new Error(`ERR-DEVHOST-DURABLE-NOFUNC: '${name}' is not a registered orchestrator.`);
  const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
  const input =
    opts.input !== undefined
      ? opts.input
      : started && typeof started.Input === 'string'
        ? (JSON.parse(started.Input) as unknown)
        : undefined;
  const result = await callOrchestrator(registry, fn, {
    instanceId: opts.instanceId ?? 'replay',
    input,
    history: history.map((e) => ({ ...e, IsPlayed: true })),
  });
  return { result, actions: result.state ? flattenActions(result.state.actions) : [] };
}

/** Signatures of the calls a history says the orchestrator made, in task-id order (retry attempts and waits, marked `RetryOf` by the host, left out). */
export function scheduledSignatures(history: HistoryEvent[]): string[] {
  const names: Record<number, string> = {
    [EventType.TaskScheduled]: 'CallActivity',
    [EventType.TimerCreated]: 'CreateTimer',
    [EventType.SubOrchestrationInstanceCreated]: 'CallSubOrchestrator',
  };
  return history
    .filter((e) => e.EventType in names && e.EventId >= 0 && e.RetryOf === undefined)
    .sort((a, b) => a.EventId - b.EventId)
    .map((e) => `${names[e.EventType]}:${typeof e.Name === 'string' ? e.Name : ''}`);
}

/** Runs `fn` with Date.now / new Date() / Math.random answering from a seeded, shifted source; restores them after. */
async function withPerturbedRuntime<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  const realRandom = Math.random;
  // A prime number of seconds plus a prime number of milliseconds, so two seeds disagree on every field of the clock
  // (a whole-second shift left Date.now() % 1000 equal whenever both replays ran in the same millisecond).
  const shiftMs = (7_919_000 + 613) * seed;
  let state = seed >>> 0 || 1;
  Math.random = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0; // Numerical Recipes LCG
    return state / 2 ** 32;
  };
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + shiftMs);
      else super(...(args as [number]));
    }
    static override now(): number {
      return RealDate.now() + shiftMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
    Math.random = realRandom;
  }
}

/**
 * Proves an orchestrator deterministic on a recorded history: replay must ask for exactly the calls the history
 * holds (same kinds, targets, order), and two replays under different clocks and random sources must return
 * identical actions. Throws ERR-DEVHOST-DURABLE-NONDETERMINISTIC naming the first difference.
 */
export async function assertDeterministic(
  registry: FunctionRegistry,
  name: string,
  history: HistoryEvent[],
): Promise<void> {
  const first = await withPerturbedRuntime(1, () => replayOrchestrator(registry, name, history));
  const second = await withPerturbedRuntime(2, () => replayOrchestrator(registry, name, history));
  const fail = (detail: string) => {
    throw new Error(`ERR-DEVHOST-DURABLE-NONDETERMINISTIC: orchestrator '${name}' ${detail}`);
  };
  const expected = scheduledSignatures(history);
  const replayed = first.actions.filter(takesSequenceId).map((a) => actionSignature(a).replace('WithRetry', ''));
  expected.forEach((sig, i) => {
    if (replayed[i] !== sig) fail(`replayed ${replayed[i] ?? 'nothing'} at task ${i} where the history holds ${sig}`);
  });
  const a = JSON.stringify(first.actions);
  const b = JSON.stringify(second.actions);
  if (a !== b)
    fail(
      `returns different actions under a different clock or random source (it reads Date, Math.random or does I/O):\n  ${a}\n  ${b}`,
    );
  if (JSON.stringify(first.result.state?.output) !== JSON.stringify(second.result.state?.output))
    fail('returns a different output under a different clock or random source');
}
