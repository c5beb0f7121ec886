import { createHash } from 'node:crypto';
import { realpathSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CosmosStoreError } from './store-files.js';

export interface StoreLock {
  release(): Promise<void>;
}

/**
 * Makes this process the only server of the store in `dir`: two servers appending to one journal would interleave
 * two histories and corrupt it. The lock is a listening Unix socket (on Linux in the abstract namespace, elsewhere a
 * file in `dir`), which the kernel closes when the holder dies however it dies, so a crash never leaves a stale
 * lock. A start that finds the lock held waits up to `waitMs` for the holder to exit (a server whose parent was just
 * killed is on its way out), then fails with ERR-COSMOS-STORE-IN-USE.
 */
export async function lockStore(dir: string, waitMs: number): Promise<StoreLock> {
  const address = lockAddress(dir);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const probes = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      // Held open, unanswered: the prober learns of this process's end by the connection closing.
      socket.unref();
      probes.add(socket.once('close', () => probes.delete(socket)));
    });
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(address, () => resolve(undefined));
    });
    if (!error) {
      server.unref();
      return {
        release: () =>
          new Promise((resolve) => {
            server.close(() => resolve());
            for (const socket of probes) socket.destroy();
          }),
      };
    }
    if (error.code !== 'EADDRINUSE') throw error;
    const holder = await probe(address, Math.max(0, deadline - Date.now()));
    // A socket file outlives its process (an abstract address does not): nobody listening means it is stale.
    if (holder === 'stale' && !address.startsWith('\0')) rmSync(address, { force: true });
    else if (holder === 'held') {
      throw new CosmosStoreError(
        'ERR-COSMOS-STORE-IN-USE',
        dir,
        'is in use by another local Cosmos server process',
        'Stop the other npm start or devhost that uses this data directory, or give this one another data directory',
      );
    }
  }
}

/**
 * Connects to the holder and waits: `gone` once the connection ends (the holder exited; a reset counts), `stale` if
 * nobody listens, `held` if the holder is still there after `waitMs`.
 */
function probe(address: string, waitMs: number): Promise<'gone' | 'stale' | 'held'> {
  return new Promise((resolve) => {
    let connected = false;
    const socket = net.connect(address, () => (connected = true));
    const done = (outcome: 'gone' | 'stale' | 'held') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('held'), waitMs);
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(!connected && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') ? 'stale' : 'gone'),
    );
    socket.once('close', () => done('gone'));
  });
}

/** The socket address that stands for the store in `dir`. */
export function lockAddress(dir: string): string {
  const real = realpathSync(dir);
  if (process.platform === 'linux')
    return `\0smelter-cosmos-${createHash('sha256').update(real).digest('hex').slice(0, 32)}`;
  return path.join(real, '.lock.sock');
}
