import { randomUUID } from 'node:crypto';
import type { DevhostEvents } from '../events.js';
import { invoke } from '../invoke.js';
import type { FunctionRegistry, RegisteredFunction } from '../registry.js';
import { rpcJson, rpcString } from '../rpc-data.js';
import type { RpcTypedData } from '../rpc-types.js';
import type { OverridableStates } from '../settings.js';
import type { Clock } from '../timer/clock.js';
import {
  ActionType,
  actionInput,
  type RetryOptions,
  actionSignature,
  flattenActions,
  retryDelayMs,
  takesSequenceId,
} from './actions.js';
import { EventType, historyEvent, toJsonText, type HistoryEvent } from './history.js';
import {
  initialSnapshot,
  InstanceStore,
  type ParentLink,
  type PendingTask,
  type RuntimeStatus,
  type Snapshot,
  type StoredInstance,
} from './instance-store.js';
import { callOrchestrator } from './orchestrator-call.js';
import { DiskFullError } from '../disk-full.js';

/** How long a record the disk had no room for waits before it is written again, ms. */
const DISK_FULL_RETRY_MS = 2_000;

/**
 * A refused client operation: code, HTTP status the client API answers with, the field at fault, and — where the
 * extension answers with a body of its own — that body.
 */
export class DurableError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly field: string,
    readonly extensionBody?: unknown,
  ) {
    super(message);
    this.name = 'DurableError';
  }
}

/**
 * Largest custom status the extension stores: 16 KB of UTF-16 JSON text (learn.microsoft.com, "Custom orchestration
 * status in Durable Functions": it must fit an Azure Table Storage column).
 */
const MAX_CUSTOM_STATUS_UTF16_BYTES = 16 * 1024;

/** What the status API shows (DurableOrchestrationStatus fields; absent values are null, as the library requires). */
export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  history?: Record<string, unknown>[];
}

export interface InstanceFilter {
  runtimeStatus?: RuntimeStatus[];
  createdFromMs?: number;
  createdToMs?: number;
  instanceIdPrefix?: string;
}

interface Instance extends StoredInstance {
  busy: boolean;
  timers: Map<number, () => void>;
  /**
   * True once a finished instance's history is dropped from memory (it stays in its file): a host that runs for days
   * would otherwise hold the history of every run it ever ran. Read back from the store when asked for.
   */
  historyOnDisk?: boolean;
}

const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);
const isTerminal = (s: RuntimeStatus) => TERMINAL.has(s);

/** Id of the task an event completes (TaskScheduledId / TimerId), or undefined for events that name no task. */
function taskIdOf(e: HistoryEvent): number | undefined {
  if (e.EventType === EventType.TimerFired) return e.TimerId as number;
  if (
    [
      EventType.TaskCompleted,
      EventType.TaskFailed,
      EventType.SubOrchestrationInstanceCompleted,
      EventType.SubOrchestrationInstanceFailed,
    ].includes(e.EventType as 5)
  ) {
    return e.TaskScheduledId as number;
  }
  return undefined;
}

export interface DurableEngineOptions {
  registry: FunctionRegistry;
  events: DevhostEvents;
  clock: Clock;
  store: InstanceStore;
  /**
   * host.json overridableExistingInstanceStates: whether a start with the id of a Pending or Running instance
   * replaces it (AnyState) or fails (NonRunningStates); a finished instance is replaced either way.
   */
  overridableStates: OverridableStates;
}

/**
 * Runs orchestrations the way the Durable Task extension does for out-of-process languages: it keeps each
 * instance's history, calls the orchestrator with it, turns the actions it returns into history events and work
 * (activities, timers, sub-orchestrations), and replays when that work reports back. One turn at a time per
 * instance; a turn is persisted before the work it schedules starts, so a restart re-runs what was pending
 * (at-least-once, as in Azure).
 */
export class DurableEngine {
  readonly #instances = new Map<string, Instance>();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Instances with a record held back by a full disk (told once while they wait). */
  readonly #waitingForDisk = new Set<string>();
  #stopped = false;

  constructor(private readonly o: DurableEngineOptions) {}

