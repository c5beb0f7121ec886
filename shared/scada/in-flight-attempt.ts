/**
 * A command another delivery of the same event may still be sending. Service Bus delivers a message again when its
 * lock runs out, even while the first delivery still runs (a slow PLC, a lock renewal limit reached), and a crashed
 * host's delivery comes back the same way. The stored command says which: an attempt dispatched less than the
 * acknowledgement timeout ago may still be answered, so sending another attempt now would put the command on the
 * wire twice. The redelivery waits for that window to close and reads the command again: by then the first delivery
 * has stored the outcome, or it is gone and the redelivery resumes from the stored state.
 */
import { enteredAtMs, type CommandDoc } from './command.js';
import type { CommandRepository } from './command-repository.js';
import type { DispatchPolicy } from './dispatch-policy.js';

/** Time the delivery that got an acknowledgement needs to store it, ms, added to the acknowledgement timeout. */
export const ACK_STORE_GRACE_MS = 1000;

export interface InFlightDeps {
  commands: Pick<CommandRepository, 'get'>;
  policy: Pick<DispatchPolicy, 'ackTimeoutMs'>;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** When the newest attempt of a dispatched command can no longer be acknowledged, epoch ms (undefined when not dispatched). */
export function attemptWindowEndMs(doc: CommandDoc, ackTimeoutMs: number): number | undefined {
  if (doc.state !== 'dispatched') return undefined;
  const sentAtMs = enteredAtMs(doc, 'dispatched');
  return sentAtMs === undefined ? undefined : sentAtMs + ackTimeoutMs + ACK_STORE_GRACE_MS;
}

/** The command as stored once no attempt of it can still be in flight (waiting while one may be). */
export async function afterAttemptInFlight(doc: CommandDoc, deps: InFlightDeps): Promise<CommandDoc> {
  let current = doc;
  for (;;) {
    const endMs = attemptWindowEndMs(current, deps.policy.ackTimeoutMs);
    if (endMs === undefined || deps.clock() >= endMs) return current;
    await deps.sleep(endMs - deps.clock());
    current = (await deps.commands.get(current.commandId)) ?? current;
  }
}
