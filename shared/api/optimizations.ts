/**
 * The optimisation runs as an API resource: start one (202 with its links), read it (status, progress, result),
 * approve or reject an advisory run that waits. Every write is recorded in the audit log; a decision is also
 * published as a plant event the ledger audits.
 */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { v1Path } from '../http/paths.js';
import type { Role } from '../http/roles.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { publishQueued, type QueuedEvent, type QueuedWarning } from '../messaging/outbox.js';
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import { Link } from '../http/paging.js';
import { InstantParam } from '../http/instant.js';
import { UserConstraint } from '../optimize/schema.js';
import { LineId } from '../scada/override.js';
import { cellIdsOf, requireCellsOfLine, requireLineInBody, type CurrentPlant } from './plant-ids.js';
import { lineOfEquipment } from '../plant/set-point.js';
import { APPROVAL_EVENT, Orchestration } from '../orchestration/names.js';
import { approvalEvent } from '../orchestration/run-events.js';
import {
  lineOfOptimizationRunId,
  optimizationRunPrefix,
  requestedOptimizationRunId,
} from '../orchestration/run-ids.js';
import type { InstanceView, RunClient } from '../orchestration/run-client.js';
import type { RunStore } from '../orchestration/run-store.js';
import {
  ApprovalDecision,
  OptimizationMode,
  OptimizationRunInput,
  OptimizationRunResult,
  ProposalSummary,
  RUN_STEPS,
  type LakeRef,
} from '../orchestration/schemas.js';

const RESOURCE = 'optimizations';
const selfHref = (runId: string) => v1Path(`${RESOURCE}/${runId}`);

/** Body of `POST v1/optimizations`. */
export const StartOptimizationBody = z
  .strictObject({
    lineId: LineId,
    /** `closed-loop` (recommend at once, no approval) needs the Manager role. */
    mode: OptimizationMode.default('advisory'),
    /** Extra user constraints for this run, on top of the line's stored ones (`v1/lines/{lineId}/constraints`). */
    constraints: z.array(UserConstraint).max(500).optional(),
    /** How long an advisory run waits for approval, min (default OPTIMIZATION_APPROVAL_TIMEOUT_MIN). */
    approvalTimeoutMinutes: z.number().int().min(1).max(10_080).optional(),
  })
  .superRefine((b, ctx) => {
    b.constraints?.forEach((c, i) => {
      if (c.scope === 'cell' && lineOfEquipment(c.cellId) !== b.lineId)
        ctx.addIssue({
          code: 'custom',
          path: ['constraints', i, 'cellId'],
          message: `${c.cellId} is not a cell of line ${b.lineId}`,
        });
    });
  });
export type StartOptimizationBody = z.infer<typeof StartOptimizationBody>;

export const OptimizationRunPath = z.strictObject({
  runId: z.string().regex(/^opt-[A-Za-z0-9_-]{1,120}$/, 'expected a run id like opt-L1-…'),
});

/** Body of `POST v1/optimizations/{runId}/approval`. */
export const ApprovalBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  /** Why: kept in the run, the audit log and the ledger. */
  reason: z.string().trim().min(3).max(500),
});
export type ApprovalBody = z.infer<typeof ApprovalBody>;

/** 202 answer to a start. */
export const OptimizationRunAccepted = z.object({
  runId: z.string(),
  lineId: z.string(),
  mode: OptimizationMode,
  runtimeStatus: z.string(),
  links: z.array(Link),
});
export type OptimizationRunAccepted = z.infer<typeof OptimizationRunAccepted>;

/** A run as read back. */
export const OptimizationRunView = z.object({
  runId: z.string(),
  lineId: z.string(),
  mode: OptimizationMode,
  trigger: z.string(),
  requestedBy: z.string(),
  /** The plant-model version the run describes its line with (GET v1/plant's ETag when it started); absent on runs older than the plant model. */
  plantVersion: z.string().optional(),
  /** Pending, Running, Completed, Failed or Terminated (Durable Functions runtime status). */
  runtimeStatus: z.string(),
  createdTime: z.string(),
  lastUpdatedTime: z.string(),
  /** The run's custom status: `{ step, done, total }`, the proposal while it waits for approval, the reason when it ends. */
  progress: z
    .object({ step: z.enum(RUN_STEPS), done: z.number(), total: z.number() })
    .catchall(z.unknown())
    .nullable(),
  /** The run as recorded, once it completed. */
  result: OptimizationRunResult.optional(),
  /** Why it failed, once it failed. */
  error: z.string().optional(),
  links: z.array(Link),
});
export type OptimizationRunView = z.infer<typeof OptimizationRunView>;

