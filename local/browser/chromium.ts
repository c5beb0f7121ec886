/**
 * Where the browser tests and `npm run bench -- ui` find Chromium: `CHROMIUM_PATH` if set, else Debian's `chromium`
 * or an installed Chrome. playwright-core drives it; no browser is downloaded from anywhere but the OS's packages.
 */
import { existsSync } from 'node:fs';

/** Paths tried in order (Debian's package, Ubuntu's, Google Chrome as CI images carry it). */
export const CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The Chromium executable to drive, or undefined when none is installed. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) return existsSync(configured) ? configured : undefined;
  return CHROMIUM_PATHS.find((p) => existsSync(p));
}

/** The Chromium executable; throws naming the command that installs it when there is none. */
export function requireChromium(): string {
  const found = findChromium();
  if (found) return found;
  throw new Error(
    `ERR-BROWSER-MISSING: no Chromium at ${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH (${process.env.CHROMIUM_PATH})` : CHROMIUM_PATHS.join(', ')}. Install it with \`npm run browser:install\` (apt-get install chromium), or set CHROMIUM_PATH.`,
  );
}

/** Flags for a headless Chromium in a container or CI: no sandbox when running as root, /dev/shm may be small. */
export function chromiumArgs(): string[] {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return [...(root ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'];
}
