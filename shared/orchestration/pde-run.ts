/**
 * The activity of `pdeRun`: read the stored model (Cosmos `pde-models`), run its configuration with the physics
 * engine (shared/physics runModel), write the full result to the lake and return a reference and a summary (long
 * arrays shortened) — the result itself never enters orchestration history.
 */
import { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import type { ModelRepository } from '../models/repository.js';
import { PhysicsError } from '../physics/errors.js';
import { runModel, summarize } from '../physics/config/run-model.js';
import { putJson } from './lake-json.js';
import { LakeRef } from './schemas.js';
import { count, observe } from '../observability/instruments.js';

export const PdeRunRequest = z.object({ runId: z.string(), modelId: z.string(), out: LakeRef });
export type PdeRunRequest = z.infer<typeof PdeRunRequest>;

/**
 * What the run gives back. A configuration the physics engine refuses is an answer (`ok: false`, not retried: running
 * it again cannot help), not an error.
 */
export const PdeRunResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    modelId: z.string(),
    modelName: z.string(),
    wallTimeMs: z.number(),
    result: LakeRef,
    /** The result with numeric arrays shortened to { length, min, max, first, last }. */
    summary: z.unknown(),
  }),
  z.object({ ok: z.literal(false), modelId: z.string(), code: z.string(), field: z.string(), message: z.string() }),
]);
export type PdeRunResult = z.infer<typeof PdeRunResult>;

/** Runs the stored model; a model that is gone or not runnable answers `ok: false` naming why. */
export async function runPdeModel(
  deps: { models: Pick<ModelRepository, 'get'>; lake: LakeStore },
  req: PdeRunRequest,
): Promise<PdeRunResult> {
  const model = await deps.models.get(req.modelId);
  if (!model)
    return {
      ok: false,
      modelId: req.modelId,
      code: 'ERR-RUN-MODEL',
      field: 'modelId',
      message: `PDE model ${req.modelId} no longer exists`,
    };
  try {
    const out = runModel({
      modelName: model.modelName,
      parameters: model.parameters,
      ...(model.description === undefined ? {} : { description: model.description }),
    });
    const result = await putJson(deps.lake, req.out, {
      runId: req.runId,
      modelId: req.modelId,
      modelEtag: model.etag,
      ...out,
    });
    count('runs', 1, { kind: 'pde', outcome: 'completed' });
    observe('runDuration', out.wallTimeMs / 1000, { kind: 'pde', outcome: 'completed' });
    return {
      ok: true,
      modelId: req.modelId,
      modelName: out.modelName,
      wallTimeMs: out.wallTimeMs,
      result,
      summary: summarize(out.result),
    };
  } catch (err) {
    if (err instanceof PhysicsError) {
      count('runs', 1, { kind: 'pde', outcome: 'failed' });
      return { ok: false, modelId: req.modelId, code: err.code, field: err.quantity, message: err.message };
    }
    throw err;
  }
}
