import type { ChildProcess } from 'node:child_process';
import { spawnDevhostChild, type DevhostChild } from '../../local/devhost/testing.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The checked-in example settings: what a fresh clone runs with. */
export function exampleSettings(): Record<string, string> {
  const file = JSON.parse(readFileSync(path.join(repoRoot, 'local.settings.example.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  return file.Values;
}

export type DevhostProcess = DevhostChild;

/** Starts the real app in a devhost child process (as `npm start` would, minus the emulators it is given). */
export function spawnDevhost(dataDir: string, env: Record<string, string>): Promise<DevhostProcess> {
  return spawnDevhostChild({
    cwd: repoRoot,
    app: 'functions/index.ts',
    dataDir,
    env: { ...process.env, ...exampleSettings(), ...env },
  });
}

/** Sends bodies to the devhost's local Event Hub over its producer endpoint (with its `eventhubs` key). */
export async function sendToHub(
  devhost: Pick<DevhostProcess, 'url' | 'keys'>,
  hub: string,
  events: readonly { body: string; partitionKey: string }[],
): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const res = await fetch(`${devhost.url}/_devhost/eventhubs/${hub}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-functions-key': devhost.keys.systemKey('eventhubs') },
      body: JSON.stringify(events.slice(i, i + 500)),
    });
    if (res.status !== 202) throw new Error(`hub refused the events: ${res.status} ${await res.text()}`);
  }
}

/** Kills a child process outright (no clean shutdown: the crash case) and waits for it to be gone. */
export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Every message the local topic accepted (duplicates dropped by its detection are not there), as CloudEvents, in order. */
export function publishedEvents(
  dataDir: string,
  topic = 'plant-events',
): { id: string; type: string; subject: string; data: unknown }[] {
  const file = path.join(dataDir, 'servicebus', topic, 'journal.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { o: string; b?: string })
    .filter((l) => l.o === 'm' && l.b)
    .map(
      (l) =>
        JSON.parse(Buffer.from(l.b!, 'base64').toString('utf8')) as {
          id: string;
          type: string;
          subject: string;
          data: unknown;
        },
    );
}
