/**
 * The durable client as the API and the schedule use it: a small port over `df.getClient(context)` (the function
 * side builds it, functions/orchestration/run-client.ts), so the services here stay free of the Functions runtime.
 */

/** Runtime states of an orchestration instance (Durable Functions' OrchestrationRuntimeStatus). */
export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'ContinuedAsNew' | 'Canceled' | 'Suspended';

/** What the status API shows of an instance. */
export interface InstanceView {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  /** The orchestrator's return value when Completed; its error message when Failed. */
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
}

export interface RunClient {
  /**
   * Starts `name` as `instanceId` unless an instance with that id exists in any state: a duplicate start (the same
   * schedule slot twice, a retried request) is refused, not doubled. Relies on host.json
   * overridableExistingInstanceStates NonRunningStates for two starters racing: the loser's start fails instead of
   * replacing the winner's running instance, and it reports 'exists'. A finished instance is never started again.
   */
  startOnce(name: string, instanceId: string, input: unknown): Promise<'started' | 'exists'>;
  /** The instance, or undefined when the id is unknown. */
  status(instanceId: string): Promise<InstanceView | undefined>;
  /** Instances that are Pending or Running. */
  active(): Promise<InstanceView[]>;
  /** Instances created at or after `createdFromMs`, whatever their state (inputs may be absent from a list). */
  createdSince(createdFromMs: number): Promise<InstanceView[]>;
  /** Delivers an external event to a running instance. */
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
}

/** True while an instance may still do work. */
export function isActive(status: RuntimeStatus): boolean {
  return status === 'Pending' || status === 'Running' || status === 'Suspended';
}

/** A run client over a map, for tests of the services that take one (instances never progress by themselves). */
export class MemoryRunClient implements RunClient {
  readonly instances = new Map<string, InstanceView>();
  readonly raised: { instanceId: string; eventName: string; data: unknown }[] = [];

  async startOnce(name: string, instanceId: string, input: unknown): Promise<'started' | 'exists'> {
    if (this.instances.has(instanceId)) return 'exists';
    const now = new Date(0).toISOString();
    this.instances.set(instanceId, {
      instanceId,
      name,
      runtimeStatus: 'Pending',
      input,
      customStatus: null,
      output: null,
      createdTime: now,
      lastUpdatedTime: now,
    });
    return 'started';
  }

  async status(instanceId: string): Promise<InstanceView | undefined> {
    return this.instances.get(instanceId);
  }

  async active(): Promise<InstanceView[]> {
    return [...this.instances.values()].filter((i) => isActive(i.runtimeStatus));
  }

  async createdSince(createdFromMs: number): Promise<InstanceView[]> {
    return [...this.instances.values()].filter((i) => Date.parse(i.createdTime) >= createdFromMs);
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    this.raised.push({ instanceId, eventName, data });
  }
}
