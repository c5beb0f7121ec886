import { isDeepStrictEqual } from 'node:util';
import { BicepScope, bicepparamAssignments, isOpaque, type BicepValue } from './bicep-values.js';
import type { BindingSource, InfraOptionKey } from './function-bindings.js';

/**
 * The config contract between the code and bicep/: a pure check from the inputs (texts and plain objects) to a
 * list of findings, each naming the broken link. An empty list means code and infrastructure agree.
 */

/** One app setting the code reads (from the zod shape of `Settings` or of a module's own settings schema). */
export interface SettingUse {
  name: string;
  /** False when the schema accepts the setting's absence (optional or defaulted). */
  required: boolean;
  /** True when the schema supplies a default for an absent value. */
  hasDefault: boolean;
}

/** A binding whose option references were resolved to strings (or left unresolved, naming the reference). */
export interface ResolvedBinding extends Omit<BindingSource, 'options'> {
  file: string;
  options: Partial<Record<InfraOptionKey, { value: string } | { unresolved: string }>>;
}

export interface ProvisionedSubscriptionDef {
  name: string;
  sqlFilter: string;
  maxDeliveryCount: number;
  lockDuration: string;
  defaultMessageTimeToLive: string;
  deadLetteringOnMessageExpiration: boolean;
  deadLetteringOnFilterEvaluationExceptions: boolean;
}

export interface ContractInputs {
  /** The app's settings schema (`Settings` in shared/config/settings.ts). */
  settings: SettingUse[];
  /**
   * Settings read by modules' own parsers (`export const <Name>Settings = z.object(...)` under shared/, e.g.
   * ScadaSettings, AlertSettings, ConfidentialLedgerSettings). Bicep must set their required fields, and they count as
   * read; local.settings.example.json is not checked for them (a module may be off locally, like Confidential Ledger).
   */
  moduleSettings: (SettingUse & { schema: string })[];
  /** Files under bicep/, by path relative to bicep/ (main.bicep, env/dev.bicepparam, shared-generated/*.json, …). */
  bicepFiles: Record<string, string>;
  hostJson: unknown;
  localSettings: unknown;
  bindings: ResolvedBinding[];
  /** The code's definitions, as infrastructure must provision them. */
  messaging: { topic: string; subscriptions: ProvisionedSubscriptionDef[] };
  lakeContainers: readonly string[];
  cosmosContainers: readonly { name: string; partitionKey: string }[];
}

export type FindingCode =
  | 'BICEP_CONTRACT_MISSING'
  | 'SETTING_NOT_SET'
  | 'CONNECTION_NOT_SET'
  | 'BINDING_SETTING_NOT_SET'
  | 'BINDING_UNRESOLVED'
  | 'HUB_NOT_PROVISIONED'
  | 'CONSUMER_GROUP_NOT_PROVISIONED'
  | 'TOPIC_NOT_PROVISIONED'
  | 'SUBSCRIPTION_NOT_PROVISIONED'
  | 'SUBSCRIPTION_DIFFERS'
  | 'COSMOS_CONTAINER_MISSING'
  | 'LAKE_CONTAINER_MISSING'
  | 'LOCAL_SETTING_MISSING'
  | 'ROUTE_PREFIX_MISMATCH'
  | 'SETTING_UNUSED'
  | 'STAGING_TRIGGER_ENABLED';

export interface Finding {
  code: FindingCode;
  /** The setting, connection, hub, container … that breaks the link. */
  subject: string;
  message: string;
}

/** Suffixes that make `<Conn>__<suffix>` an identity-based form of connection `<Conn>` (Functions docs, "identity-based connections"). */
export const IDENTITY_CONNECTION_SUFFIXES = [
  'fullyQualifiedNamespace',
  'accountName',
  'blobServiceUri',
  'queueServiceUri',
  'tableServiceUri',
  'serviceUri',
  'accountEndpoint',
  'endpoint',
] as const;

