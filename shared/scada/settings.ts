import { z } from 'zod';
import { DEFAULT_DISPATCH_POLICY, type DispatchPolicy } from './dispatch-policy.js';
import { DomainError } from '../kernel/errors.js';

/** The Sparkplug group of the smelter's potlines (one per site; a setting where there are several). */
export const DEFAULT_SPARKPLUG_GROUP_ID = 'smelter';
/** The platform's Sparkplug Primary Host Application id. */
export const DEFAULT_SPARKPLUG_HOST_ID = 'smelter-platform';

/** A setting that may be present but empty (Bicep sets it only for one kind of broker): empty reads as absent. */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

/** App settings of the SCADA side, parsed once; a bad one fails naming the setting. */
export const ScadaSettings = z.object({
  /** Plant broker: the Event Grid namespace's MQTT endpoint in Azure (`mqtts://…:8883`); the embedded broker locally. */
  SCADA_MQTT_URL: z.string().regex(/^mqtts?:\/\/[^\s/]+/, 'must be mqtt://host:port or mqtts://host:port'),
  /** The client's authentication name on Event Grid (`platform-host`), or a plant broker's username. */
  SCADA_MQTT_USERNAME: optionalText,
  /** A Key Vault reference in Azure, never a literal in the repository; empty against Event Grid (certificates). */
  SCADA_MQTT_PASSWORD: optionalText,
  /** PEM client certificate and key the host presents (Event Grid authenticates by certificate); Key Vault references. */
  SCADA_MQTT_CLIENT_CERT: optionalText,
  SCADA_MQTT_CLIENT_KEY: optionalText,
  SCADA_MQTT_CLIENT_ID: z.string().min(1).max(64).optional(),
  /** The Sparkplug group of the plant's edge nodes. */
  SCADA_SPARKPLUG_GROUP_ID: z
    .string()
    .regex(/^[^/+#\s]+$/, 'must be a Sparkplug id: no /, +, # or spaces')
    .default(DEFAULT_SPARKPLUG_GROUP_ID),
  /** The platform's Primary Host Application id: its STATE topic is `spBv1.0/STATE/<id>`. */
  SCADA_SPARKPLUG_HOST_ID: z
    .string()
    .regex(/^[^/+#\s]+$/, 'must be a Sparkplug id: no /, +, # or spaces')
    .default(DEFAULT_SPARKPLUG_HOST_ID),
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
