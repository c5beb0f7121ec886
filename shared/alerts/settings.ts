/**
 * Alerting settings, parsed once and failing fast naming the setting: the channels (JSON), which channels the
 * operations, engineering and escalation teams read, and how often rules are re-read.
 */
import { z } from 'zod';
import { AlertError } from './errors.js';
import { ChannelConfig } from './notifier.js';

const idList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

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
  /** Seconds the telemetry alert consumer keeps rules (and open alerts) before reading them again: how long a threshold change takes to apply. */
  ALERT_RULES_REFRESH_S: z.coerce.number().int().min(1).max(3600).default(30),
  /** Azure Communication Services endpoint for the `acs-email` and `acs-sms` channels (managed identity; unset: those channels fail, logged). */
  ACS_ENDPOINT: z.url().optional(),
});
export type AlertSettings = z.infer<typeof AlertSettings>;

/** Parses the alerting settings from an environment; throws AlertError naming the first bad setting. */
export function parseAlertSettings(env: Record<string, string | undefined>): AlertSettings {
  const parsed = AlertSettings.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AlertError(
      'ERR-ALERT-CHANNEL',
      `setting ${issue?.message ?? 'is invalid'}`,
      issue?.path.join('.') || 'ALERT_CHANNELS',
    );
  }
  return parsed.data;
}