const MAIN = 'main.bicep';
/** The contract's names in main.bicep (documented in docs/deploy.md). */
const VAR_APP_SETTINGS = 'appSettings';
const VAR_EVENT_HUBS = 'eventHubs';
const VAR_MESSAGING = 'messaging';
const VAR_STORAGE = 'storageContract';
const PARAM_STAGING_DISABLED = 'stagingDisabledFunctions';
/**
 * Settings the platform reads, not the code: the Functions host and App Service (FUNCTIONS_*, WEBSITE_*, WEBSITES_*,
 * AzureFunctionsJobHost__*, AzureFunctionsWebHost__*), Application Insights, and DefaultAzureCredential's
 * AZURE_CLIENT_ID / AZURE_TENANT_ID.
 */
const PLATFORM_SETTING =
  /^(FUNCTIONS_|WEBSITE_|WEBSITES_|SCM_|APPLICATIONINSIGHTS_|AzureFunctionsJobHost__|AzureFunctionsWebHost__)|^AZURE_(CLIENT_ID|TENANT_ID|FUNCTIONS_ENVIRONMENT)$/;
/** Registrations that never take events from outside the app's own slot (durable ones run on the slot's task hub). */
const SLOT_LOCAL_KINDS = new Set(['http', 'orchestration', 'activity', 'entity']);
const HEALTH_CHECK_PARAM = /healthCheckPath:\s*'([^']*)'/;

type Obj = { [key: string]: BicepValue };
const isObj = (v: BicepValue | undefined): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isOpaque(v);

