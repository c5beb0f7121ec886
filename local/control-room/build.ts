/**
 * Builds the control room (web/ → web/dist) when its sources are newer than the last build, so `npm start` always
 * serves the app as the sources are, without rebuilding when nothing changed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIR = path.join(REPO_ROOT, 'web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');
/** What the app is built from: its own folder and the push contract it imports. */
const SOURCES = [
  path.join(WEB_DIR, 'src'),
  path.join(WEB_DIR, 'index.html'),
  path.join(WEB_DIR, 'vite.config.ts'),
  path.join(REPO_ROOT, 'shared/realtime/messages.ts'),
];

function newestMtimeMs(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((m, name) => Math.max(m, newestMtimeMs(path.join(p, name))), s.mtimeMs);
}

/** True when web/dist is missing or older than a source. */
export function buildIsStale(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => existsSync(s) && newestMtimeMs(s) > built);
}

/** Builds the app with Vite unless the build is current; returns whether it built and how long it took. */
export async function buildControlRoom(options: { force?: boolean } = {}): Promise<{ built: boolean; ms: number }> {
  const started = Date.now();
  if (!options.force && !buildIsStale()) return { built: false, ms: 0 };
  const { build } = await import('vite');
  await build({ configFile: path.join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn' });
  return { built: true, ms: Date.now() - started };
}
