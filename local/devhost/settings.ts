import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { timeSpanMs } from './timespan.js';
import { refuseUnserved, type UnservedItem } from './unserved.js';

/** Defaults of the Functions host when host.json leaves a value out (learn.microsoft.com, "host.json reference for Azure Functions 2.x and later"). */
const DEFAULT_ROUTE_PREFIX = 'api';
/**
 * `functionTimeout` when host.json leaves it out: 30 minutes on the Premium and Dedicated plans the app runs on
 * (same page, functionTimeout; the Consumption plan's is 5 minutes).
 */
const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60_000;
/** Event Hubs extension 5.x defaults ("Azure Event Hubs trigger and bindings for Azure Functions", host.json settings). */
const DEFAULT_MAX_EVENT_BATCH_SIZE = 100;
const DEFAULT_MIN_EVENT_BATCH_SIZE = 1;
const DEFAULT_MAX_WAIT_TIME_MS = 60_000;
/** The longest `maxWaitTime` the extension takes: 10 minutes (same page). */
const MAX_MAX_WAIT_TIME_MS = 10 * 60_000;
const DEFAULT_BATCH_CHECKPOINT_FREQUENCY = 1;
/**
 * Service Bus extension 5.x defaults ("Azure Service Bus bindings for Azure Functions", host.json settings):
 * `maxConcurrentCalls` 16 × the processors of the instance, `maxAutoLockRenewalDuration` 5 minutes.
 */
export const SERVICE_BUS_CALLS_PER_PROCESSOR = 16;
const DEFAULT_MAX_AUTO_LOCK_RENEWAL_MS = 5 * 60_000;
/**
 * Durable Functions: whether a start with the id of an existing instance replaces it. The extension bundle's 2.x
 * extension replaces an instance in any state unless host.json says `NonRunningStates` (DurableTaskOptions,
 * OverridableExistingInstanceStates); later extension versions changed the default, so an app that depends on it
 * sets it explicitly.
 */
export const OverridableStates = z.enum(['AnyState', 'NonRunningStates']);
export type OverridableStates = z.infer<typeof OverridableStates>;
const DEFAULT_OVERRIDABLE_STATES: OverridableStates = 'AnyState';

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

const TimeSpan = z
  .string()
  .refine((v) => timeSpanMs(v) !== undefined, 'must be a TimeSpan "hh:mm:ss" (or "d.hh:mm:ss")');

