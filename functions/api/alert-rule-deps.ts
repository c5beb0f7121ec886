import type { AlertRuleWriteDeps } from '../../shared/api/alert-rules.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';

/** What the rule write routes need: store, audit log, publisher (with a warning when an event waits for the outbox sweep), the configured channel ids, and the life-cycle (to clear alerts of a deleted rule). */
export async function alertRuleWriteDeps(log: { warn(message: string): void }): Promise<AlertRuleWriteDeps> {
  const d = await alertDependencies();
  return {
    rules: d.rules,
    audit: d.audit,
    publisher: d.publisher,
    warn: (m) => log.warn(m),
    channelIds: d.settings.ALERT_CHANNELS.map((c) => c.id),
    records: d.records((alertId, e) =>
      log.warn(`alert ${alertId}: change left for the sweep to publish (${String(e)})`),
    ),
  };
}