  /** Loads persisted instances and resumes every running one (re-runs pending activities, re-arms timers). */
  start(): void {
    for (const stored of this.o.store.loadAll()) {
      const inst: Instance = { ...stored, busy: false, timers: new Map() };
      if (isTerminal(inst.state.runtimeStatus)) this.#dropHistory(inst);
      this.#instances.set(stored.instanceId, inst);
    }
    for (const inst of this.#instances.values()) {
      if (isTerminal(inst.state.runtimeStatus)) continue;
      const queued = new Set(inst.inbox.map((m) => taskIdOf(m.event)).filter((id) => id !== undefined));
      this.#startWork(
        inst,
        inst.state.pending.filter((p) => !queued.has(p.id)),
      );
      this.#kick(inst);
    }
  }

  /** Takes no new work, cancels timers (they are re-armed from the store on the next start), waits for running work. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const inst of this.#instances.values()) for (const cancel of inst.timers.values()) cancel();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Starts an orchestration. An id whose instance is Pending or Running is replaced with AnyState, or refused with
   * NonRunningStates the way the extension's HTTP API refuses it (500, InvalidOperationException); a finished
   * instance is replaced either way.
   */
  startNew(name: string, opts: { instanceId?: string; input?: unknown } = {}): string {
    const fn = this.o.registry.functions.get(name);
    if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger') {
      throw new DurableError(
        'ERR-4002',
        400,
        `The function '${name}' doesn't exist or is not an orchestrator function.`,
        'functionName',
      );
    }
    const instanceId = opts.instanceId ?? randomUUID().replace(/-/g, '');
    if (!/^[^/\\#?]{1,256}$/.test(instanceId))
      throw new DurableError(
        'ERR-4001',
        400,
        `Instance id "${instanceId}" must be 1–256 characters without / \\ # ?.`,
        'instanceId',
      );
    const existing = this.#instances.get(instanceId);
    if (existing && !isTerminal(existing.state.runtimeStatus)) {
      const status = existing.state.runtimeStatus;
      if (this.o.overridableStates === 'NonRunningStates') {
        const exceptionMessage = `An Orchestration instance with the status ${status} already exists.`;
        throw new DurableError('ERR-DEVHOST-DURABLE-EXISTS', 500, exceptionMessage, 'instanceId', {
          Message: 'Something went wrong while processing your request',
          ExceptionMessage: exceptionMessage,
          ExceptionType: 'System.InvalidOperationException',
          StackTrace: null,
        });
      }
      this.o.registry.log(
        'warning',
        'system',
        `Orchestration ${instanceId} (${existing.name}, ${status}) is replaced by a new start of ${name}, as host.json overridableExistingInstanceStates AnyState does: its pending work is abandoned and its late results are dropped.`,
        name,
      );
    }
    this.#create(instanceId, name, opts.input ?? null);
    return instanceId;
  }

  /** Status of one instance, or undefined when the id is unknown. */
  status(instanceId: string, opts: { showHistory?: boolean; showInput?: boolean } = {}): InstanceStatus | undefined {
    const inst = this.#instances.get(instanceId);
    return inst ? this.#view(inst, opts) : undefined;
  }

  /** Instances matching the filter, oldest first. */
  list(filter: InstanceFilter = {}): InstanceStatus[] {
    return [...this.#instances.values()]
      .filter((i) => !filter.runtimeStatus?.length || filter.runtimeStatus.includes(i.state.runtimeStatus))
      .filter((i) => filter.createdFromMs === undefined || i.createdMs >= filter.createdFromMs)
      .filter((i) => filter.createdToMs === undefined || i.createdMs <= filter.createdToMs)
      .filter((i) => !filter.instanceIdPrefix || i.instanceId.startsWith(filter.instanceIdPrefix))
      .sort((a, b) => a.createdMs - b.createdMs)
      .map((i) => this.#view(i, {}));
  }

  /** The recorded history of the current execution (for replay tests). */
  history(instanceId: string): HistoryEvent[] | undefined {
    const inst = this.#instances.get(instanceId);
    return inst ? this.#historyOf(inst).map((e) => ({ ...e })) : undefined;
  }

  #historyOf(inst: Instance): HistoryEvent[] {
    if (!inst.historyOnDisk) return inst.history;
    const stored = this.o.store.loadOne(inst.instanceId);
    return stored?.generation === inst.generation ? stored.history : [];
  }

  #dropHistory(inst: Instance): void {
    inst.history = [];
    inst.historyOnDisk = true;
  }

  /** Delivers an external event: 'accepted', 'notFound', or 'gone' for a finished instance (410). */
  raiseEvent(instanceId: string, eventName: string, data: unknown): 'accepted' | 'notFound' | 'gone' {
    const inst = this.#instances.get(instanceId);
    if (!inst) return 'notFound';
    if (isTerminal(inst.state.runtimeStatus)) return 'gone';
    this.#enqueue(
      inst,
      historyEvent('EventRaised', this.o.clock.now(), { Name: eventName, Input: toJsonText(data) }),
      inst.execution,
    );
    return 'accepted';
  }

  /** Terminates a pending or running instance: 'accepted', 'notFound', or 'gone' when it already finished. */
  terminate(instanceId: string, reason: string): 'accepted' | 'notFound' | 'gone' {
    const inst = this.#instances.get(instanceId);
    if (!inst) return 'notFound';
    if (isTerminal(inst.state.runtimeStatus)) return 'gone';
    this.#enqueue(
      inst,
      historyEvent('ExecutionTerminated', this.o.clock.now(), { Input: toJsonText(reason) }),
      inst.execution,
    );
    return 'accepted';
  }

  /** Deletes finished instances matching the filter (running ones are kept, as in Azure); returns how many. */
  purge(filter: InstanceFilter & { instanceId?: string }): number {
    let deleted = 0;
    for (const inst of [...this.#instances.values()]) {
      if (filter.instanceId !== undefined && inst.instanceId !== filter.instanceId) continue;
      if (!isTerminal(inst.state.runtimeStatus)) continue;
      if (filter.runtimeStatus?.length && !filter.runtimeStatus.includes(inst.state.runtimeStatus)) continue;
      if (filter.createdFromMs !== undefined && inst.createdMs < filter.createdFromMs) continue;
      if (filter.createdToMs !== undefined && inst.createdMs > filter.createdToMs) continue;
      this.#instances.delete(inst.instanceId);
      this.o.store.purge(inst.instanceId);
      deleted += 1;
    }
    return deleted;
  }

  #view(inst: Instance, opts: { showHistory?: boolean; showInput?: boolean }): InstanceStatus {
    const view: InstanceStatus = {
      name: inst.name,
      instanceId: inst.instanceId,
      runtimeStatus: inst.state.runtimeStatus,
      input: opts.showInput === false ? null : (inst.input ?? null),
      customStatus: inst.state.customStatus ?? null,
      output: inst.state.output ?? null,
      createdTime: new Date(inst.createdMs).toISOString(),
      lastUpdatedTime: new Date(inst.state.lastUpdatedMs).toISOString(),
    };
    if (opts.showHistory)
      view.history = this.#historyOf(inst).map((e) => ({
        ...e,
        EventType: Object.entries(EventType).find(([, v]) => v === e.EventType)?.[0] ?? e.EventType,
      }));
    return view;
  }

  #create(instanceId: string, name: string, input: unknown, parent?: ParentLink): Instance {
    const old = this.#instances.get(instanceId);
    for (const cancel of old?.timers.values() ?? []) cancel();
    old?.timers.clear();
    const createdMs = this.o.clock.now();
    const generation = randomUUID();
    this.o.store.create({ k: 'created', instanceId, name, input, createdMs, parent, generation });
    const inst: Instance = {
      instanceId,
      name,
      input,
      createdMs,
      generation,
      parent,
      execution: 0,
      history: [],
      inbox: [],
      state: initialSnapshot(createdMs),
      busy: false,
      timers: new Map(),
    };
    this.#instances.set(instanceId, inst);
    this.#kick(inst);
    return inst;
  }

  /**
   * Whether `inst` is still the instance of its id: a start with AnyState replaces it by a new object, and what the
   * old execution still does (activities finishing, timers firing, a turn in progress) must not reach the new one.
   */
  #current(inst: Instance): boolean {
    return this.#instances.get(inst.instanceId) === inst;
  }

  /** Queues an event for the instance's next turn (persisted first); stale or duplicate task results are dropped. */
  #enqueue(inst: Instance, event: HistoryEvent, execution: number): void {
    if (this.#stopped || !this.#current(inst) || execution !== inst.execution || isTerminal(inst.state.runtimeStatus))
      return;
    const id = taskIdOf(event);
    if (id !== undefined) {
      if (!inst.state.pending.some((p) => p.id === id)) return;
      if (inst.inbox.some((m) => taskIdOf(m.event) === id)) return;
    }
    try {
      this.o.store.append(inst.instanceId, { k: 'inbox', event, execution });
    } catch (err) {
      if (!(err instanceof DiskFullError)) throw err;
      // Held in memory until the disk has room: a kill meanwhile only repeats the work that produced the event.
      this.#waitForDisk(inst, err, () => this.#enqueue(inst, event, execution));
      return;
    }
    inst.inbox.push({ event, execution });
    this.#kick(inst);
  }

  /** Runs `retry` once the disk may have room again, saying what waits (once per instance while it waits). */
  #waitForDisk(inst: Instance, err: DiskFullError, retry: () => void): void {
    if (!this.#waitingForDisk.has(inst.instanceId))
      this.o.registry.log(
        'error',
        'system',
        `Durable instance ${inst.instanceId} waits for disk space: ${err.message}`,
        inst.name,
      );
    this.#waitingForDisk.add(inst.instanceId);
    const timer = setTimeout(() => {
      this.#waitingForDisk.delete(inst.instanceId);
      if (!this.#stopped) retry();
    }, DISK_FULL_RETRY_MS);
    timer.unref();
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  #kick(inst: Instance): void {
    if (inst.busy || this.#stopped) return;
    const needsTurn = () =>
      !this.#stopped &&
      this.#current(inst) &&
      !isTerminal(inst.state.runtimeStatus) &&
      (inst.inbox.length > 0 || inst.history.length === 0);
    if (!needsTurn()) return;
    inst.busy = true;
    void this.#track(
      (async () => {
        try {
          while (needsTurn()) await this.#turn(inst);
        } catch (err) {
          // A turn whose record could not be written changed nothing: it runs again once the disk has room.
          if (err instanceof DiskFullError) this.#waitForDisk(inst, err, () => this.#kick(inst));
          else
            this.o.registry.log(
              'error',
              'system',
              `Durable instance ${inst.instanceId}: turn failed in the devhost: ${(err as Error).stack ?? String(err)}`,
              inst.name,
            );
        } finally {
          inst.busy = false;
        }
      })(),
    );
  }

  /**
   * Inbox events for one turn, in arrival order. Events the library answers by taking a task id of its own (a
   * retried task's failure, a retry wait that fired) and terminations go alone, so that the host and the library
   * number tasks identically.
   */
  #takeBatch(inst: Instance): HistoryEvent[] {
    const solo = (e: HistoryEvent) => {
      if (e.EventType === EventType.ExecutionTerminated) return true;
      const p = inst.state.pending.find((x) => x.id === taskIdOf(e));
      return (
        !!p &&
        ((p.kind !== 'timer' &&
          !!p.retry &&
          (e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed)) ||
          (p.kind === 'timer' && !!p.retryOf))
      );
    };
    const out: HistoryEvent[] = [];
    for (const { event } of inst.inbox) {
      if (out.length > 0 && solo(event)) break;
      out.push(event);
      if (solo(event)) break;
    }
    return out;
  }

  async #turn(inst: Instance): Promise<void> {
    const batch = this.#takeBatch(inst);
    const now = this.o.clock.now();
    const st: Snapshot = structuredClone(inst.state);
    st.runtimeStatus = 'Running';
    st.lastUpdatedMs = now;
    const added: HistoryEvent[] = [];
    const newWork: PendingTask[] = [];

    const terminate = batch.find((e) => e.EventType === EventType.ExecutionTerminated);
    if (terminate) {
      added.push(terminate);
      this.#finish(inst, st, added, batch.length, 'Terminated', JSON.parse(String(terminate.Input)) as unknown);
      return;
    }

    added.push(historyEvent('OrchestratorStarted', now));
    if (inst.history.length === 0) {
      added.push(
        historyEvent('ExecutionStarted', now, {
          Name: inst.name,
          Input: toJsonText(inst.input),
          ParentInstance: inst.parent ? { OrchestrationInstance: { InstanceId: inst.parent.instanceId } } : null,
        }),
      );
    }
    for (const e of batch) {
      added.push(e);
      const id = taskIdOf(e);
      const p = st.pending.find((x) => x.id === id);
      if (!p) continue;
      st.pending = st.pending.filter((x) => x !== p);
      const failed = e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed;
      if (failed && p.kind !== 'timer' && p.retry) {
        // The library answers a failed attempt with a wait (RetryableTask): a timer with the next id.
        const timerId = st.nextId++;
        const fireAtMs = now + retryDelayMs(p.retry.options, p.retry.attempt);
        added.push(
          historyEvent('TimerCreated', now, { FireAt: new Date(fireAtMs).toISOString(), RetryOf: p.id }, timerId),
        );
        const wait: PendingTask = {
          kind: 'timer',
          id: timerId,
          fireAtMs,
          retryOf: { kind: p.kind, name: p.name, input: p.input, retry: p.retry },
        };
        st.pending.push(wait);
        newWork.push(wait);
      } else if (p.kind === 'timer' && p.retryOf) {
        const attempt = p.retryOf.retry.attempt + 1;
        if (attempt <= p.retryOf.retry.options.maxNumberOfAttempts) {
          const taskId = st.nextId++;
          const again = this.#schedule(
            inst,
            p.retryOf.kind,
            taskId,
            p.retryOf.name,
            p.retryOf.input,
            { options: p.retryOf.retry.options, attempt },
            now,
            added,
          );
          const scheduled = added[added.length - 1];
          if (scheduled) scheduled.RetryOf = p.id; // marks attempts so replay checks compare only the orchestrator's own calls
          st.pending.push(again);
          newWork.push(again);
        }
      }
    }

    const fn = this.o.registry.functions.get(inst.name);
    if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger') {
      this.#finish(
        inst,
        st,
        added,
        batch.length,
        'Failed',
        `ERR-DEVHOST-DURABLE-NOFUNC: orchestrator function '${inst.name}' is not registered in this app.`,
      );
      return;
    }
    const history = [...inst.history.map((e) => ({ ...e, IsPlayed: true })), ...added];
    const result = await callOrchestrator(this.o.registry, fn, {
      instanceId: inst.instanceId,
      input: inst.input,
      history,
      parentInstanceId: inst.parent?.instanceId,
    });
    this.o.events.emit('invocation', {
      functionName: fn.name,
      invocationId: result.invocationId,
      triggerType: fn.trigger.type,
      durationMs: result.durationMs,
      ok: result.ok,
      error: result.ok ? undefined : result.error,
      retryCount: 0,
    });
    // Replaced by a new start while the orchestrator ran (AnyState): this turn belongs to an abandoned execution.
    if (!this.#current(inst)) return;
    const oversized = result.state ? customStatusOverLimit(result.state.customStatus) : undefined;
    if (oversized) {
      this.#finish(
        inst,
        st,
        added,
        batch.length,
        'Failed',
        `Orchestrator function '${inst.name}' failed: ${oversized}`,
      );
      return;
    }
    if (result.state) st.customStatus = result.state.customStatus ?? null;
    if (!result.ok) {
      this.#finish(
        inst,
        st,
        added,
        batch.length,
        'Failed',
        `Orchestrator function '${inst.name}' failed: ${result.error}`,
        result.stack,
      );
      return;
    }

    const actions = flattenActions(result.state.actions);
    const mismatch = actions
      .slice(0, st.actionSigs.length)
      .findIndex((a, i) => actionSignature(a) !== st.actionSigs[i]);
    if (mismatch >= 0) {
      const detail = `replay returned ${actionSignature(actions[mismatch] as (typeof actions)[number])} at position ${mismatch} where the history holds ${st.actionSigs[mismatch]}`;
      this.#finish(
        inst,
        st,
        added,
        batch.length,
        'Failed',
        `ERR-DEVHOST-DURABLE-NONDETERMINISTIC: orchestrator '${inst.name}' is not deterministic: ${detail}.`,
      );
      return;
    }
    // A timer the orchestrator cancelled since it was scheduled no longer holds the instance open.
    // Snapshots written before task ids were kept: the known positions get none (-1).
    const ids = (st.actionIds ??= st.actionSigs.map(() => -1));
    actions.slice(0, ids.length).forEach((a, i) => {
      if (a.actionType !== ActionType.CreateTimer || !a.isCanceled) return;
      const timerId = ids[i];
      if (!st.pending.some((p) => p.kind === 'timer' && p.id === timerId)) return;
      st.pending = st.pending.filter((p) => !(p.kind === 'timer' && p.id === timerId));
      inst.timers.get(timerId!)?.();
      inst.timers.delete(timerId!);
    });
    let continueWith: { input: unknown } | undefined;
    let unsupported: string | undefined;
    for (const a of actions.slice(st.actionSigs.length)) {
      st.actionSigs.push(actionSignature(a));
      const id = takesSequenceId(a) ? st.nextId++ : -1;
      ids.push(id);
      switch (a.actionType) {
        case ActionType.CallActivity:
        case ActionType.CallActivityWithRetry:
        case ActionType.CallSubOrchestrator:
        case ActionType.CallSubOrchestratorWithRetry: {
          const kind = a.actionType <= ActionType.CallActivityWithRetry ? 'activity' : 'sub';
          const retry = a.retryOptions ? { options: a.retryOptions, attempt: 1 } : undefined;
          const task = this.#schedule(
            inst,
            kind,
            id,
            a.functionName ?? '',
            actionInput(a) ?? null,
            retry,
            now,
            added,
            a.instanceId ?? undefined,
          );
          st.pending.push(task);
          newWork.push(task);
          break;
        }
        case ActionType.CreateTimer: {
          const fireAtMs = Date.parse(a.fireAt ?? '');
          added.push(historyEvent('TimerCreated', now, { FireAt: a.fireAt }, id));
          if (!a.isCanceled) {
            const timer: PendingTask = { kind: 'timer', id, fireAtMs };
            st.pending.push(timer);
            newWork.push(timer);
          }
          break;
        }
        case ActionType.WaitForExternalEvent:
          break; // events are taken whenever they arrive; the library buffers ones nobody waits for yet
        case ActionType.ContinueAsNew:
          continueWith = { input: actionInput(a) ?? null };
          break;
        default:
          unsupported ??= actionSignature(a);
      }
    }
    if (unsupported) {
      this.#finish(
        inst,
        st,
        added,
        batch.length,
        'Failed',
        `ERR-DEVHOST-DURABLE-UNSUPPORTED: the devhost does not run ${unsupported} actions (entities, callHttp); see local/devhost/README.md.`,
      );
      return;
    }
    added.push(historyEvent('OrchestratorCompleted', now));
    if (result.state.isDone && continueWith) {
      this.#commit(inst, st, added, batch.length, false);
      this.#continueAsNew(inst, continueWith.input, now);
      return;
    }
    // The Durable Task Framework completes an orchestration only when every timer it created fired or was cancelled
    // (learn.microsoft.com, "Timers in Durable Functions"): until then it stays Running, and the next turn decides.
    const openTimers = st.pending.filter((p) => p.kind === 'timer' && !p.retryOf);
    if (result.state.isDone && openTimers.length === 0) {
      this.#finish(inst, st, added, batch.length, 'Completed', result.state.output ?? null, undefined, true);
      return;
    }
    this.#commit(inst, st, added, batch.length, false);
    this.#startWork(inst, newWork);
  }

  /** Records the scheduling event of an activity or sub-orchestration and returns the pending task for it. */
  #schedule(
    inst: Instance,
    kind: 'activity' | 'sub',
    id: number,
    name: string,
    input: unknown,
    retry: { options: RetryOptions; attempt: number } | undefined,
    now: number,
    added: HistoryEvent[],
    childId?: string,
  ): PendingTask {
    if (kind === 'activity') {
      added.push(historyEvent('TaskScheduled', now, { Name: name, Input: toJsonText(input) }, id));
      return { kind, id, name, input, retry };
    }
    const child = childId ?? `${inst.instanceId}:${id}`;
    added.push(
      historyEvent(
        'SubOrchestrationInstanceCreated',
        now,
        { Name: name, InstanceId: child, Input: toJsonText(input) },
        id,
      ),
    );
    return { kind, id, name, childId: child, input, retry };
  }

  #commit(inst: Instance, st: Snapshot, added: HistoryEvent[], consumed: number, sync: boolean): void {
    this.o.store.append(inst.instanceId, { k: 'turn', consumed, events: added, state: st }, sync);
    inst.history.push(...added);
    inst.inbox.splice(0, consumed);
    inst.state = st;
  }

  /** Ends the execution (Completed, Failed or Terminated), persists it fsynced and tells a parent orchestration. */
  #finish(
    inst: Instance,
    st: Snapshot,
    added: HistoryEvent[],
    consumed: number,
    status: 'Completed' | 'Failed' | 'Terminated',
    output: unknown,
    stack?: string,
    completedEventAdded = false,
  ): void {
    const now = this.o.clock.now();
    if (!completedEventAdded && added[added.length - 1]?.EventType !== EventType.ExecutionTerminated)
      added.push(historyEvent('OrchestratorCompleted', now));
    if (status !== 'Terminated') {
      added.push(
        historyEvent('ExecutionCompleted', now, {
          OrchestrationStatus: status,
          Result: status === 'Completed' ? toJsonText(output) : String(output),
          ...(status === 'Failed'
            ? { FailureDetails: { ErrorType: 'Error', ErrorMessage: String(output), StackTrace: stack } }
            : {}),
        }),
      );
    }
    st.runtimeStatus = status;
    st.output = output;
    st.pending = [];
    st.lastUpdatedMs = now;
    this.#commit(inst, st, added, consumed, true);
    for (const cancel of inst.timers.values()) cancel();
    inst.timers.clear();
    if (status === 'Failed')
      this.o.registry.log(
        'error',
        'system',
        `Orchestration ${inst.instanceId} (${inst.name}) failed: ${String(output)}`,
        inst.name,
      );
    this.#notifyParent(inst);
    this.#dropHistory(inst);
  }

  #continueAsNew(inst: Instance, input: unknown, now: number): void {
    for (const cancel of inst.timers.values()) cancel();
    inst.timers.clear();
    this.o.store.append(inst.instanceId, { k: 'continued', input, atMs: now }, true);
    inst.execution += 1;
    inst.input = input;
    inst.history = [];
    inst.state = { ...initialSnapshot(now), runtimeStatus: 'Running', customStatus: inst.state.customStatus };
    // Events that arrived for the old execution are kept for the new one (the extension's default in v2+).
    inst.inbox = inst.inbox
      .filter((m) => taskIdOf(m.event) === undefined)
      .map((m) => ({ ...m, execution: inst.execution }));
  }

  #notifyParent(child: Instance): void {
    const link = child.parent;
    const parent = link ? this.#instances.get(link.instanceId) : undefined;
    // A parent replaced by a new start (AnyState) is another instance: its old children report to nobody.
    if (!link || !parent || (link.generation !== undefined && link.generation !== parent.generation)) return;
    const now = this.o.clock.now();
    const status = child.state.runtimeStatus;
    if (status === 'Completed') {
      this.#enqueue(
        parent,
        historyEvent('SubOrchestrationInstanceCompleted', now, {
          TaskScheduledId: link.taskId,
          Result: toJsonText(child.state.output),
        }),
        link.execution,
      );
    } else if (status === 'Failed' || status === 'Terminated') {
      const message = `Sub-orchestration '${child.name}' (${child.instanceId}) ${status.toLowerCase()}: ${String(child.state.output)}`;
      this.#enqueue(
        parent,
        historyEvent('SubOrchestrationInstanceFailed', now, {
          TaskScheduledId: link.taskId,
          Reason: message,
          Details: '',
          FailureDetails: { ErrorType: 'SubOrchestrationFailed', ErrorMessage: message },
        }),
        link.execution,
      );
    }
  }

  /** Starts what a committed turn scheduled: activities run, timers are armed, child orchestrations are created. */
  #startWork(inst: Instance, work: PendingTask[]): void {
    const execution = inst.execution;
    for (const p of work) {
      if (p.kind === 'activity') void this.#track(this.#runActivity(inst, p, execution));
      else if (p.kind === 'timer') {
        const cancel = this.o.clock.setTimer(p.fireAtMs, () => {
          inst.timers.delete(p.id);
          this.#enqueue(
            inst,
            historyEvent('TimerFired', this.o.clock.now(), {
              TimerId: p.id,
              FireAt: new Date(p.fireAtMs).toISOString(),
            }),
            execution,
          );
        });
        inst.timers.set(p.id, cancel);
      } else this.#startChild(inst, p, execution);
    }
  }

  #startChild(parent: Instance, p: PendingTask & { kind: 'sub' }, execution: number): void {
    const existing = this.#instances.get(p.childId);
    if (existing?.parent?.instanceId === parent.instanceId && existing.parent.taskId === p.id) {
      if (isTerminal(existing.state.runtimeStatus)) this.#notifyParent(existing); // finished while we were down
      return;
    }
    const fn = this.o.registry.functions.get(p.name);
    const refuse = (why: string) =>
      this.#enqueue(
        parent,
        historyEvent('SubOrchestrationInstanceFailed', this.o.clock.now(), {
          TaskScheduledId: p.id,
          Reason: why,
          Details: '',
          FailureDetails: { ErrorType: 'Error', ErrorMessage: why },
        }),
        execution,
      );
    if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger')
      return refuse(`The function '${p.name}' doesn't exist or is not an orchestrator function.`);
    if (existing && !isTerminal(existing.state.runtimeStatus))
      return refuse(`An instance with id ${p.childId} is already ${existing.state.runtimeStatus}.`);
    this.#create(p.childId, p.name, p.input, {
      instanceId: parent.instanceId,
      taskId: p.id,
      execution,
      generation: parent.generation,
    });
  }

  async #runActivity(inst: Instance, p: PendingTask & { kind: 'activity' }, execution: number): Promise<void> {
    const fn: RegisteredFunction | undefined = this.o.registry.functions.get(p.name);
    const now = () => this.o.clock.now();
    if (!fn || fn.trigger.type.toLowerCase() !== 'activitytrigger') {
      const why = `The function '${p.name}' doesn't exist or is not an activity function.`;
      this.#enqueue(
        inst,
        historyEvent('TaskFailed', now(), {
          TaskScheduledId: p.id,
          Reason: why,
          Details: '',
          FailureDetails: { ErrorType: 'Error', ErrorMessage: why },
        }),
        execution,
      );
      return;
    }
    const data: RpcTypedData = typeof p.input === 'string' ? rpcString(JSON.stringify(p.input)) : rpcJson(p.input);
    const outcome = await invoke(this.o.registry, fn, { inputData: [{ name: fn.trigger.name, data }] });
    this.o.events.emit('invocation', {
      functionName: fn.name,
      invocationId: outcome.invocationId,
      triggerType: fn.trigger.type,
      durationMs: outcome.durationMs,
      ok: outcome.ok,
      error: outcome.ok ? undefined : outcome.error.message,
      retryCount: (p.retry?.attempt ?? 1) - 1,
    });
    if (outcome.ok) {
      this.#enqueue(
        inst,
        historyEvent('TaskCompleted', now(), {
          TaskScheduledId: p.id,
          Result: toJsonText(outcome.outputs.get('$return')),
        }),
        execution,
      );
    } else {
      const err = outcome.error;
      this.o.registry.log(
        'warning',
        'system',
        `Activity ${p.name} (task ${p.id} of ${inst.instanceId}) failed: ${err.message}`,
        p.name,
        outcome.invocationId,
      );
      this.#enqueue(
        inst,
        historyEvent('TaskFailed', now(), {
          TaskScheduledId: p.id,
          Reason: err.message,
          Details: err.stack ?? '',
          FailureDetails: { ErrorType: err.name, ErrorMessage: err.message, StackTrace: err.stack },
        }),
        execution,
      );
    }
  }
}

/** Why a custom status is refused (over 16 KB of UTF-16 JSON, as the extension measures it), or undefined when it fits. */
function customStatusOverLimit(customStatus: unknown): string | undefined {
  const bytes = JSON.stringify(customStatus ?? null).length * 2;
  if (bytes <= MAX_CUSTOM_STATUS_UTF16_BYTES) return undefined;
  return `The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is ${(bytes / 1024).toFixed(2)} KB (custom status).`;
}
