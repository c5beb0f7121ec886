/**
 * Alerting settings, parsed once and failing fast naming the setting: the channels (JSON) and which channels the
 * operations and engineering teams read.
 */
import { z } from 'zod';
import { AlertError } from './errors.js';
import { ChannelConfig } from './notifier.js';

const idList = z.string().default('').transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

export const AlertSettings = z.object({
  /** JSON array of channel configurations, e.g. `[{"kind":"webhook","id":"teams-ops","url":"http://127.0.0.1:7072/teams","format":"teams"}]`. */
  ALERT_CHANNELS: z
    .string()
    .default('[]')
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of channel configurations' });
        return z.NEVER;
      }
    })
    .pipe(z.array(ChannelConfig)),
  ALERT_OPERATIONS_CHANNELS: idList,
  ALERT_ENGINEERING_CHANNELS: idList,
  /** Who hears about alerts left unacknowledged (shift lead, on-call engineer). */
  ALERT_ESCALATION_CHANNELS: idList,
});
export type AlertSettings = z.infer<typeof AlertSettings>;

/** Parses the alerting settings from an environment; throws AlertError naming the first bad setting. */
export function parseAlertSettings(env: Record<string, string | undefined>): AlertSettings {
  const parsed = AlertSettings.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AlertError('ERR-ALERT-CHANNEL', `setting ${issue?.message ?? 'is invalid'}`, issue?.path.join('.') || 'ALERT_CHANNELS');
  }
  return parsed.data;
}
