import { z } from 'zod';
import { DomainError } from '../kernel/errors.js';

/**
 * Every app setting the code reads, parsed once. Names are the app-setting names used in Azure and in
 * local.settings.json; a value that fails names the setting in the error.
 *
 * Connections follow the Functions convention: locally a connection string in `<Name>`, in Azure an identity-based
 * `<Name>__fullyQualifiedNamespace` / `<Name>__accountName` / `<Name>__accountEndpoint`.
 */
const optionalText = z.string().trim().min(1).optional();

export const Settings = z.object({
  /** Lake account (ADLS Gen2): a connection string (Azurite locally) ... */
  LakeConnection: optionalText,
  /** ... or, in Azure, the account's blob endpoint for managed identity. */
  LakeConnection__blobServiceUri: z.url().optional(),
  /**
   * The host's storage account (Event Hubs checkpoints, Durable state), where ingestion also parks the batches it
   * could not process: a connection string locally, `__accountName` or `__blobServiceUri` with managed identity in Azure.
   */
  AzureWebJobsStorage: optionalText,
  AzureWebJobsStorage__accountName: optionalText,
  AzureWebJobsStorage__blobServiceUri: z.url().optional(),
  COSMOS_ENDPOINT: z.url().optional(),
  /** Only for the local Cosmos-compatible server; Azure uses managed identity. */
  COSMOS_KEY: optionalText,
  COSMOS_DATABASE: z.string().min(1).default('smelter'),
  TELEMETRY_HUB: z.string().min(1).default('telemetry'),
  TELEMETRY_CONSUMER_GROUP: z.string().min(1).default('ingest'),
  /** Consumer group the telemetry alert rules read through, so alerting never slows ingestion (its own checkpoints). */
  TELEMETRY_ALERTS_CONSUMER_GROUP: z.string().min(1).default('alerts'),
  /** Consumer group the control room's live cell values are read through (its own checkpoints; never slows ingestion). */
  TELEMETRY_LIVE_CONSUMER_GROUP: z.string().min(1).default('live'),
  /** Consumer group the set-point read-back observer reads through (its own checkpoints; never slows ingestion). */
  TELEMETRY_READBACK_CONSUMER_GROUP: z.string().min(1).default('readback'),
  /** The hub the plant broker routes its raw Sparkplug messages to (Event Grid namespace MQTT) and the ingress's group. */
  PLANT_MQTT_HUB: z.string().min(1).default('plant-mqtt'),
  PLANT_MQTT_CONSUMER_GROUP: z.string().min(1).default('ingress'),
  /** Points of a sensor kept in memory for spike, stuck and duplicate checks. */
  CLEANSING_WINDOW: z.coerce.number().int().min(5).max(1000).default(31),
  /** Gaps up to this many expected intervals are filled by linear interpolation (flagged). */
  INTERPOLATE_MAX_GAP_INTERVALS: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * How far a point's event time may run ahead of its enqueued time, s; a later point is quarantined
   * FUTURE_TIMESTAMP (it would never go stale as a latest value). Default 5 minutes.
   */
  TELEMETRY_MAX_FUTURE_SKEW_S: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * Earliest event time accepted from the plant (ISO 8601 with a zone, e.g. its commissioning); an earlier point is
   * quarantined TIMESTAMP_OUT_OF_RANGE (a clock that lost its setting). Read as epoch ms.
   */
  PLANT_EPOCH: z.iso
    .datetime({ offset: true })
    .default('2000-01-01T00:00:00Z')
    .transform((v) => Date.parse(v)),
  /** At most one write of a cell's latest values per this many ms (bounds Cosmos RU use); 0 writes every batch. */
  HOT_STATE_WRITE_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  /**
   * At most one push of a cell's latest values to the control room per this many ms: the map's one update per cell
   * per second (issue 19), whatever the telemetry rate; 0 pushes every change.
   */
  LIVE_PUSH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  PLANT_ID: z.string().min(1).default('plant-01'),
  /**
   * The plant model used while none is stored (a JSON file, plants/*.json): locally `npm start -- --plant` sets it.
   * Unset in Azure, where the model is PUT to v1/plant; without either, nothing that needs the plant acts.
   */
  PLANT_MODEL_FILE: optionalText,
  /** How often a function checks for a new plant-model version, s. */
  PLANT_MODEL_REFRESH_S: z.coerce.number().int().min(1).max(3600).default(30),
  /** Expected `iss` of API bearer tokens; Entra ID: https://login.microsoftonline.com/<tenant>/v2.0. Default: the local dev issuer. */
  AUTH_ISSUER: z.string().min(1).default('https://dev-issuer.smelter.local'),
  /** Expected `aud` of API bearer tokens (the API's app id URI or client id). */
  AUTH_AUDIENCE: z.string().min(1).default('api://smelter-platform'),
  /** JWKS URL of the issuer; unset means every protected route answers 500 (fails closed). The devhost sets it. */
  AUTH_JWKS_URI: z.url().optional(),
  /**
   * Longest a bearer token may still be valid for, s: a token whose `exp` lies further ahead (or is not a finite
   * number) is refused. Default a day, the longest lifetime Entra ID can be configured to issue.
   */
  AUTH_MAX_TOKEN_LIFETIME_S: z.coerce.number().int().min(300).max(604_800).default(86_400),
  /** Sustained API requests per client id per minute (token bucket refill). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Requests a client may send in a burst above the sustained rate (token bucket capacity). */
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Largest JSON request body accepted, bytes (413 above). */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(4_194_304).default(65_536),
  /** Gold curation timer (NCRONTAB, six fields): default 10 minutes past every hour, after the hour's late batches. */
  CURATION_SCHEDULE: z.string().min(1).default('0 10 * * * *'),
  /**
   * Model-accuracy sweep timer (NCRONTAB): compares settled runs' predictions with the plant and alerts a line beyond
   * 5 % MAPE; 20 minutes past every hour, after curation has written the hour's minutes.
   */
  MODEL_ACCURACY_SCHEDULE: z.string().min(1).default('0 20 * * * *'),
  /** Alert sweep timer (NCRONTAB): escalates alerts left unacknowledged; every minute. */
  ALERT_SWEEP_SCHEDULE: z.string().min(1).default('0 * * * * *'),
  /** Outbox sweep timer (NCRONTAB): publishes plant events a topic outage left queued with their changes; every minute. */
  OUTBOX_SWEEP_SCHEDULE: z.string().min(1).default('0 * * * * *'),
  /** Hours before the current one the timer re-checks for late data (re-curated only when their inputs changed). */
  CURATION_LOOKBACK_HOURS: z.coerce.number().int().min(1).max(72).default(6),
  /** Grid electricity emission factor, kg CO2e/kWh (IEA world average 2022 ≈ 0.46; set the plant's supplier factor). */
  GRID_CO2_KG_PER_KWH: z.coerce.number().min(0).max(2).default(0.46),
  /** CO2 from prebake anode consumption, t CO2/t Al (IPCC 2006 Vol. 3 ch. 4.4 Tier 1 prebake: 1.6; PHYSICS.md). */
  ANODE_CO2_T_PER_T_AL: z.coerce.number().min(0).max(5).default(1.6),
  /** PFC slope method CF4 slope, (kg CF4/t Al)/(AE-min/cell-day) (EU 2023/1773, point-feed prebake: 0.104). */
  PFC_SEF_CF4: z.coerce.number().min(0).max(2).default(0.104),
  /** C2F6/CF4 weight fraction F_C2F6 (EU 2023/1773, point-feed prebake: 0.057). */
  PFC_F_C2F6: z.coerce.number().min(0).max(1).default(0.057),
  /** GWP100 of CF4 (IPCC AR5: 6630). */
  GWP_CF4: z.coerce.number().min(0).default(6630),
  /** GWP100 of C2F6 (IPCC AR5: 11100). */
  GWP_C2F6: z.coerce.number().min(0).default(11100),
  /** When scheduled optimisation runs start (NCRONTAB, six fields, UTC): default five past every hour. */
  OPTIMIZATION_SCHEDULE: z.string().min(1).default('0 5 * * * *'),
  /**
   * Lines the schedule optimises, comma-separated (`L1,L2`). Empty: every line with a cell-state document written in
   * the last hour (the lines sending telemetry now).
   */
  OPTIMIZATION_LINES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_]{0,31}$/, 'each line id must be 1–32 letters, digits or "_", e.g. L1'),
      ),
    ),
  /** Mode of scheduled runs: `advisory` waits for an engineer's approval, `closed-loop` recommends at once. */
  OPTIMIZATION_MODE: z.enum(['advisory', 'closed-loop']).default('advisory'),
  /** How long an advisory run waits for approval before it ends with no change, min. */
  OPTIMIZATION_APPROVAL_TIMEOUT_MIN: z.coerce.number().int().min(1).max(10_080).default(30),
});
export type Settings = z.infer<typeof Settings>;

export class SettingsError extends DomainError {
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

/** Parses the given environment into typed settings, or throws a SettingsError naming the first bad setting. */
export function parseSettings(env: Record<string, string | undefined>): Settings {
  const result = Settings.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new SettingsError(String(issue.path[0] ?? '(unknown)'), issue.message);
  }
  const s = result.data;
  if (!s.LakeConnection && !s.LakeConnection__blobServiceUri) {
    throw new SettingsError(
      'LakeConnection',
      'set LakeConnection (connection string) or LakeConnection__blobServiceUri (managed identity)',
    );
  }
  if (s.COSMOS_KEY && s.COSMOS_ENDPOINT && !isLoopback(s.COSMOS_ENDPOINT)) {
    throw new SettingsError(
      'COSMOS_KEY',
      'keys are only for the local Cosmos server; in Azure leave it unset so managed identity is used',
    );
  }
  return s;
}

/** True for endpoints on this machine (the local emulators). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

let cached: Settings | undefined;
/** The process's settings, parsed on first use and kept. */
export function settings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}
/** Forget the cached settings (the devhost sets the environment before the app loads; tests change it). */
export function resetSettingsCache(): void {
  cached = undefined;
}