/** Query of `GET v1/optimizations`: the runs of a line (or all lines) started since an instant. */
export const OptimizationListQuery = z.strictObject({
  lineId: LineId.optional(),
  /** Runs created at or after this instant (ISO 8601); default 24 h ago, at most 7 days ago. */
  since: InstantParam.optional(),
});
export type OptimizationListQuery = z.infer<typeof OptimizationListQuery>;

export const OptimizationRunList = z.object({
  /** Newest first, at most MAX_RUNS_LISTED. */
  items: z.array(OptimizationRunView),
  links: z.array(Link),
});
export type OptimizationRunList = z.infer<typeof OptimizationRunList>;

/** Runs a list answers with at most (the newest): a control room shows a day of a few lines. */
export const MAX_RUNS_LISTED = 100;
/** How far back a list may reach, ms (the Durable task hub keeps history longer; the ledger keeps every run). */
export const MAX_LIST_WINDOW_MS = 7 * 24 * 3_600_000;
const DEFAULT_LIST_WINDOW_MS = 24 * 3_600_000;

/** The optimisation runs started since `query.since` (default a day), newest first; 400 naming `query.since` when too old. */
export async function listOptimizations(
  deps: Pick<OptimizationsDeps, 'client'>,
  query: OptimizationListQuery,
  nowMs: number,
): Promise<OptimizationRunList> {
  const sinceMs = query.since ?? nowMs - DEFAULT_LIST_WINDOW_MS;
  if (sinceMs < nowMs - MAX_LIST_WINDOW_MS)
    throw new ApiError('invalidInput', 'Invalid query.since: at most 7 days back; the ledger keeps older runs.', [
      { field: 'query.since', issue: 'more than 7 days back' },
    ]);
  const prefix = query.lineId ? optimizationRunPrefix(query.lineId) : 'opt-';
  const items = (await deps.client.createdSince(sinceMs))
    .filter((s) => s.name === Orchestration.optimizationRun && s.instanceId.startsWith(prefix))
    .sort((a, b) => b.createdTime.localeCompare(a.createdTime) || b.instanceId.localeCompare(a.instanceId))
    .slice(0, MAX_RUNS_LISTED)
    .map(viewOf);
  const q = new URLSearchParams();
  if (query.lineId) q.set('lineId', query.lineId);
  q.set('since', new Date(sinceMs).toISOString());
  return { items, links: [{ rel: 'self', href: `${v1Path(RESOURCE)}?${q.toString()}` }] };
}

/** 202 answer to a decision. */
export const ApprovalAccepted = z.object({
  runId: z.string(),
  decision: z.enum(['approve', 'reject']),
  reason: z.string(),
  decidedBy: z.string(),
  decidedAt: z.iso.datetime(),
  links: z.array(Link),
});
export type ApprovalAccepted = z.infer<typeof ApprovalAccepted>;

export interface OptimizationsDeps {
  client: RunClient;
  audit: AuditLog;
  nowMs?: () => number;
}

const notFound = (runId: string) =>
  new ApiError(
    'notFound',
    `Optimisation run ${runId} does not exist (or its history was purged); the ledger keeps the events of every run.`,
    [{ field: 'path.runId', issue: 'not found' }],
  );

function runLinks(runId: string, waiting: boolean): Link[] {
  const links = [{ rel: 'self', href: selfHref(runId) }];
  if (waiting) links.push({ rel: 'approval', href: `${selfHref(runId)}/approval` });
  return links;
}

/**
 * Starts a run of the line: closed-loop only for a Manager (403 naming `body.mode`), one run per line at a time
 * (409 naming the run still going). Answers 202 with the run's links; the caller polls `self`.
 */
