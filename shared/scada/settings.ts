import { z } from 'zod';
import { DEFAULT_DISPATCH_POLICY, type DispatchPolicy } from './dispatch-policy.js';
import { DomainError } from '../kernel/errors.js';

/** App settings of the SCADA side, parsed once; a bad one fails naming the setting. */
export const ScadaSettings = z.object({
  /** Plant broker: `mqtts://hivemq.plant.local:8883` in Azure (VNet integration); the devhost's embedded broker locally. */
  SCADA_MQTT_URL: z.string().regex(/^mqtts?:\/\/[^\s/]+/, 'must be mqtt://host:port or mqtts://host:port'),
  SCADA_MQTT_USERNAME: z.string().min(1).optional(),
  /** A Key Vault reference in Azure, never a literal in the repository. */
  SCADA_MQTT_PASSWORD: z.string().min(1).optional(),
  SCADA_MQTT_CLIENT_ID: z.string().min(1).max(64).optional(),
  SCADA_ACK_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(DEFAULT_DISPATCH_POLICY.ackTimeoutMs),
  SCADA_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(DEFAULT_DISPATCH_POLICY.maxAttempts),
  SCADA_BACKOFF_MS: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_DISPATCH_POLICY.backoffMs),
});
export type ScadaSettings = z.infer<typeof ScadaSettings>;

export class ScadaSettingsError extends DomainError {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(
      'internal',
      'ERR-CONFIG',
      `App setting ${setting} is invalid: ${detail}. Fix it in local.settings.json (locally) or the Function App's configuration (Azure).`,
      setting,
    );
  }
}

/** Parses the SCADA settings from the environment; throws ScadaSettingsError naming the first bad setting. */
export function parseScadaSettings(env: Record<string, string | undefined>): ScadaSettings {
  const parsed = ScadaSettings.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ScadaSettingsError(String(issue.path[0] ?? '(unknown)'), issue.message);
  }
  return parsed.data;
}

/** The dispatch policy the settings call for. */
export function dispatchPolicyOf(s: ScadaSettings): DispatchPolicy {
  return { maxAttempts: s.SCADA_MAX_ATTEMPTS, ackTimeoutMs: s.SCADA_ACK_TIMEOUT_MS, backoffMs: s.SCADA_BACKOFF_MS };
}
