import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Defaults of the Functions host when host.json leaves a value out (learn.microsoft.com, "host.json reference for Azure Functions 2.x and later"). */
const DEFAULT_ROUTE_PREFIX = 'api';
/** Event Hubs extension v5 default `maxEventBatchSize`, events ("Azure Event Hubs bindings for Azure Functions", host.json settings). */
const DEFAULT_MAX_EVENT_BATCH_SIZE = 100;
/** Event Hubs extension default `batchCheckpointFrequency`, batches (same page). */
const DEFAULT_BATCH_CHECKPOINT_FREQUENCY = 1;
/**
 * Service Bus `maxConcurrentCalls` when host.json leaves it out. Azure's default is 16 × processors ("Azure Service Bus
 * bindings for Azure Functions", host.json settings); locally one message at a time per function keeps runs reproducible.
 */
const DEFAULT_SERVICE_BUS_MAX_CONCURRENT_CALLS = 1;

export class DevhostConfigError extends Error {
  readonly code = 'ERR-DEVHOST-CONFIG';
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field} ${detail}. Fix the file or remove the field to use the default.`);
    this.name = 'DevhostConfigError';
  }
}

const HostJson = z.looseObject({
  extensions: z
    .looseObject({
      http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
      eventHubs: z
        .looseObject({
          maxEventBatchSize: z.number().int().min(1).optional(),
          batchCheckpointFrequency: z.number().int().min(1).optional(),
        })
        .optional(),
      serviceBus: z
        .looseObject({
          maxConcurrentCalls: z.number().int().min(1).optional(),
          // Node.js functions cannot settle messages themselves, so only the host's auto-completion is served.
          autoCompleteMessages: z
            .literal(true, { error: 'must be true (the devhost completes messages for Node.js functions)' })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The host.json values the devhost honours. */
export interface HostConfig {
  /** Leading path of every HTTP route, without slashes ('' when host.json sets it empty). */
  routePrefix: string;
  eventHubs: { maxEventBatchSize: number; batchCheckpointFrequency: number };
  serviceBus: { maxConcurrentCalls: number };
}

/** Reads host.json from the app directory (absent file → host defaults); throws DevhostConfigError naming the field. */
export function loadHostConfig(appDir: string): HostConfig {
  const file = path.join(appDir, 'host.json');
  const raw = existsSync(file) ? parseJsonFile(file) : {};
  const parsed = HostJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DevhostConfigError(file, issue?.path.join('.') ?? '(root)', issue?.message ?? 'is invalid');
  }
  const ext = parsed.data.extensions;
  return {
    routePrefix: (ext?.http?.routePrefix ?? DEFAULT_ROUTE_PREFIX).replace(/^\/+|\/+$/g, ''),
    eventHubs: {
      maxEventBatchSize: ext?.eventHubs?.maxEventBatchSize ?? DEFAULT_MAX_EVENT_BATCH_SIZE,
      batchCheckpointFrequency: ext?.eventHubs?.batchCheckpointFrequency ?? DEFAULT_BATCH_CHECKPOINT_FREQUENCY,
    },
    serviceBus: { maxConcurrentCalls: ext?.serviceBus?.maxConcurrentCalls ?? DEFAULT_SERVICE_BUS_MAX_CONCURRENT_CALLS },
  };
}

const LocalSettingsJson = z.looseObject({
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** `Values` of local.settings.json in the app directory as strings ({} when the file is absent), like `func start`. */
export function loadLocalSettings(appDir: string): Record<string, string> {
  const file = path.join(appDir, 'local.settings.json');
  if (!existsSync(file)) return {};
  const parsed = LocalSettingsJson.safeParse(parseJsonFile(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DevhostConfigError(file, issue?.path.join('.') ?? '(root)', issue?.message ?? 'is invalid');
  }
  return Object.fromEntries(Object.entries(parsed.data.Values ?? {}).map(([k, v]) => [k, String(v)]));
}

/**
 * Applies settings to `env` where `env` has no value yet: the environment wins over local.settings.json,
 * as with `func start`. Returns the keys it set.
 */
export function applySettings(env: NodeJS.ProcessEnv, values: Record<string, string>): string[] {
  const set: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (env[key] === undefined) {
      env[key] = value;
      set.push(key);
    }
  }
  return set;
}

/** Resolves `%NAME%` binding expressions against app settings; throws naming the setting when it is missing. */
export function resolveSettingExpression(value: string, env: NodeJS.ProcessEnv, field: string): string {
  return value.replace(/%([^%]+)%/g, (_m, name: string) => {
    const resolved = env[name];
    if (resolved === undefined || resolved === '') {
      throw new DevhostConfigError('app settings', field, `refers to %${name}%, but the setting ${name} is not set`);
    }
    return resolved;
  });
}

function parseJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new DevhostConfigError(file, '(file)', `is not valid JSON (${(err as Error).message})`);
  }
}