export async function startOptimization(
  deps: OptimizationsDeps & {
    uuid: () => string;
    modelVersion: string;
    defaultApprovalTimeoutMinutes: number;
    plant: CurrentPlant;
  },
  body: StartOptimizationBody,
  caller: Actor & { roles: readonly Role[] },
): Promise<{ accepted: OptimizationRunAccepted; location: string }> {
  if (body.mode === 'closed-loop' && !caller.roles.includes('Manager')) {
    throw new ApiError(
      'forbidden',
      'closed-loop mode recommends set points without an approval and needs the Manager role; start it as advisory, or ask a Manager.',
      [{ field: 'body.mode', issue: 'closed-loop needs the Manager role' }],
    );
  }
  // The run describes its line with the plant model in force now, and finishes on that version whatever changes.
  const plant = await deps.plant.current();
  requireLineInBody(plant, body.lineId, 'body.lineId');
  requireCellsOfLine(plant, body.lineId, cellIdsOf(body.constraints ?? [], 'body.constraints'));
  const going = (await deps.client.active()).find(
    (a) => a.name === Orchestration.optimizationRun && a.instanceId.startsWith(optimizationRunPrefix(body.lineId)),
  );
  if (going) {
    throw new ApiError(
      'conflict',
      `Line ${body.lineId} already has run ${going.instanceId} going; wait for it, or approve or reject it (${selfHref(going.instanceId)}).`,
      [{ field: 'body.lineId', issue: `run ${going.instanceId} is still going` }],
    );
  }
  const runId = requestedOptimizationRunId(body.lineId, deps.uuid());
  const input: OptimizationRunInput = {
    lineId: body.lineId,
    mode: body.mode,
    userConstraints: body.constraints ?? [],
    approvalTimeoutMinutes: body.approvalTimeoutMinutes ?? deps.defaultApprovalTimeoutMinutes,
    requestedBy: caller.subject,
    trigger: 'api',
    correlationId: caller.correlationId,
    modelVersion: deps.modelVersion,
    plantVersion: plant.version,
  };
  if ((await deps.client.startOnce(Orchestration.optimizationRun, runId, input)) === 'exists') {
    throw new ApiError('conflict', `Run ${runId} exists already; send the request again for a new run.`, [
      { field: 'body.lineId', issue: 'run id taken' },
    ]);
  }
  const atMs = (deps.nowMs ?? Date.now)();
  await deps.audit.record({
    action: 'optimization.started',
    resource: `${RESOURCE}/${runId}`,
    actor: caller,
    atMs,
    detail: {
      lineId: body.lineId,
      mode: body.mode,
      constraints: input.userConstraints.length,
      plantVersion: plant.version,
    },
  });
  return {
    accepted: { runId, lineId: body.lineId, mode: body.mode, runtimeStatus: 'Pending', links: runLinks(runId, false) },
    location: selfHref(runId),
  };
}

/** The run: status, progress, and its result once it completed (or its error once it failed); 404 when unknown. */
export async function getOptimization(
  deps: Pick<OptimizationsDeps, 'client'>,
  runId: string,
): Promise<OptimizationRunView> {
  const s = await deps.client.status(runId);
  if (!s || s.name !== Orchestration.optimizationRun) throw notFound(runId);
  return viewOf(s);
}

function viewOf(s: InstanceView): OptimizationRunView {
  const input = OptimizationRunInput.safeParse(s.input);
  const progress = OptimizationRunView.shape.progress.safeParse(s.customStatus);
  const result = s.runtimeStatus === 'Completed' ? OptimizationRunResult.safeParse(s.output) : undefined;
  const waiting = isAwaitingApproval(s);
  // A list of instances carries no inputs: the custom status and the result name the line and mode too.
  const status = (progress.success ? progress.data : null) as { lineId?: unknown; mode?: unknown } | null;
  const done = result?.success ? result.data : undefined;
  const lineId = input.data?.lineId ?? done?.lineId ?? (typeof status?.lineId === 'string' ? status.lineId : '');
  const mode = input.data?.mode ?? done?.mode ?? OptimizationMode.safeParse(status?.mode).data ?? 'advisory';
  return {
    runId: s.instanceId,
    lineId: lineId || (lineOfOptimizationRunId(s.instanceId) ?? ''),
    mode,
    trigger: input.data?.trigger ?? done?.trigger ?? 'unknown',
    requestedBy: input.data?.requestedBy ?? done?.requestedBy ?? 'unknown',
    ...((input.data?.plantVersion ?? done?.plantVersion)
      ? { plantVersion: input.data?.plantVersion ?? done?.plantVersion }
      : {}),
    runtimeStatus: s.runtimeStatus,
    createdTime: s.createdTime,
    lastUpdatedTime: s.lastUpdatedTime,
    progress: progress.success ? progress.data : null,
    ...(result?.success ? { result: result.data } : {}),
    ...(s.runtimeStatus === 'Failed' || s.runtimeStatus === 'Terminated'
      ? { error: typeof s.output === 'string' ? s.output : JSON.stringify(s.output) }
      : {}),
    links: runLinks(s.instanceId, waiting),
  };
}

