/**
 * `npm run browser:install`: makes sure a Chromium is there for the browser tests (`.ci/run` and the pipeline call
 * it). When none is found it installs Debian's `chromium` package with apt-get (as root, or through sudo), then
 * prints the executable and its version. Exit code 1 with the reason when it cannot.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { findChromium } from './chromium.js';

function run(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

let found = findChromium();
if (!found) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !root && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!root && !sudo) {
    console.error(
      'ERR-BROWSER-INSTALL: no Chromium found, and apt-get needs root (or passwordless sudo). Run `sudo apt-get install -y chromium`, or set CHROMIUM_PATH.',
    );
    process.exit(1);
  }
  const apt = (args: string[]) => (root ? run('apt-get', args) : run('sudo', ['-n', 'apt-get', ...args]));
  console.log('No Chromium found: installing Debian’s chromium package …');
  if (!apt(['install', '-y', '--no-install-recommends', 'chromium'])) {
    // A fresh image has no package lists yet.
    if (!apt(['update']) || !apt(['install', '-y', '--no-install-recommends', 'chromium'])) {
      console.error('ERR-BROWSER-INSTALL: apt-get could not install chromium (see its output above).');
      process.exit(1);
    }
  }
  found = findChromium();
  if (!found) {
    console.error('ERR-BROWSER-INSTALL: apt-get finished, but no Chromium is at the expected paths.');
    process.exit(1);
  }
}
const version = execFileSync(found, ['--version'], { encoding: 'utf8' }).trim();
console.log(`Chromium for the browser tests: ${found} (${version})`);
