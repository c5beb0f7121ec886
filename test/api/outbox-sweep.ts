import { InvocationContext, type Timer } from '@azure/functions';
import { outboxSweep } from '../../functions/fanout/outbox-sweep.js';
import type { OutboxSweepSummary } from '../../shared/messaging/outbox.js';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

/** Runs the `outboxSweep` timer function once, as the host would, against the current settings; answers its summary. */
export async function sweepOnce(): Promise<OutboxSweepSummary> {
  let summary: OutboxSweepSummary | undefined;
  const ctx = new InvocationContext({
    functionName: 'outboxSweep',
    logHandler: (level, message, ...args) => {
      if (level === 'information' && message === 'outbox swept') summary = args[0] as OutboxSweepSummary;
    },
  });
  await outboxSweep(timer, ctx);
  if (!summary) throw new Error('the outbox sweep logged no summary');
  return summary;
}
