import { readFileSync } from 'node:fs';

let version: string | undefined;
/** The app's version from package.json, stamped into health reports and lineage manifests. */
export function appVersion(): string {
  if (version) return version;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    version = pkg.version ?? 'unknown';
  } catch {
    // Compiled layout (dist/shared/observability) sits one folder deeper.
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version?: string;
      };
      version = pkg.version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