function isAwaitingApproval(s: InstanceView): boolean {
  const step = (s.customStatus as { step?: unknown } | null)?.step;
  return s.runtimeStatus === 'Running' && step === 'awaiting-approval';
}

/** What a decision needs beyond reading runs: the outbox its ledger event waits in, and the topic. */
export interface DecisionDeps extends OptimizationsDeps {
  runs: Pick<RunStore, 'queueEvents'>;
  publisher: EventPublisher;
  /** Hears when the topic refused the decision's event (it stays queued for the outbox sweep). */
  warn?: QueuedWarning;
}

/**
 * Approves or rejects an advisory run that waits for it (409 otherwise, naming its state): raises the `approval`
 * event, then queues the decision's ledger event in the run's outbox, records the decision in the audit log and
 * publishes the event. The decision's own store is the run's Durable history, which cannot share a write with the
 * outbox, so the event is queued only once the decision has reached the run: an event never records a decision the
 * run did not get. A topic outage does not fail the answer (the outbox sweep publishes the event); a Cosmos failure
 * in the moment between the two answers 503 saying the decision stands (the run's completion event records it too).
 */
export async function decideOptimization(
  deps: DecisionDeps,
  runId: string,
  body: ApprovalBody,
  caller: Actor,
): Promise<ApprovalAccepted> {
  const s = await deps.client.status(runId);
  if (!s || s.name !== Orchestration.optimizationRun) throw notFound(runId);
  const lineId = OptimizationRunInput.safeParse(s.input).data?.lineId ?? '';
  if (!isAwaitingApproval(s)) {
    const step = (s.customStatus as { step?: unknown } | null)?.step;
    throw new ApiError(
      'conflict',
      `Run ${runId} is not waiting for approval (it is ${s.runtimeStatus}${typeof step === 'string' ? `, step ${step}` : ''}); only an advisory run with a proposal waits.`,
      [{ field: 'path.runId', issue: `not awaiting approval (${s.runtimeStatus})` }],
    );
  }
  const decidedAtMs = (deps.nowMs ?? Date.now)();
  const decision: ApprovalDecision = {
    decision: body.decision,
    reason: body.reason,
    decidedBy: caller.subject,
    decidedAtMs,
    correlationId: caller.correlationId,
  };
  await deps.client.raiseEvent(runId, APPROVAL_EVENT, decision);
  const event = approvalEvent(
    { runId, lineId, decision: body.decision, reason: body.reason, actor: caller.subject, decidedAtMs },
    caller.correlationId,
  );
  let pending: readonly QueuedEvent[];
  try {
    pending = await deps.runs.queueEvents(runId, [event]);
  } catch (e) {
    throw new ApiError(
      'dependencyUnavailable',
      `The decision reached run ${runId}, but its ledger event ${event.id} could not be queued (${e instanceof Error ? e.message : String(e)}); do not decide again — the run's completion event records the decision too.`,
      [{ field: event.type, issue: 'decision taken, ledger event not queued' }],
    );
  }
  await Promise.all([
    deps.audit.record({
      action: `optimization.${body.decision === 'approve' ? 'approved' : 'rejected'}`,
      resource: `${RESOURCE}/${runId}`,
      actor: caller,
      atMs: decidedAtMs,
      detail: { lineId, reason: body.reason, ledgerEventId: event.id },
    }),
    publishQueued(deps.publisher, pending, deps.warn),
  ]);
  return {
    runId,
    decision: body.decision,
    reason: body.reason,
    decidedBy: caller.subject,
    decidedAt: new Date(decidedAtMs).toISOString(),
    links: [{ rel: 'run', href: selfHref(runId) }],
  };
}

/** A cell's part of a proposal: what moves, and the predicted steady effect. */
export const ProposalCell = z.object({
  cellId: z.string(),
  changes: z.array(z.object({ variable: z.string(), from: z.number(), to: z.number(), unit: z.string() })),
  /** Predicted specific energy before → after, kWh/kg Al (absent for equipment without a cell model). */
  secKWhPerKg: z.object({ before: z.number(), after: z.number() }).optional(),
  cellVoltageV: z.object({ before: z.number(), after: z.number() }).optional(),
  bathTempC: z.object({ before: z.number(), after: z.number() }).optional(),
});

