/** PDE runs as an API resource under their model: start one (202 with its links) and read it back. */
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { v1Path } from '../http/paths.js';
import type { ModelRepository } from '../models/repository.js';
import type { Actor, AuditLog } from '../kernel/audit-log.js';
import { PdeModelId } from '../models/schemas.js';
import { Link } from '../http/paging.js';
import { Orchestration } from '../orchestration/names.js';
import { PdeRunResult } from '../orchestration/pde-run.js';
import { pdeRunId } from '../orchestration/run-ids.js';
import type { RunClient } from '../orchestration/run-client.js';
import { PdeRunInput } from '../orchestration/schemas.js';

const runHref = (modelId: string, runId: string) => v1Path(`pde-models/${modelId}/runs/${runId}`);

export const PdeRunPath = z.strictObject({
  modelId: PdeModelId,
  runId: z.string().regex(/^pde-run-[A-Za-z0-9_-]{1,120}$/, 'expected a run id like pde-run-pde-001-…'),
});

export const PdeRunAccepted = z.object({
  runId: z.string(),
  modelId: z.string(),
  runtimeStatus: z.string(),
  links: z.array(Link),
});
export type PdeRunAccepted = z.infer<typeof PdeRunAccepted>;

export const PdeRunView = z.object({
  runId: z.string(),
  modelId: z.string(),
  runtimeStatus: z.string(),
  createdTime: z.string(),
  lastUpdatedTime: z.string(),
  progress: z.unknown(),
  /** Once completed: the model kind, solve time, where the full result is in the lake, and a summary of it. */
  result: PdeRunResult.optional(),
  error: z.string().optional(),
  links: z.array(Link),
});
export type PdeRunView = z.infer<typeof PdeRunView>;

export interface PdeRunsDeps {
  client: RunClient;
  models: Pick<ModelRepository, 'get'>;
  audit: AuditLog;
  uuid: () => string;
  nowMs?: () => number;
}

/** Starts a run of a stored model (404 when there is no such model); records who started it. */
export async function startPdeRun(
  deps: PdeRunsDeps,
  modelId: string,
  actor: Actor,
): Promise<{ accepted: PdeRunAccepted; location: string }> {
  if (!(await deps.models.get(modelId))) {
    throw new ApiError(
      'notFound',
      `PDE model ${modelId} does not exist; list ${v1Path('pde-models')} for the models there are.`,
      [{ field: 'path.modelId', issue: 'not found' }],
    );
  }
  const runId = pdeRunId(modelId, deps.uuid());
  const input: PdeRunInput = { modelId, requestedBy: actor.subject, correlationId: actor.correlationId };
  if ((await deps.client.startOnce(Orchestration.pdeRun, runId, input)) === 'exists') {
    throw new ApiError('conflict', `Run ${runId} exists already; send the request again for a new run.`, [
      { field: 'path.modelId', issue: 'run id taken' },
    ]);
  }
  await deps.audit.record({
    action: 'pde-run.started',
    resource: `pde-models/${modelId}/runs/${runId}`,
    actor,
    atMs: (deps.nowMs ?? Date.now)(),
  });
  return {
    accepted: { runId, modelId, runtimeStatus: 'Pending', links: [{ rel: 'self', href: runHref(modelId, runId) }] },
    location: runHref(modelId, runId),
  };
}

/** A run of the model: status, and its result reference and summary once done; 404 for another model's run. */
export async function getPdeRun(
  deps: Pick<PdeRunsDeps, 'client'>,
  modelId: string,
  runId: string,
): Promise<PdeRunView> {
  const s = await deps.client.status(runId);
  const input = PdeRunInput.safeParse(s?.input);
  if (!s || s.name !== Orchestration.pdeRun || !input.success || input.data.modelId !== modelId) {
    throw new ApiError('notFound', `Model ${modelId} has no run ${runId} (or its history was purged).`, [
      { field: 'path.runId', issue: 'not found' },
    ]);
  }
  const result = s.runtimeStatus === 'Completed' ? PdeRunResult.safeParse(s.output) : undefined;
  return {
    runId,
    modelId,
    runtimeStatus: s.runtimeStatus,
    createdTime: s.createdTime,
    lastUpdatedTime: s.lastUpdatedTime,
    progress: s.customStatus,
    ...(result?.success ? { result: result.data } : {}),
    ...(s.runtimeStatus === 'Failed' || s.runtimeStatus === 'Terminated'
      ? { error: typeof s.output === 'string' ? s.output : JSON.stringify(s.output) }
      : {}),
    links: [
      { rel: 'self', href: runHref(modelId, runId) },
      { rel: 'model', href: v1Path(`pde-models/${modelId}`) },
    ],
  };
}
