import { z } from 'zod';

/** durable-functions ActionType (lib/src/actions/ActionType.js). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** RetryOptions as the library serialises them (lib/src/RetryOptions.js), all intervals in ms. */
export const RetryOptionsSchema = z.looseObject({
  firstRetryIntervalInMilliseconds: z.number().positive(),
  maxNumberOfAttempts: z.number().int().min(1),
  backoffCoefficient: z.number().positive().optional(),
  maxRetryIntervalInMilliseconds: z.number().positive().optional(),
  retryTimeoutInMilliseconds: z.number().positive().optional(),
});
export type RetryOptions = z.infer<typeof RetryOptionsSchema>;

const LeafAction = z.looseObject({
  actionType: z.number().int(),
  functionName: z.string().optional(),
  input: z.unknown().optional(),
  retryOptions: RetryOptionsSchema.optional(),
  instanceId: z.string().nullish(),
  fireAt: z.string().optional(),
  isCanceled: z.boolean().optional(),
  externalEventName: z.string().optional(),
});
export type LeafAction = z.infer<typeof LeafAction>;

/** What an orchestrator invocation returns (lib/src/orchestrations/OrchestratorState.js). */
export const OrchestratorStateSchema = z.looseObject({
  isDone: z.boolean(),
  actions: z.array(z.array(z.unknown())),
  output: z.unknown().optional(),
  error: z.string().optional(),
  customStatus: z.unknown().optional(),
  schemaVersion: z.number().int().optional(),
});
export type OrchestratorState = z.infer<typeof OrchestratorStateSchema>;

/**
 * The leaf actions in the order the library numbers their tasks: depth-first through Task.all / Task.any
 * (`compoundActions`), which is also the order of `trackOpenTask` in TaskOrchestrationExecutor.
 */
export function flattenActions(actions: unknown[][]): LeafAction[] {
  const out: LeafAction[] = [];
  const visit = (a: unknown): void => {
    const compound = a as { actionType?: number; compoundActions?: unknown[] };
    if (
      compound &&
      (compound.actionType === ActionType.WhenAll || compound.actionType === ActionType.WhenAny) &&
      Array.isArray(compound.compoundActions)
    ) {
      compound.compoundActions.forEach(visit);
      return;
    }
    const parsed = LeafAction.safeParse(a);
    if (!parsed.success)
      throw new Error(
        `ERR-DEVHOST-DURABLE-ACTION: the orchestrator returned an action the devhost cannot read: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
    out.push(parsed.data);
  };
  for (const group of actions) group.forEach(visit);
  return out;
}

/** Whether the action takes a task id from the orchestration's sequence (external events and continue-as-new do not). */
export function takesSequenceId(a: LeafAction): boolean {
  return a.actionType !== ActionType.WaitForExternalEvent && a.actionType !== ActionType.ContinueAsNew;
}

/** A short description used to check replays: the same position must hold the same kind of call to the same target. */
export function actionSignature(a: LeafAction): string {
  const name = Object.entries(ActionType).find(([, v]) => v === a.actionType)?.[0] ?? String(a.actionType);
  return `${name}:${a.functionName ?? a.externalEventName ?? ''}`;
}

/**
 * The value an action carries, undoing the library's `processInput` (it JSON-encodes string inputs of activities
 * and continue-as-new; other values travel as they are).
 */
export function actionInput(a: LeafAction): unknown {
  const stringEncoded =
    a.actionType === ActionType.CallActivity ||
    a.actionType === ActionType.CallActivityWithRetry ||
    a.actionType === ActionType.ContinueAsNew;
  if (stringEncoded && typeof a.input === 'string') {
    try {
      return JSON.parse(a.input) as unknown;
    } catch {
      return a.input;
    }
  }
  return a.input;
}

/** Delay before retry attempt `attempt + 1` after attempt `attempt` (1-based) failed, ms: first × coefficient^(attempt−1), capped. */
export function retryDelayMs(options: RetryOptions, attempt: number): number {
  const raw = options.firstRetryIntervalInMilliseconds * (options.backoffCoefficient ?? 1) ** (attempt - 1);
  return Math.min(raw, options.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY);
}
