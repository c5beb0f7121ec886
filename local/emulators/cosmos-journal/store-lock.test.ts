import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockAddress, lockStore } from './store-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the store lock', () => {
  it('lets one server hold a store at a time, and the next take it once released', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cosmos-lock-'));
    dirs.push(dir);
    const first = await lockStore(dir, 0);
    await expect(lockStore(dir, 0)).rejects.toMatchObject({ code: 'ERR-COSMOS-STORE-IN-USE', file: dir });
    // Another directory is another store.
    const other = mkdtempSync(path.join(os.tmpdir(), 'cosmos-lock-'));
    dirs.push(other);
    await (await lockStore(other, 0)).release();
    await first.release();
    const second = await lockStore(dir, 0);
    await second.release();
  });

  it('is taken over as soon as a holding process dies while a start waits for it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cosmos-lock-'));
    dirs.push(dir);
    // Another process holds the lock and says when the waiting start has connected to it.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `
      const server = require('node:net').createServer(() => process.stdout.write('probed\\n'));
      server.listen(${JSON.stringify(lockAddress(dir))}, () => process.stdout.write('locked\\n'));
    `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const said = (word: string) =>
      new Promise<void>((resolve) => holder.stdout.on('data', (c: Buffer) => c.toString().includes(word) && resolve()));
    await said('locked');
    const probed = said('probed');
    const waiting = lockStore(dir, 30_000);
    await probed;
    holder.kill('SIGKILL');
    await (await waiting).release();
  });
});