const HostJson = z.looseObject({
  version: z.literal('2.0', { error: 'must be "2.0" (the Functions 2.x+ schema)' }).optional(),
  functionTimeout: z.union([z.literal('-1'), TimeSpan]).optional(),
  extensions: z
    .looseObject({
      http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
      eventHubs: z
        .looseObject({
          maxEventBatchSize: z.number().int().min(1).optional(),
          minEventBatchSize: z.number().int().min(1).optional(),
          maxWaitTime: TimeSpan.optional(),
          batchCheckpointFrequency: z.number().int().min(1).optional(),
          prefetchCount: z.number().int().min(0).optional(),
          initialOffsetOptions: z
            .looseObject({
              type: z.enum(['fromStart', 'fromEnd', 'fromEnqueuedTime'], {
                error: 'must be fromStart, fromEnd or fromEnqueuedTime',
              }),
              enqueuedTimeUtc: z.string().optional(),
            })
            .optional(),
        })
        .optional(),
      serviceBus: z
        .looseObject({
          maxConcurrentCalls: z.number().int().min(1).optional(),
          // Node.js functions cannot settle messages themselves, so only the host's auto-completion is served.
          autoCompleteMessages: z
            .literal(true, { error: 'must be true (the devhost completes messages for Node.js functions)' })
            .optional(),
          maxAutoLockRenewalDuration: TimeSpan.optional(),
          // A prefetched message is locked while it waits in the buffer; the devhost takes one at a time.
          prefetchCount: z
            .literal(0, {
              error:
                'must be 0: the devhost does not prefetch (a prefetched message is locked while it waits, which it does not imitate)',
            })
            .optional(),
        })
        .optional(),
      durableTask: z
        .looseObject({
          hubName: z.string().min(1).optional(),
          // The .NET options binder also takes the enum's numbers (0 = AnyState, 1 = NonRunningStates).
          overridableExistingInstanceStates: z
            .union([
              OverridableStates,
              z.literal(0).transform(() => 'AnyState' as const),
              z.literal(1).transform(() => 'NonRunningStates' as const),
            ])
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

/**
 * What host.json may hold, by path: `served` is honoured as Azure honours it, `noEffect` is accepted because it
 * changes nothing a single local process can show (it is listed at start-up and in the README), anything else is
 * refused at start-up.
 */
const SECTIONS: Record<string, { served: string[]; noEffect: Record<string, string> }> = {
  '': {
    served: ['version', 'functionTimeout', 'extensions'],
    noEffect: {
      $schema: 'editor schema',
      logging: 'the devhost logs through its own --log-level',
      extensionBundle: 'bindings come from the devhost, not from a bundle',
      telemetryMode:
        'the devhost makes no host spans; the app exports its own OpenTelemetry (OTEL_EXPORTER_OTLP_ENDPOINT, npm start -- --otlp)',
    },
  },
  extensions: { served: ['http', 'eventHubs', 'serviceBus', 'durableTask'], noEffect: {} },
  'extensions.http': { served: ['routePrefix'], noEffect: {} },
  'extensions.eventHubs': {
    served: [
      'maxEventBatchSize',
      'minEventBatchSize',
      'maxWaitTime',
      'batchCheckpointFrequency',
      'initialOffsetOptions',
    ],
    noEffect: {
      prefetchCount: 'events are read from the local partition log, not fetched over the network',
      clientRetryOptions: 'no network between the devhost and its hub',
    },
  },
  'extensions.eventHubs.initialOffsetOptions': { served: ['type', 'enqueuedTimeUtc'], noEffect: {} },
  'extensions.serviceBus': {
    served: ['maxConcurrentCalls', 'autoCompleteMessages', 'maxAutoLockRenewalDuration', 'prefetchCount'],
    noEffect: { clientRetryOptions: 'no network between the devhost and its namespace' },
  },
  'extensions.durableTask': {
    served: ['hubName', 'overridableExistingInstanceStates'],
    noEffect: {
      storageProvider: 'the devhost keeps history in files under <dataDir>/durable, not in Azure Storage',
      tracing: 'the devhost makes no orchestration spans; a run carries its trace to its activities in its input',
    },
  },
};

/** Hints for settings that belong to older extension versions, whose names Azure's current extensions no longer read. */
const RENAMED: Record<string, string> = {
  'extensions.eventHubs.eventProcessorOptions':
    'Event Hubs extension 5.x reads maxEventBatchSize and prefetchCount directly under extensions.eventHubs',
  'extensions.eventHubs.maxBatchSize': 'Event Hubs extension 5.x calls it maxEventBatchSize',
  'extensions.serviceBus.messageHandlerOptions':
    'Service Bus extension 5.x reads maxConcurrentCalls and maxAutoLockRenewalDuration directly under extensions.serviceBus',
};

export type InitialOffset =
  { type: 'fromStart' } | { type: 'fromEnd' } | { type: 'fromEnqueuedTime'; enqueuedTimeMs: number };

/** The host.json values the devhost honours. */
export interface HostConfig {
  /** Leading path of every HTTP route, without slashes ('' when host.json sets it empty). */
  routePrefix: string;
  /** Longest an invocation may run before the host fails it, ms; undefined for `-1` (unbounded). */
  functionTimeoutMs: number | undefined;
  eventHubs: {
    maxEventBatchSize: number;
    minEventBatchSize: number;
    maxWaitTimeMs: number;
    batchCheckpointFrequency: number;
    initialOffset: InitialOffset;
  };
  serviceBus: { maxConcurrentCalls: number; maxAutoLockRenewalDurationMs: number };
  durableTask: { hubName: string | undefined; overridableExistingInstanceStates: OverridableStates };
  /** Settings accepted without a local effect, with the reason (printed at start-up). */
  acceptedWithoutEffect: { path: string; reason: string }[];
}

/**
 * Reads host.json from the app directory (absent file → host defaults). Throws DevhostConfigError naming a field
 * with a bad value, and UnservedError listing every setting the devhost does not serve.
 */
export function loadHostConfig(appDir: string, processors = os.availableParallelism()): HostConfig {
  const file = path.join(appDir, 'host.json');
  const raw = existsSync(file) ? parseJsonFile(file) : {};
  const parsed = HostJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DevhostConfigError(file, issue?.path.join('.') ?? '(root)', issue?.message ?? 'is invalid');
  }
  const acceptedWithoutEffect: HostConfig['acceptedWithoutEffect'] = [];
  refuseUnserved(unservedSettings(raw, acceptedWithoutEffect));
  const ext = parsed.data.extensions;
  const eh = ext?.eventHubs;
  const maxEventBatchSize = eh?.maxEventBatchSize ?? DEFAULT_MAX_EVENT_BATCH_SIZE;
  const minEventBatchSize = eh?.minEventBatchSize ?? DEFAULT_MIN_EVENT_BATCH_SIZE;
  if (minEventBatchSize > maxEventBatchSize)
    throw new DevhostConfigError(
      file,
      'extensions.eventHubs.minEventBatchSize',
      `(${minEventBatchSize}) must not exceed maxEventBatchSize (${maxEventBatchSize})`,
    );
  const maxWaitTimeMs = eh?.maxWaitTime ? timeSpanMs(eh.maxWaitTime)! : DEFAULT_MAX_WAIT_TIME_MS;
  if (maxWaitTimeMs > MAX_MAX_WAIT_TIME_MS)
    throw new DevhostConfigError(
      file,
      'extensions.eventHubs.maxWaitTime',
      "must be at most 00:10:00 (the Event Hubs extension's limit)",
    );
  const timeout = parsed.data.functionTimeout;
  return {
    routePrefix: (ext?.http?.routePrefix ?? DEFAULT_ROUTE_PREFIX).replace(/^\/+|\/+$/g, ''),
    functionTimeoutMs: timeout === '-1' ? undefined : timeout ? timeSpanMs(timeout) : DEFAULT_FUNCTION_TIMEOUT_MS,
    eventHubs: {
      maxEventBatchSize,
      minEventBatchSize,
      maxWaitTimeMs,
      batchCheckpointFrequency: eh?.batchCheckpointFrequency ?? DEFAULT_BATCH_CHECKPOINT_FREQUENCY,
      initialOffset: initialOffsetOf(file, eh?.initialOffsetOptions),
    },
    serviceBus: {
      maxConcurrentCalls: ext?.serviceBus?.maxConcurrentCalls ?? SERVICE_BUS_CALLS_PER_PROCESSOR * processors,
      maxAutoLockRenewalDurationMs: ext?.serviceBus?.maxAutoLockRenewalDuration
        ? timeSpanMs(ext.serviceBus.maxAutoLockRenewalDuration)!
        : DEFAULT_MAX_AUTO_LOCK_RENEWAL_MS,
    },
    durableTask: {
      hubName: ext?.durableTask?.hubName,
      overridableExistingInstanceStates:
        ext?.durableTask?.overridableExistingInstanceStates ?? DEFAULT_OVERRIDABLE_STATES,
    },
    acceptedWithoutEffect,
  };
}

function initialOffsetOf(
  file: string,
  o: { type: InitialOffset['type']; enqueuedTimeUtc?: string } | undefined,
): InitialOffset {
  if (!o || o.type === 'fromStart') return { type: 'fromStart' };
  if (o.type === 'fromEnd') return { type: 'fromEnd' };
  // Azure reads a time without a zone in the machine's zone, which is UTC on Azure: the devhost reads it as UTC.
  const text = o.enqueuedTimeUtc ?? '';
  const enqueuedTimeMs = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`);
  if (!text || Number.isNaN(enqueuedTimeMs))
    throw new DevhostConfigError(
      file,
      'extensions.eventHubs.initialOffsetOptions.enqueuedTimeUtc',
      'is required with type fromEnqueuedTime and must be a time such as 2030-01-01T06:00:00Z',
    );
  return { type: 'fromEnqueuedTime', enqueuedTimeMs };
}

/** Every host.json key the devhost neither serves nor can accept without effect; fills `accepted` with the latter. */
function unservedSettings(raw: unknown, accepted: HostConfig['acceptedWithoutEffect']): UnservedItem[] {
  const items: UnservedItem[] = [];
  const visit = (value: unknown, at: string) => {
    const section = SECTIONS[at];
    if (!section || value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      const child = at ? `${at}.${key}` : key;
      if (section.served.includes(key)) visit((value as Record<string, unknown>)[key], child);
      else if (key in section.noEffect) accepted.push({ path: child, reason: section.noEffect[key]! });
      else {
        items.push({
          where: `host.json ${child}`,
          why:
            RENAMED[child] ??
            `is not served by the devhost (served here: ${[...section.served, ...Object.keys(section.noEffect)].join(', ') || 'nothing'})`,
          todo: RENAMED[child]
            ? 'Rename it.'
            : 'Remove it, or serve it in local/devhost and add it to the README table.',
        });
      }
    }
  };
  visit(raw, '');
  return items;
}

/** The `Host` section of local.settings.json that Core Tools reads (its port is the devhost's --port). */
const LocalHostSection = z.looseObject({
  CORS: z.string().optional(),
  CORSCredentials: z.boolean().optional(),
});
export type LocalHostSettings = z.infer<typeof LocalHostSection>;

const LocalSettingsJson = z.looseObject({
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  Host: LocalHostSection.optional(),
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

/** The `Host` section of local.settings.json (CORS origins and credentials), {} when the file or section is absent. */
export function loadLocalHostSettings(appDir: string): LocalHostSettings {
  const file = path.join(appDir, 'local.settings.json');
  if (!existsSync(file)) return {};
  const parsed = LocalSettingsJson.safeParse(parseJsonFile(file));
  if (!parsed.success) return {};
  return parsed.data.Host ?? {};
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
