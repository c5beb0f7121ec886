import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The access keys of the local host, as Azure keeps them per app (learn.microsoft.com/azure/azure-functions/
 * function-keys-how-to): a master key, a host key, one key per function, and system keys for the host's own
 * endpoints. Kept in `<dataDir>/keys.json` (`.local/keys.json` under `npm start`) so they stay the same across
 * restarts; `--fresh` (deleting .local/) makes new ones.
 */
const KeysFile = z.object({
  masterKey: z.string().min(16),
  hostKey: z.string().min(16),
  functionKeys: z.record(z.string(), z.string().min(16)),
  systemKeys: z.record(z.string(), z.string().min(16)).default({}),
});

/**
 * The system keys of the host's own endpoints. In Azure the Durable webhook takes the `durabletask_extension` system
 * key, and Service Bus and Event Hubs take their namespaces' access keys; the devhost's stand-ins take these. The
 * master key opens every one of them, as in Azure.
 */
export const SYSTEM_KEY_NAMES = ['durabletask_extension', 'servicebus', 'eventhubs'] as const;
export type SystemKeyName = (typeof SYSTEM_KEY_NAMES)[number];
type KeysFile = z.infer<typeof KeysFile>;

export interface HostKeys {
  /** The `_master` key: every auth level, admin included. */
  master: string;
  /** The `default` host key: every function-level function. */
  host: string;
  /** The `default` key of one function. */
  functionKey(functionName: string): string;
  /** The key of one of the host's own endpoints (SYSTEM_KEY_NAMES). */
  systemKey(name: SystemKeyName): string;
}

/** The key a request carries: the `code` query parameter or the `x-functions-key` header, as Azure reads it. */
export function requestKey(url: URL, headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers['x-functions-key'];
  return url.searchParams.get('code') ?? (Array.isArray(header) ? header[0] : header);
}

/** Whether `key` opens a function of `authLevel` (anonymous, function or admin). */
export function keyAllows(keys: HostKeys, authLevel: string, functionName: string, key: string | undefined): boolean {
  const level = authLevel.toLowerCase();
  if (level === 'anonymous') return true;
  if (!key) return false;
  if (level === 'admin') return same(key, keys.master);
  return same(key, keys.master) || same(key, keys.host) || same(key, keys.functionKey(functionName));
}

/** Whether `key` opens one of the host's own endpoints: its system key, or the master key. */
export function systemKeyAllows(keys: HostKeys, name: SystemKeyName, key: string | undefined): boolean {
  return key !== undefined && (same(key, keys.master) || same(key, keys.systemKey(name)));
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const newKey = () => randomBytes(30).toString('base64url');

/** Loads the keys of `dataDir`, making the ones missing for `functionNames` (and the file, the first time). */
export function loadHostKeys(dataDir: string, functionNames: readonly string[]): HostKeys {
  const file = path.join(dataDir, 'keys.json');
  let stored: KeysFile | undefined;
  if (existsSync(file)) {
    const parsed = KeysFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) stored = parsed.data;
  }
  const keys: KeysFile = stored ?? { masterKey: newKey(), hostKey: newKey(), functionKeys: {}, systemKeys: {} };
  let changed = !stored;
  for (const name of SYSTEM_KEY_NAMES) {
    if (!keys.systemKeys[name]) {
      keys.systemKeys[name] = newKey();
      changed = true;
    }
  }
  for (const name of functionNames) {
    if (!keys.functionKeys[name]) {
      keys.functionKeys[name] = newKey();
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(keys, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
  return {
    master: keys.masterKey,
    host: keys.hostKey,
    functionKey: (name) => {
      const key = keys.functionKeys[name];
      if (!key)
        throw new RangeError(
          `ERR-DEVHOST-KEYS: no function named ${name}; keys exist for ${Object.keys(keys.functionKeys).join(', ')}`,
        );
      return key;
    },
    systemKey: (name) => keys.systemKeys[name]!,
  };
}

/**
 * The keys of a devhost that is running or has run over `dataDir` (`.local` under `npm start`), for the tools that
 * call its endpoints from another process; undefined when it has never started there. Never creates keys.
 */
export function readHostKeys(dataDir: string): HostKeys | undefined {
  const file = path.join(dataDir, 'keys.json');
  if (!existsSync(file)) return undefined;
  const parsed = KeysFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) return undefined;
  const k = parsed.data;
  return {
    master: k.masterKey,
    host: k.hostKey,
    functionKey: (name) => k.functionKeys[name] ?? '',
    systemKey: (name) => k.systemKeys[name] ?? k.masterKey,
  };
}
