/**
 * Reads config.json beside the app. Apart from the schema (config.ts) because it uses the browser's fetch options,
 * while the schema is also checked by the Node-side contract tests against what Bicep outputs.
 */
import { AppConfig } from './config.js';

export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch('./config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json could not be read (${res.status}); the app's host must serve it.`);
  const parsed = AppConfig.safeParse(await res.json());
  if (!parsed.success)
    throw new Error(
      `config.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
