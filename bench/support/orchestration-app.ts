/**
 * The app the orchestration benchmark loads into the devhost: the real orchestrations and activities, plus a no-op
 * activity fanned out and chained, to measure what the devhost itself adds per activity call.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import '../../functions/orchestration/optimization-run.js';
import '../../functions/orchestration/load-line-snapshot.js';
import '../../functions/orchestration/predict-cells.js';
import '../../functions/orchestration/optimize-set-points.js';
import '../../functions/orchestration/check-set-point-envelope.js';
import '../../functions/orchestration/record-optimization-run.js';
import '../../functions/orchestration/publish-optimization-events.js';
import '../../functions/orchestration/announce-awaiting-approval.js';

const NOOP = 'benchNoop';
df.app.activity(NOOP, { handler: (n: number) => n });

const fanOut: OrchestrationHandler = function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  yield context.df.Task.all(Array.from({ length: n }, (_, i) => context.df.callActivity(NOOP, i)));
  return n;
};
df.app.orchestration('benchFanOut', fanOut);

const chain: OrchestrationHandler = function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  for (let i = 0; i < n; i++) yield context.df.callActivity(NOOP, i);
  return n;
};
df.app.orchestration('benchChain', chain);
