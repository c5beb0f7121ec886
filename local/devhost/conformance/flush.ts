import { setImmediate as tick } from 'node:timers/promises';

/** Lets every callback queued so far (and the ones they queue) run: after a ManualClock step, before asserting that nothing more happened. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await tick();
}