/** `GET v1/optimizations/{runId}/proposal`: the run's proposal, cell by cell, and its predicted effect on the line. */
export const ProposalView = z.object({
  runId: z.string(),
  lineId: z.string(),
  optimizerStatus: z.string(),
  /** Line figures before → after, with their change in %. */
  line: z.object({
    secKWhPerKg: z.object({ before: z.number(), after: z.number(), changePct: z.number() }),
    productionKgPerDay: z.object({ before: z.number(), after: z.number(), changePct: z.number() }),
    energyMWhPerDay: z.object({ before: z.number(), after: z.number(), changePct: z.number() }),
  }),
  /** Cells with a change, in id order; the line's rectifier is `<line>-LINE`. */
  cells: z.array(ProposalCell),
  links: z.array(Link),
});
export type ProposalView = z.infer<typeof ProposalView>;

/** The parts of the optimiser's recommendation blob the proposal view reads (the blob holds more). */
const StoredRecommendation = z.object({
  recommendation: z.looseObject({
    lineId: z.string(),
    status: z.string(),
    secKWhPerKg: z.looseObject({ before: z.number(), after: z.number(), changePct: z.number() }),
    productionKgPerDay: z.looseObject({ before: z.number(), after: z.number(), changePct: z.number() }),
    energyMWhPerDay: z.looseObject({ before: z.number(), after: z.number(), changePct: z.number() }),
    changes: z.array(
      z.looseObject({ cellId: z.string(), variable: z.string(), from: z.number(), to: z.number(), unit: z.string() }),
    ),
    cellEffects: z
      .array(
        z.looseObject({
          cellId: z.string(),
          secKWhPerKg: z.looseObject({ before: z.number(), after: z.number() }),
          cellVoltageV: z.looseObject({ before: z.number(), after: z.number() }),
          bathTempC: z.looseObject({ before: z.number(), after: z.number() }),
        }),
      )
      .default([]),
  }),
});

const pair = (k: { before: number; after: number }) => ({ before: k.before, after: k.after });

/**
 * The proposal of a run (the one awaiting approval, or the one it ended with), read from the recommendation the
 * optimiser left in the lake; 404 when the run is unknown or proposed nothing yet.
 */
export async function getProposal(
  deps: Pick<OptimizationsDeps, 'client'> & { readRecommendation(ref: LakeRef): Promise<unknown> },
  runId: string,
): Promise<ProposalView> {
  const s = await deps.client.status(runId);
  if (!s || s.name !== Orchestration.optimizationRun) throw notFound(runId);
  const view = viewOf(s);
  const fromStatus = ProposalSummary.safeParse((view.progress as { proposal?: unknown } | null)?.proposal);
  const ref = fromStatus.success ? fromStatus.data.recommendation : view.result?.proposal?.recommendation;
  if (!ref)
    throw new ApiError(
      'notFound',
      `Run ${runId} has no proposal (yet): it is ${view.runtimeStatus}${view.progress ? `, step ${view.progress.step}` : ''}.`,
      [{ field: 'path.runId', issue: 'no proposal' }],
    );
  const { recommendation: r } = StoredRecommendation.parse(await deps.readRecommendation(ref));
  const effects = new Map(r.cellEffects.map((e) => [e.cellId, e]));
  const byCell = new Map<string, z.infer<typeof ProposalCell>>();
  for (const c of r.changes) {
    let cell = byCell.get(c.cellId);
    if (!cell) {
      const e = effects.get(c.cellId);
      cell = {
        cellId: c.cellId,
        changes: [],
        ...(e
          ? { secKWhPerKg: pair(e.secKWhPerKg), cellVoltageV: pair(e.cellVoltageV), bathTempC: pair(e.bathTempC) }
          : {}),
      };
      byCell.set(c.cellId, cell);
    }
    cell.changes.push({ variable: c.variable, from: c.from, to: c.to, unit: c.unit });
  }
  const line = (k: { before: number; after: number; changePct: number }) => ({ ...pair(k), changePct: k.changePct });
  return {
    runId,
    lineId: view.lineId,
    optimizerStatus: r.status,
    line: {
      secKWhPerKg: line(r.secKWhPerKg),
      productionKgPerDay: line(r.productionKgPerDay),
      energyMWhPerDay: line(r.energyMWhPerDay),
    },
    cells: [...byCell.values()].sort((a, b) => a.cellId.localeCompare(b.cellId)),
    links: [
      { rel: 'self', href: `${selfHref(runId)}/proposal` },
      { rel: 'run', href: selfHref(runId) },
    ],
  };
}