/** Checks every link between code and infrastructure for main.bicep's defaults and for each env/*.bicepparam. */
export function checkConfigContract(inputs: ContractInputs): Finding[] {
  const main = inputs.bicepFiles[MAIN];
  if (main === undefined) return [finding('BICEP_CONTRACT_MISSING', MAIN, 'bicep/main.bicep is missing')];
  const readFile = (rel: string): string | undefined => inputs.bicepFiles[rel.replace(/^\.\//, '')];
  const envs = Object.keys(inputs.bicepFiles).filter((p) => /^env\/[^/]+\.bicepparam$/.test(p));
  const scopes: [string, BicepScope][] = envs.length
    ? envs.map((p) => [p, new BicepScope(main, readFile, bicepparamAssignments(inputs.bicepFiles[p]!))])
    : [[MAIN, new BicepScope(main, readFile)]];
  // The same broken link in several environments is one finding naming them all.
  const grouped = new Map<string, { finding: Finding; where: string[] }>();
  for (const [where, scope] of scopes) {
    for (const f of checkScope(inputs, scope)) {
      const key = `${f.code}|${f.subject}|${f.message}`;
      const entry = grouped.get(key) ?? { finding: f, where: [] };
      entry.where.push(where);
      grouped.set(key, entry);
    }
  }
  const findings = [...grouped.values()].map(({ finding: f, where }) => ({
    ...f,
    message: `${f.message} (${where.join(', ')})`,
  }));
  const local = new Map(checkLocalSettings(inputs).map((f) => [`${f.code}|${f.subject}`, f]));
  return [...findings, ...local.values()];
}

function checkScope(inputs: ContractInputs, scope: BicepScope): Finding[] {
  const out: Finding[] = [];
  const settingsValue = scope.hasVar(VAR_APP_SETTINGS) ? scope.value(VAR_APP_SETTINGS) : undefined;
  if (!isObj(settingsValue)) {
    return [
      finding(
        'BICEP_CONTRACT_MISSING',
        VAR_APP_SETTINGS,
        `main.bicep must declare \`var ${VAR_APP_SETTINGS} = { NAME: value … }\` (an object literal) holding the Function App's settings`,
      ),
    ];
  }
  const appSettings = settingsValue;
  const isSet = (name: string): boolean => Object.hasOwn(appSettings, name);

  // Settings the code cannot run without.
  for (const s of [...inputs.settings, ...inputs.moduleSettings]) {
    if (s.name.includes('__')) continue;
    if (s.required && !isSet(s.name) && !connectionSatisfied(appSettings, s.name)) {
      const where = 'schema' in s ? ` (${String(s.schema)})` : '';
      out.push(
        finding(
          'SETTING_NOT_SET',
          s.name,
          `the code requires app setting ${s.name}${where} (no default), but main.bicep's ${VAR_APP_SETTINGS} does not set it`,
        ),
      );
    }
  }
  // Connections: every `<Conn>__x` the schema names, every binding's connection, and the host's storage.
  const connections = new Set<string>(['AzureWebJobsStorage']);
  for (const s of inputs.settings) if (s.name.includes('__')) connections.add(s.name.split('__')[0]!);
  for (const b of inputs.bindings) {
    const c = b.options.connection ?? b.options.connectionStringSetting;
    if (c && 'value' in c) connections.add(c.value);
  }
  for (const c of hostJsonConnections(inputs.hostJson)) connections.add(c);
  for (const c of connections) {
    if (!connectionSatisfied(appSettings, c)) {
      out.push(
        finding(
          'CONNECTION_NOT_SET',
          c,
          `connection ${c} is used by the code but main.bicep sets neither ${c} nor an identity-based ${c}__{${IDENTITY_CONNECTION_SUFFIXES.join('|')}}`,
        ),
      );
    }
  }

  // %SETTING% expressions in bindings and host.json resolve from app settings at run time, never from zod defaults.
  const resolve = (raw: string, subject: string): string | undefined => {
    let unresolvable = false;
    const resolved = raw.replace(/%([^%]+)%/g, (_m, name: string) => {
      if (!isSet(name)) {
        out.push(
          finding(
            'BINDING_SETTING_NOT_SET',
            name,
            `${subject} refers to %${name}%, but main.bicep's ${VAR_APP_SETTINGS} does not set ${name}`,
          ),
        );
        unresolvable = true;
        return '';
      }
      const v = appSettings[name];
      if (typeof v !== 'string') {
        unresolvable = true;
        return '';
      }
      return v;
    });
    return unresolvable ? undefined : resolved;
  };
  for (const name of hostJsonSettingRefs(inputs.hostJson)) resolve(`%${name}%`, 'host.json');
  // %SETTING% in options the infrastructure checks below do not read (a timer's schedule, a route, …).
  for (const b of inputs.bindings) {
    const checked = new Set(
      Object.values(b.options).flatMap((o) =>
        o && 'value' in o ? [...o.value.matchAll(/%([^%]+)%/g)].map((m) => m[1]!) : [],
      ),
    );
    for (const name of b.settingRefs) {
      if (!checked.has(name))
        resolve(`%${name}%`, `${b.file}: ${b.role} ${b.kind}${b.functionName ? ` "${b.functionName}"` : ''}`);
    }
  }

  const hubs = provisionedHubs(scope, out);
  const messaging = loadedJson(scope, VAR_MESSAGING, out);
  const storage = loadedJson(scope, VAR_STORAGE, out);
  const topic = isObj(messaging) && typeof messaging.topic === 'string' ? messaging.topic : undefined;
  const subs = isObj(messaging) && Array.isArray(messaging.subscriptions) ? messaging.subscriptions.filter(isObj) : [];

  for (const b of inputs.bindings) {
    const label = `${b.file}: ${b.role} ${b.kind}${b.functionName ? ` "${b.functionName}"` : ''}`;
    const opt = (key: InfraOptionKey): string | undefined => {
      const o = b.options[key];
      if (!o) return undefined;
      if ('unresolved' in o) {
        out.push(
          finding(
            'BINDING_UNRESOLVED',
            `${b.file}#${key}`,
            `${label} sets ${key} to ${o.unresolved}, which the contract check cannot resolve: use a string literal, a %SETTING% expression or an exported string constant`,
          ),
        );
        return undefined;
      }
      return resolve(o.value, `${label} ${key}`);
    };
    const hubName = opt('eventHubName');
    const consumerGroup = opt('consumerGroup');
    if (hubName !== undefined) {
      const hub = hubs.find((h) => h.name === hubName);
      if (!hub)
        out.push(
          finding(
            'HUB_NOT_PROVISIONED',
            hubName,
            `${label} uses event hub "${hubName}", which main.bicep's ${VAR_EVENT_HUBS} does not create`,
          ),
        );
      else if (
        consumerGroup !== undefined &&
        consumerGroup !== '$Default' &&
        !hub.consumerGroups.includes(consumerGroup)
      ) {
        out.push(
          finding(
            'CONSUMER_GROUP_NOT_PROVISIONED',
            `${hubName}/${consumerGroup}`,
            `${label} reads consumer group "${consumerGroup}" of hub "${hubName}", which main.bicep does not create`,
          ),
        );
      }
    }
    const topicName = opt('topicName');
    if (topicName !== undefined && topicName !== topic) {
      out.push(
        finding(
          'TOPIC_NOT_PROVISIONED',
          topicName,
          `${label} uses Service Bus topic "${topicName}", but Bicep provisions ${topic === undefined ? 'no topic' : `"${topic}"`}`,
        ),
      );
    }
    const subName = opt('subscriptionName');
    if (subName !== undefined && !subs.some((s) => s.name === subName)) {
      out.push(
        finding(
          'SUBSCRIPTION_NOT_PROVISIONED',
          subName,
          `${label} receives from subscription "${subName}", which Bicep does not provision`,
        ),
      );
    }
    const path = opt('path');
    const containerName = opt('containerName');
    const conn = b.options.connection && 'value' in b.options.connection ? b.options.connection.value : undefined;
    if (path !== undefined && conn !== 'AzureWebJobsStorage') {
      const container = path.split('/')[0] ?? '';
      if (!lakeNames(storage).includes(container))
        out.push(
          finding(
            'LAKE_CONTAINER_MISSING',
            container,
            `${label} uses blob path "${path}" in container "${container}", which Bicep does not provision in the lake`,
          ),
        );
    }
    if (containerName !== undefined && !cosmosDefs(storage).some((c) => c.name === containerName)) {
      out.push(
        finding(
          'COSMOS_CONTAINER_MISSING',
          containerName,
          `${label} uses Cosmos container "${containerName}", which Bicep does not provision`,
        ),
      );
    }
  }

  // The code's declared storage and messaging, against what Bicep loads.
  for (const name of storage === undefined ? [] : inputs.lakeContainers) {
    if (!lakeNames(storage).includes(name))
      out.push(
        finding(
          'LAKE_CONTAINER_MISSING',
          name,
          `the code uses lake container "${name}" (shared/azure/containers.ts) but Bicep does not provision it: regenerate bicep/shared-generated`,
        ),
      );
  }
  for (const c of storage === undefined ? [] : inputs.cosmosContainers) {
    const found = cosmosDefs(storage).find((d) => d.name === c.name);
    if (!found)
      out.push(
        finding(
          'COSMOS_CONTAINER_MISSING',
          c.name,
          `the code uses Cosmos container "${c.name}" but Bicep does not provision it: regenerate bicep/shared-generated`,
        ),
      );
    else if (found.partitionKey !== c.partitionKey)
      out.push(
        finding(
          'COSMOS_CONTAINER_MISSING',
          c.name,
          `Cosmos container "${c.name}" is partitioned by ${c.partitionKey} in the code but ${found.partitionKey} in Bicep`,
        ),
      );
  }
  if (messaging !== undefined && topic !== inputs.messaging.topic) {
    out.push(
      finding(
        'TOPIC_NOT_PROVISIONED',
        inputs.messaging.topic,
        `the code publishes to topic "${inputs.messaging.topic}" but Bicep provisions ${topic === undefined ? 'none' : `"${topic}"`}`,
      ),
    );
  }
  for (const expected of messaging === undefined ? [] : inputs.messaging.subscriptions) {
    const actual = subs.find((s) => s.name === expected.name);
    if (!actual) {
      out.push(
        finding(
          'SUBSCRIPTION_NOT_PROVISIONED',
          expected.name,
          `the code defines subscription "${expected.name}" but Bicep does not provision it: regenerate bicep/shared-generated`,
        ),
      );
      continue;
    }
    for (const [field, value] of Object.entries(expected)) {
      if (!isDeepStrictEqual(actual[field], value)) {
        out.push(
          finding(
            'SUBSCRIPTION_DIFFERS',
            `${expected.name}.${field}`,
            `subscription "${expected.name}" ${field} is ${JSON.stringify(value)} in the code but ${JSON.stringify(actual[field] ?? null)} in Bicep: regenerate bicep/shared-generated`,
          ),
        );
      }
    }
  }
  for (const s of subs) {
    if (!inputs.messaging.subscriptions.some((e) => e.name === s.name)) {
      out.push(
        finding(
          'SUBSCRIPTION_DIFFERS',
          String(s.name),
          `Bicep provisions subscription "${String(s.name)}", which the code does not define`,
        ),
      );
    }
  }

  // The health check App Service pings must sit under host.json's routePrefix.
  const prefix = routePrefixOf(inputs.hostJson);
  const health = HEALTH_CHECK_PARAM.exec(inputs.bicepFiles[MAIN] ?? '')?.[1];
  if (health !== undefined && !health.startsWith(`/${prefix}/`)) {
    out.push(
      finding(
        'ROUTE_PREFIX_MISMATCH',
        'healthCheckPath',
        `main.bicep's healthCheckPath ${health} is not under host.json routePrefix "/${prefix}"`,
      ),
    );
  }

  // Every setting main.bicep sets must be one something reads: a name the code does not know is a misspelt or
  // renamed setting, and the code then runs on its default (or, for an optional module, silently without it).
  const read = settingsReadByCode(inputs, connections);
  for (const name of Object.keys(appSettings)) {
    if (read.has(name) || PLATFORM_SETTING.test(name) || connectionOf(name, connections)) continue;
    const like = [...read].filter(
      (r) => r.endsWith(`_${name}`) || name.endsWith(`_${r}`) || r.replace(/_/g, '') === name.replace(/_/g, ''),
    );
    out.push(
      finding(
        'SETTING_UNUSED',
        name,
        `main.bicep's ${VAR_APP_SETTINGS} sets ${name}, which no settings schema, binding, host.json or connection reads${like.length ? ` (the code reads ${like.join(', ')})` : ''}: rename or remove it`,
      ),
    );
  }

  // The staging slot shares the production event sources: a non-HTTP trigger left on there takes production events.
  const disabledValue = scope.value(PARAM_STAGING_DISABLED);
  if (!Array.isArray(disabledValue)) {
    out.push(
      finding(
        'BICEP_CONTRACT_MISSING',
        PARAM_STAGING_DISABLED,
        `main.bicep must declare \`param ${PARAM_STAGING_DISABLED} array = [ … ]\` listing the functions whose triggers stay off in the staging slot`,
      ),
    );
  } else {
    const disabled = new Set(disabledValue.filter((v): v is string => typeof v === 'string'));
    for (const fn of nonHttpTriggerFunctions(inputs.bindings)) {
      if (!disabled.has(fn.name)) {
        out.push(
          finding(
            'STAGING_TRIGGER_ENABLED',
            fn.name,
            `${fn.file} registers "${fn.name}" on a ${fn.kind} trigger, but main.bicep's ${PARAM_STAGING_DISABLED} does not list it: the staging slot would take production events`,
          ),
        );
      }
    }
  }
  return out;
}

/** Every app setting name the code or the host reads: schemas, %SETTING% references, connections are separate. */
function settingsReadByCode(inputs: ContractInputs, connections: Set<string>): Set<string> {
  const read = new Set<string>([...inputs.settings, ...inputs.moduleSettings].map((s) => s.name));
  for (const c of connections) read.add(c);
  for (const name of hostJsonSettingRefs(inputs.hostJson)) read.add(name);
  for (const b of inputs.bindings) {
    for (const name of b.settingRefs) read.add(name);
    for (const o of Object.values(b.options))
      if (o && 'value' in o) for (const m of o.value.matchAll(/%([^%]+)%/g)) read.add(m[1]!);
  }
  return read;
}

/** True when `name` is `<Conn>__<anything>` for a connection the code uses (identity-based forms and their options). */
function connectionOf(name: string, connections: Set<string>): boolean {
  const i = name.indexOf('__');
  return i > 0 && connections.has(name.slice(0, i));
}

/** Functions registered with a trigger that takes events from outside the slot (not HTTP, not durable). */
function nonHttpTriggerFunctions(bindings: ResolvedBinding[]): { name: string; kind: string; file: string }[] {
  const out: { name: string; kind: string; file: string }[] = [];
  for (const b of bindings) {
    if (b.role !== 'trigger' || b.functionName === undefined || SLOT_LOCAL_KINDS.has(b.kind)) continue;
    let kind = b.kind;
    if (kind === 'generic') {
      // app.generic takes its trigger from a trigger.<kind>(...) call in the same file.
      const triggers = bindings
        .filter((t) => t.file === b.file && t.functionName === undefined && t.role === 'trigger')
        .map((t) => t.kind);
      if (triggers.length > 0 && triggers.every((k) => SLOT_LOCAL_KINDS.has(k))) continue;
      kind = triggers.find((k) => !SLOT_LOCAL_KINDS.has(k)) ?? 'generic';
    }
    out.push({ name: b.functionName, kind, file: b.file });
  }
  return out;
}

/** local.settings.example.json must list every setting a developer has to see: required, defaulted, connections and %SETTING% references. */
function checkLocalSettings(inputs: ContractInputs): Finding[] {
  const values =
    isRecord(inputs.localSettings) && isRecord(inputs.localSettings.Values) ? inputs.localSettings.Values : {};
  const has = (name: string): boolean => Object.hasOwn(values, name);
  const out: Finding[] = [];
  const missing = (name: string, why: string): void => {
    out.push(finding('LOCAL_SETTING_MISSING', name, `local.settings.example.json lacks ${name} (${why})`));
  };
  for (const s of inputs.settings) {
    if (s.name.includes('__')) continue;
    if (s.required && !has(s.name)) missing(s.name, 'the code requires it');
    else if (s.hasDefault && !has(s.name)) missing(s.name, 'list it with its local default');
  }
  const connections = new Set<string>(['AzureWebJobsStorage']);
  for (const s of inputs.settings) if (s.name.includes('__')) connections.add(s.name.split('__')[0]!);
  for (const b of inputs.bindings) {
    const c = b.options.connection ?? b.options.connectionStringSetting;
    if (c && 'value' in c) connections.add(c.value);
    for (const o of Object.values(b.options)) {
      if (o && 'value' in o)
        for (const m of o.value.matchAll(/%([^%]+)%/g))
          if (!has(m[1]!)) missing(m[1]!, `a binding in ${b.file} refers to %${m[1]!}%`);
    }
    for (const name of b.settingRefs) if (!has(name)) missing(name, `a binding in ${b.file} refers to %${name}%`);
  }
  for (const name of hostJsonSettingRefs(inputs.hostJson))
    if (!has(name)) missing(name, `host.json refers to %${name}%`);
  for (const c of connections)
    if (!has(c) && !Object.keys(values).some((k) => k.startsWith(`${c}__`))) missing(c, 'a connection the code uses');
  return out;
}

function connectionSatisfied(appSettings: Obj, connection: string): boolean {
  if (Object.hasOwn(appSettings, connection)) return true;
  return IDENTITY_CONNECTION_SUFFIXES.some((suffix) => Object.hasOwn(appSettings, `${connection}__${suffix}`));
}

function provisionedHubs(scope: BicepScope, out: Finding[]): { name: string; consumerGroups: string[] }[] {
  const value = scope.hasVar(VAR_EVENT_HUBS) ? scope.value(VAR_EVENT_HUBS) : undefined;
  if (!Array.isArray(value)) {
    out.push(
      finding(
        'BICEP_CONTRACT_MISSING',
        VAR_EVENT_HUBS,
        `main.bicep must declare \`var ${VAR_EVENT_HUBS} = [{ name, partitionCount, consumerGroups: [...] }]\` with names known before deployment`,
      ),
    );
    return [];
  }
  return value.filter(isObj).flatMap((h) => {
    if (typeof h.name !== 'string') return [];
    const groups = Array.isArray(h.consumerGroups)
      ? h.consumerGroups.filter((g): g is string => typeof g === 'string')
      : [];
    return [{ name: h.name, consumerGroups: groups }];
  });
}

function loadedJson(scope: BicepScope, varName: string, out: Finding[]): BicepValue | undefined {
  const source = scope.varSource(varName);
  if (source === undefined || !/^loadJsonContent\(/.test(source)) {
    out.push(
      finding(
        'BICEP_CONTRACT_MISSING',
        varName,
        `main.bicep must declare \`var ${varName} = loadJsonContent('shared-generated/….json')\` (generated from the code)`,
      ),
    );
    return undefined;
  }
  const value = scope.value(varName);
  if (isOpaque(value)) {
    out.push(
      finding(
        'BICEP_CONTRACT_MISSING',
        varName,
        `${source} does not name a readable JSON file under bicep/: run npx tsx test/contract/generate-bicep-inputs.ts`,
      ),
    );
    return undefined;
  }
  return value;
}

function lakeNames(storage: BicepValue | undefined): string[] {
  return isObj(storage) && Array.isArray(storage.lakeContainers)
    ? storage.lakeContainers.filter((c): c is string => typeof c === 'string')
    : [];
}

function cosmosDefs(storage: BicepValue | undefined): { name: string; partitionKey: string }[] {
  if (!isObj(storage) || !Array.isArray(storage.cosmosContainers)) return [];
  return storage.cosmosContainers
    .filter(isObj)
    .map((c) => ({ name: String(c.name), partitionKey: String(c.partitionKey) }));
}

function routePrefixOf(hostJson: unknown): string {
  const ext = isRecord(hostJson) && isRecord(hostJson.extensions) ? hostJson.extensions : {};
  const http = isRecord(ext.http) ? ext.http : {};
  // The Functions host's default prefix is `api` (learn.microsoft.com, host.json reference).
  return (typeof http.routePrefix === 'string' ? http.routePrefix : 'api').replace(/^\/+|\/+$/g, '');
}

/** Connections host.json names for extensions (e.g. the Durable Task storage provider). */
function hostJsonConnections(hostJson: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isRecord(v)) {
      for (const [k, child] of Object.entries(v)) {
        if (/^connection(Name|StringName)?$/.test(k) && typeof child === 'string' && !child.includes('%'))
          out.push(child);
        else walk(child);
      }
    }
  };
  walk(hostJson);
  return out;
}

/** `%SETTING%` references in host.json string values. */
function hostJsonSettingRefs(hostJson: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(/%([^%]+)%/g)) out.push(m[1]!);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isRecord(v)) Object.values(v).forEach(walk);
  };
  walk(hostJson);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finding(code: FindingCode, subject: string, message: string): Finding {
  return { code, subject, message };
}
