import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The `Values` of local.settings.json when a developer has one, else of the checked-in example. */
export function localSettingsValues(): Record<string, string> {
  const own = path.join(repoRoot, 'local.settings.json');
  const file = existsSync(own) ? own : path.join(repoRoot, 'local.settings.example.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, string> }).Values ?? {};
}

/** Fills unset environment variables from localSettingsValues(); the environment wins. */
export function applyLocalSettingsDefaults(env: NodeJS.ProcessEnv = process.env): void {
  for (const [k, v] of Object.entries(localSettingsValues())) env[k] ??= v;
}
