import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { COSMOS_CONTAINERS, LAKE_CONTAINERS } from '../../shared/azure/containers.js';
import { messagingInfrastructure } from '../../shared/messaging/subscriptions.js';
import type { ContractInputs, ResolvedBinding, SettingUse } from './config-contract.js';
import { bindingsInSource, type OptionSource } from './function-bindings.js';

/**
 * Reads the contract's inputs from a checkout: the settings schemas (read live from their zod shapes, so settings
 * added by anyone are checked: `Settings` in shared/config and every module's `export const <Name>Settings =
 * z.object(...)` under shared/), bicep/, host.json, local.settings.example.json and the function registrations
 * (from functions/**\/*.ts source; references to exported constants are resolved by importing their module).
 */
export async function loadContractInputs(repoRoot: string): Promise<ContractInputs> {
  const { Settings } = (await import(pathToFileURL(path.join(repoRoot, 'shared/config/settings.ts')).href)) as {
    Settings: z.ZodObject;
  };
  return {
    settings: settingsOf(Settings),
    moduleSettings: await moduleSettings(repoRoot),
    bicepFiles: readTree(path.join(repoRoot, 'bicep'), /\.(bicep|bicepparam|json)$/),
    hostJson: readJson(path.join(repoRoot, 'host.json')),
    localSettings: readJson(path.join(repoRoot, 'local.settings.example.json')),
    bindings: await functionBindings(repoRoot),
    messaging: messagingInfrastructure(),
    lakeContainers: [...LAKE_CONTAINERS],
    cosmosContainers: COSMOS_CONTAINERS,
  };
}

/** Each key of a zod object shape: required when absence fails to parse; defaulted when absence parses to a value. */
export function settingsOf(schema: z.ZodObject): SettingUse[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const absent = (field as z.ZodType).safeParse(undefined);
    return { name, required: !absent.success, hasDefault: absent.success && absent.data !== undefined };
  });
}

/** A module's own settings schema: `export const <Name>Settings = z.object(` in a source file under shared/. */
const MODULE_SCHEMA = /^export const (\w*Settings)\s*=\s*z\s*\.\s*(?:strictObject|looseObject|object)\(/gm;

/** Settings of every module schema under shared/ except shared/config (that one is `settings`), by schema. */
export async function moduleSettings(repoRoot: string): Promise<ContractInputs['moduleSettings']> {
  const out: ContractInputs['moduleSettings'] = [];
  const dir = path.join(repoRoot, 'shared');
  for (const [rel, source] of Object.entries(readTree(dir, /(?<!\.test)\.ts$/)).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (rel === 'config/settings.ts') continue;
    const names = [...source.matchAll(MODULE_SCHEMA)].map((m) => m[1]!);
    if (names.length === 0) continue;
    const mod = (await import(pathToFileURL(path.join(dir, rel)).href)) as Record<string, unknown>;
    for (const name of names) {
      const schema = mod[name] as z.ZodObject | undefined;
      if (!schema?.shape) continue;
      for (const use of settingsOf(schema)) out.push({ ...use, schema: `${name} in shared/${rel}` });
    }
  }
  return out;
}

async function functionBindings(repoRoot: string): Promise<ResolvedBinding[]> {
  const dir = path.join(repoRoot, 'functions');
  const files = Object.entries(readTree(dir, /(?<!\.test)\.ts$/));
  const out: ResolvedBinding[] = [];
  for (const [rel, source] of files) {
    const file = path.join(dir, rel);
    for (const b of bindingsInSource(source)) {
      const options: ResolvedBinding['options'] = {};
      for (const [key, opt] of Object.entries(b.options) as [keyof ResolvedBinding['options'], OptionSource][]) {
        options[key] = await resolveOption(opt, source, file);
      }
      out.push({ ...b, file: `functions/${rel}`, options });
    }
  }
  return out;
}

async function resolveOption(
  opt: OptionSource,
  source: string,
  file: string,
): Promise<{ value: string } | { unresolved: string }> {
  if ('literal' in opt) return { value: opt.literal };
  const [head, ...chain] = opt.reference.split('.');
  const local = new RegExp(`\\bconst\\s+${head}\\s*(?::[^=]+)?=\\s*(['"\`])([^'"\`$]*)\\1`).exec(source);
  if (local && chain.length === 0) return { value: local[2]! };
  const imported = importOf(source, head!);
  if (imported) {
    const target = path.resolve(path.dirname(file), imported.from.replace(/\.js$/, '.ts'));
    if (existsSync(target)) {
      let value: unknown = ((await import(pathToFileURL(target).href)) as Record<string, unknown>)[imported.name];
      for (const prop of chain)
        value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[prop] : undefined;
      if (typeof value === 'string') return { value };
    }
  }
  return { unresolved: opt.reference };
}

/** `import { name as alias } from 'from'` for the local name `alias`. */
function importOf(source: string, local: string): { name: string; from: string } | undefined {
  for (const m of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    for (const part of m[1]!.split(',')) {
      const [name, alias] = part.trim().split(/\s+as\s+/);
      if ((alias ?? name) === local && name) return { name, from: m[2]! };
    }
  }
  return undefined;
}

/** Files under `dir` matching `pattern`, by path relative to `dir` (forward slashes). */
function readTree(dir: string, pattern: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !pattern.test(entry.name)) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
  }
  return out;
}

function readJson(file: string): unknown {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}
