import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virtualClock } from '../clock.js';
import { createPotline } from '../potline.js';
import { runSimulator } from '../runner.js';
import { httpSink } from './http-sink.js';

/** A stand-in for the devhost's hub endpoint: records what arrives, answers 202 (or 503 when told to). */
let server: Server;
let baseUrl: string;
const received: { path: string; events: { body: string; partitionKey: string }[] }[] = [];
let failNext = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end('restarting');
        return;
      }
      received.push({ path: req.url ?? '', events: JSON.parse(text) as { body: string; partitionKey: string }[] });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('HTTP sink to the devhost hub', () => {
  it('posts JSON arrays of { body, partitionKey } to /_devhost/eventhubs/{hub}/messages in bounded requests', async () => {
    received.length = 0;
    const sink = httpSink({ devhostUrl: `${baseUrl}/`, hub: 'telemetry', maxEventsPerRequest: 3 });
    const events = Array.from({ length: 7 }, (_, i) => ({ body: `{"i":${i}}`, partitionKey: `L1-C00${i}` }));
    await sink.send(events);
    expect(received.map((r) => r.path)).toEqual(Array(3).fill('/_devhost/eventhubs/telemetry/messages'));
    expect(received.flatMap((r) => r.events)).toEqual(events);
  });

  it('carries a whole simulator run, retrying when the hub answers 503', async () => {
    received.length = 0;
    failNext = 2;
    const potline = createPotline({ lines: 1, cellsPerLine: 4, seed: 3 });
    const run = runSimulator({
      potline,
      sink: httpSink({ devhostUrl: baseUrl, hub: 'telemetry' }),
      ratePerMin: 2400,
      durationS: 10,
      clock: virtualClock(0),
    });
    const counters = await run.done;
    expect(counters.sendRetries).toBe(2);
    expect(received.flatMap((r) => r.events).length).toBe(counters.bodiesSent);
  });

  it('names the hub when the devhost refuses for good', async () => {
    failNext = 1;
    await expect(
      httpSink({ devhostUrl: baseUrl, hub: 'nope' }).send([{ body: '{}', partitionKey: 'L1-C001' }]),
    ).rejects.toMatchObject({ code: 'SIM-SINK', field: 'hub' });
  });
});
