/**
 * Conformance: what the devhost does not serve stops it at start-up with a message naming the function, the binding
 * or setting and what to do (DESIGN §3 "Fidelity"), instead of running the app unlike Azure.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost } from '../devhost.js';
import { loadHostConfig } from '../settings.js';
import { UnservedError } from '../unserved.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'refusals-app');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-conf-refusals-'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('start-up refusals', () => {
  it('refuses an app with unserved bindings, naming every function and binding and what to do', async () => {
    const err = await startDevhost({
      appEntry: 'index.ts',
      appDir,
      dataDir: path.join(tmp, 'state'),
      httpPort: 0,
      logLevel: 'none',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnservedError);
    const items = (err as UnservedError).items.map((i) => i.where);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^function report, binding "blobOutput\w*" \(blob out\)$/),
        expect.stringMatching(/^function report, binding "tableInput\w*" \(table in\)$/),
        expect.stringMatching(/^function queued, binding "\w+" \(queueTrigger in\)$/),
        expect.stringMatching(/^function fromQueue, binding "\w+" \(serviceBusTrigger in\)$/),
        'function withRetry, retry',
        expect.stringMatching(/^function counter, binding "\w+" \(entityTrigger in\)$/),
        'app hook "log"',
        expect.stringMatching(/^function negotiateAsUser, binding "\w+" \(signalRConnectionInfo in\), option userId$/),
      ]),
    );
    expect(items).toHaveLength(8);
    const message = (err as Error).message;
    expect(message).not.toMatch(/function fine/);
    expect(message).toMatch(/Service Bus queues are not served/);
    expect(message).toMatch(/Durable entities are not served/);
    expect(message).toMatch(/maxDeliveryCount/);
  });

  it('refuses host.json settings it does not serve, naming each path, and accepts the ones without local effect', () => {
    const dir = path.join(tmp, 'host');
    rmSync(dir, { recursive: true, force: true });
    const hostJson = {
      version: '2.0',
      logging: { logLevel: { default: 'Information' } },
      aggregator: { batchSize: 1000 },
      extensions: {
        queues: { batchSize: 16 },
        serviceBus: { maxConcurrentSessions: 8, clientRetryOptions: { maxRetries: 3 } },
        eventHubs: { eventProcessorOptions: { maxBatchSize: 64 }, prefetchCount: 300 },
        durableTask: { maxConcurrentActivityFunctions: 10 },
      },
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'host.json'), JSON.stringify(hostJson));
    let err: unknown;
    try {
      loadHostConfig(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnservedError);
    expect((err as UnservedError).items.map((i) => i.where).sort()).toEqual(
      [
        'host.json aggregator',
        'host.json extensions.queues',
        'host.json extensions.serviceBus.maxConcurrentSessions',
        'host.json extensions.eventHubs.eventProcessorOptions',
        'host.json extensions.durableTask.maxConcurrentActivityFunctions',
      ].sort(),
    );
    expect((err as Error).message).toMatch(/maxEventBatchSize/);

    writeFileSync(
      path.join(dir, 'host.json'),
      JSON.stringify({
        version: '2.0',
        logging: {},
        extensions: { serviceBus: { clientRetryOptions: {} }, eventHubs: { prefetchCount: 300 } },
      }),
    );
    expect(loadHostConfig(dir).acceptedWithoutEffect.map((a) => a.path)).toEqual([
      'logging',
      'extensions.serviceBus.clientRetryOptions',
      'extensions.eventHubs.prefetchCount',
    ]);
  });
});
