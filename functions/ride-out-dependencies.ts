import type { InvocationContext } from '@azure/functions';
import { rideOut, type RideOutPolicy } from '../shared/kernel/ride-out.js';

/**
 * Runs a trigger's work through `rideOut`: while a dependency is down the message or batch is kept and tried again
 * after a growing pause (shared/kernel/ride-out.ts), each pause logged as a warning naming what failed.
 */
export function withDependencies<T>(
  context: InvocationContext,
  policy: RideOutPolicy,
  work: () => Promise<T>,
): Promise<T> {
  return rideOut(work, policy, {
    onWait: (attempt, delayMs, err) =>
      context.warn(
        `${context.functionName}: a dependency is unavailable (attempt ${attempt}: ${err instanceof Error ? err.message : String(err)}); trying again in ${delayMs / 1000} s`,
      ),
  });
}
