import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { Activity, Orchestration } from '../../shared/orchestration/names.js';
import type { PdeRunResult } from '../../shared/orchestration/pde-run.js';
import { pdeRunResultRef } from '../../shared/orchestration/run-paths.js';
import { PdeRunInput } from '../../shared/orchestration/schemas.js';

/** Reading the model and writing the lake may meet transient faults; the solve itself is deterministic. */
const retry = new df.RetryOptions(2_000, 3);
retry.backoffCoefficient = 2;

/**
 * One run of a stored PDE model configuration: the activity solves it and writes the result to
 * gold/pde_runs/…; the orchestration's output is the reference and a summary. A configuration the physics engine
 * refuses ends the run Failed naming the field.
 */
export const pdeRun: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = PdeRunInput.parse(context.df.getInput());
  const traced = <T extends object>(activityInput: T) =>
    input.trace ? { ...activityInput, trace: input.trace } : activityInput;
  const out = pdeRunResultRef(input.modelId, context.df.instanceId, context.df.currentUtcDateTime.getTime());
  context.df.setCustomStatus({ step: 'solving', done: 0, total: 1 });
  const result = (yield context.df.callActivityWithRetry(
    Activity.runPdeModel,
    retry,
    traced({
      runId: context.df.instanceId,
      modelId: input.modelId,
      out,
    }),
  )) as PdeRunResult;
  if (!result.ok) {
    context.df.setCustomStatus({ step: 'failed', done: 0, total: 1 });
    throw new Error(`${result.code} at ${result.field}: ${result.message}`);
  }
  context.df.setCustomStatus({ step: 'completed', done: 1, total: 1 });
  return result;
};

df.app.orchestration(Orchestration.pdeRun, pdeRun);
