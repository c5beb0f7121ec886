import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  matchesSubscription,
  PLANT_EVENT_SUBSCRIPTIONS,
  PLANT_EVENTS_TOPIC,
  PlantEventType,
} from '../../../shared/messaging/subscriptions.js';
import { DevhostDeadLetterAdmin } from '../../../shared/messaging/dead-letters.js';
import { runBus } from '../../cli/bus.js';
import { startDevhost, type DevhostHandle } from '../devhost.js';
import type { LogEvent, MessageSettledEvent } from '../events.js';
import { readBusDeliveries, RECORD_DIR_SETTING } from '../fixtures/bus-app/records.js';
import { waitFor } from '../testing.js';
import { MAX_DELIVERY_REASON, type DeadLetteredMessage } from './local-topic.js';

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bus-app');
const CONSUMER_OF: Record<string, string> = {
  scada: 'scadaConsumer',
  ledger: 'ledgerConsumer',
  alerts: 'alertsConsumer',
  controlroom: 'controlroomConsumer',
};

let tmp: string;
let records: string;
let devhost: DevhostHandle;
const settled: MessageSettledEvent[] = [];
const warnings: LogEvent[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-sb-'));
  records = path.join(tmp, 'records');
  devhost = await startDevhost({
    appEntry: 'index.ts',
    appDir: fixtureDir,
    dataDir: path.join(tmp, 'state'),
    httpPort: 0,
    logLevel: 'none',
    settings: { PLANT_TOPIC: PLANT_EVENTS_TOPIC, FIXTURE_OUT_TOPIC: 'fixture-out', [RECORD_DIR_SETTING]: records },
  });
  devhost.events.on('messageSettled', (e) => settled.push(e));
  devhost.events.on('log', (e) => e.level === 'warning' && warnings.push(e));
});

afterAll(async () => {
  await devhost?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Publishes one CloudEvent through the fixture's EventPublisher path; resolves with its id. */
async function publish(type: string, key: string, data: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${devhost.httpUrl}/bus-api/plant-events/${type}/${key}`, {
    method: 'POST',
    body: JSON.stringify(data),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const admin = (p: string) => `${devhost.httpUrl}/_devhost/servicebus/topics/${PLANT_EVENTS_TOPIC}${p}`;
/** Calls an admin endpoint with the devhost's servicebus key (without it: 401). */
const adminFetch = (p: string, init: RequestInit = {}) =>
  fetch(admin(p), { ...init, headers: { 'x-functions-key': devhost.keys.systemKey('servicebus') } });

describe('devhost Service Bus: plant-events routing', () => {
  it('delivers each CloudEvent type to exactly the consumers of the subscriptions the definition names, with the trigger metadata of the host', async () => {
    const types = [...Object.values(PlantEventType), 'smelter.command.acknowledged'];
    const ids = new Map<string, string>();
    for (const type of types) ids.set(type, await publish(type, `route-${type}`));
    const expected = (type: string) =>
      PLANT_EVENT_SUBSCRIPTIONS.filter((s) => matchesSubscription(s, type)).map((s) => CONSUMER_OF[s.name]!);
    const total = types.reduce((n, t) => n + expected(t).length, 0);
    await waitFor(
      'every routed copy completed',
      () =>
        settled.filter((s) => [...ids.values()].includes(s.messageId) && s.outcome === 'completed').length === total,
    );

    for (const type of types) {
      const id = ids.get(type)!;
      const got = Object.values(CONSUMER_OF).filter((fn) =>
        readBusDeliveries(records, fn).some((d) => d.messageId === id),
      );
      expect(got.sort(), type).toEqual(expected(type).sort());
    }
    const sample = readBusDeliveries(records, 'scadaConsumer').find(
      (d) => d.messageId === ids.get(PlantEventType.setpointRecommended),
    )!;
    expect(sample).toMatchObject({
      deliveryCount: 1,
      contentType: 'application/cloudevents+json; charset=utf-8',
      correlationId: `corr-route-${PlantEventType.setpointRecommended}`,
      applicationProperties: { type: PlantEventType.setpointRecommended },
      body: { specversion: '1.0', id: sample.messageId, type: PlantEventType.setpointRecommended, subject: 'L1-C001' },
    });
  });

  it('drops a re-published event with the same id (duplicate detection on the CloudEvent id)', async () => {
    const copies = PLANT_EVENT_SUBSCRIPTIONS.filter((s) =>
      matchesSubscription(s, PlantEventType.overrideChanged),
    ).length;
    const id = await publish(PlantEventType.overrideChanged, 'dup-1');
    expect(await publish(PlantEventType.overrideChanged, 'dup-1')).toBe(id);
    await waitFor(
      'the first copy completed on every subscription',
      () => settled.filter((s) => s.messageId === id && s.outcome === 'completed').length === copies,
    );
    const marker = await publish(PlantEventType.overrideChanged, 'dup-2');
    await waitFor(
      'a later event through',
      () => settled.filter((s) => s.messageId === marker && s.outcome === 'completed').length === copies,
    );
    expect(readBusDeliveries(records, 'scadaConsumer').filter((d) => d.messageId === id)).toHaveLength(1);
    expect(settled.filter((s) => s.messageId === id)).toHaveLength(copies);
  });
});

describe('devhost Service Bus: peek-lock, dead-letter and replay', () => {
  it('redelivers a failed message with delivery count 2 and completes it', async () => {
    const id = await publish(PlantEventType.anomalyDetected, 'once-1', { fail: 'once' });
    await waitFor('completion after one failure', () =>
      settled.some((s) => s.messageId === id && s.outcome === 'completed'),
    );
    expect(
      readBusDeliveries(records, 'alertsConsumer')
        .filter((d) => d.messageId === id)
        .map((d) => d.deliveryCount),
    ).toEqual([1, 2]);
  });

  it('retries a consumer that always throws maxDeliveryCount times, dead-letters it with the reason, and a replay delivers it again', async () => {
    const max = PLANT_EVENT_SUBSCRIPTIONS.find((s) => s.name === 'alerts')!.maxDeliveryCount;
    const id = await publish(PlantEventType.optimizationFailed, 'always-1', { fail: 'always' });
    // smelter.optimization.failed goes to alerts and ledger; both consumers refuse it, so both dead-letter it.
    const dead = await waitFor('dead-lettered', () =>
      settled.find((s) => s.messageId === id && s.outcome === 'deadLettered' && s.subscription === 'alerts'),
    );
    expect(dead).toMatchObject({
      functionName: 'alertsConsumer',
      subscription: 'alerts',
      deliveryCount: max,
      reason: MAX_DELIVERY_REASON,
    });
    expect(
      readBusDeliveries(records, 'alertsConsumer')
        .filter((d) => d.messageId === id)
        .map((d) => d.deliveryCount),
    ).toEqual(Array.from({ length: max }, (_, i) => i + 1));

    const listed = (await (await adminFetch('/subscriptions/alerts/deadletters')).json()) as {
      messages: DeadLetteredMessage[];
    };
    const entry = listed.messages.find((m) => m.messageId === id)!;
    expect(entry).toMatchObject({
      deadLetterReason: MAX_DELIVERY_REASON,
      deliveryCount: max,
      applicationProperties: { type: PlantEventType.optimizationFailed },
    });
    expect(entry.deadLetterErrorDescription).toContain('consumer refuses this event (fail: always)');

    await waitFor('the ledger copy dead-lettered too', () =>
      settled.some((s) => s.messageId === id && s.outcome === 'deadLettered' && s.subscription === 'ledger'),
    );
    const replay = await adminFetch('/subscriptions/alerts/deadletters/replay', {
      method: 'POST',
      body: JSON.stringify({ ids: [id] }),
    });
    expect(await replay.json()).toEqual({ replayed: [id] });
    await waitFor(
      'the replayed message delivered with a fresh delivery count',
      () =>
        readBusDeliveries(records, 'alertsConsumer').filter((d) => d.messageId === id && d.deliveryCount === 1)
          .length === 2,
    );
    // Only the subscription it was replayed on gets it again: the ledger's copy stays dead-lettered.
    expect(readBusDeliveries(records, 'ledgerConsumer').filter((d) => d.messageId === id)).toHaveLength(max);
  });

  it('lists and replays dead letters with `npm run bus -- dlq`, against --url or the ServiceBusConnection the devhost sets', async () => {
    const id = await publish(PlantEventType.commandFailed, 'cli-1', { fail: 'always' });
    await waitFor('dead-lettered', () => settled.some((s) => s.messageId === id && s.outcome === 'deadLettered'));
    const key = ['--key', devhost.keys.systemKey('servicebus')];
    const out: string[] = [];
    expect(
      await runBus(['dlq', 'ls', 'alerts', '--url', devhost.httpUrl, ...key, '--json'], {}, (t) => out.push(t)),
    ).toBe(0);
    expect((JSON.parse(out.join('')) as DeadLetteredMessage[]).map((m) => m.messageId)).toContain(id);

    const summary: string[] = [];
    await runBus(['dlq', 'ls'], { ServiceBusConnection: process.env.ServiceBusConnection }, (t) => summary.push(t));
    expect(summary).toEqual(
      PLANT_EVENT_SUBSCRIPTIONS.map((s) =>
        expect.stringMatching(new RegExp(`^plant-events/${s.name}: \\d+ dead-lettered$`)),
      ),
    );
    // The depths the dead-letter gauge reads, without listing bodies, agree with the listings.
    const admin = new DevhostDeadLetterAdmin(
      `${devhost.httpUrl}/_devhost/servicebus`,
      PLANT_EVENTS_TOPIC,
      devhost.keys.systemKey('servicebus'),
    );
    const depths = await admin.depths();
    for (const s of PLANT_EVENT_SUBSCRIPTIONS) expect(depths[s.name], s.name).toBe((await admin.list(s.name)).length);
    expect(depths.alerts).toBeGreaterThanOrEqual(1);

    const replayed: string[] = [];
    expect(
      await runBus(['dlq', 'replay', 'alerts', '--id', id, '--url', devhost.httpUrl, ...key], {}, (t) =>
        replayed.push(t),
      ),
    ).toBe(0);
    expect(replayed.join('')).toContain(`replayed 1 message(s) on plant-events/alerts`);
    await waitFor(
      'delivered again with a fresh delivery count',
      () =>
        readBusDeliveries(records, 'alertsConsumer').filter((d) => d.messageId === id && d.deliveryCount === 1)
          .length === 2,
    );
    await expect(runBus(['dlq', 'replay', 'alerts', '--url', devhost.httpUrl], {}, () => undefined)).rejects.toThrow(
      /either --id/,
    );
  });

  it('answers 401 without the servicebus key (or the master key): no message is sent, listed or replayed', async () => {
    const send = (headers: Record<string, string>) =>
      fetch(admin('/messages'), {
        method: 'POST',
        headers,
        body: JSON.stringify([{ body: '{}', messageId: 'forged-1', applicationProperties: { type: 'x' } }]),
      });
    const attempts: Record<string, string>[] = [
      {},
      { 'x-functions-key': 'guessed' },
      { 'x-functions-key': devhost.keys.host },
    ];
    for (const headers of attempts) {
      const res = await send(headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'ERR-4011', details: [{ field: 'header.x-functions-key' }] });
    }
    expect((await fetch(admin('/subscriptions/alerts/deadletters'))).status).toBe(401);
    expect((await fetch(`${admin('/subscriptions/alerts/deadletters')}?code=${devhost.keys.master}`)).status).toBe(200);
    await expect(
      runBus(['dlq', 'ls', 'alerts', '--url', devhost.httpUrl, '--key', 'guessed'], {}, () => undefined),
    ).rejects.toThrow(/401/);
  });

  it('answers an unknown subscription or id with 404 and a bad replay body with 400', async () => {
    expect((await adminFetch('/subscriptions/nope/deadletters')).status).toBe(404);
    const unknownId = await adminFetch('/subscriptions/alerts/deadletters/replay', {
      method: 'POST',
      body: JSON.stringify({ ids: ['missing'] }),
    });
    expect(unknownId.status).toBe(404);
    const bad = await adminFetch('/subscriptions/alerts/deadletters/replay', { method: 'POST', body: '{}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'ERR-4001' });
  });
});

describe('devhost Service Bus: output bindings', () => {
  it('routes serviceBus and eventHub extraOutputs to the local topic and hub, one message per array item, with the content types the extension sets', async () => {
    const before = devhost.hub('fixture-hub').stats().enqueued;
    const res = await fetch(`${devhost.httpUrl}/bus-api/publish`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ reading: 1 }, 'plain text'] }),
    });
    expect(res.status).toBe(202);
    const got = await waitFor('both messages through the round trip', () => {
      const mine = readBusDeliveries(records, 'roundTripConsumer').filter(
        (d) => JSON.stringify(d.body) === '{"reading":1}' || d.body === 'plain text',
      );
      return mine.length === 2 ? mine : undefined;
    });
    expect(got.map((d) => d.contentType).sort()).toEqual(['application/json', 'text/plain']);
    expect(got.every((d) => Object.keys(d.applicationProperties).length === 0)).toBe(true);
    expect(devhost.hub('fixture-hub').stats().enqueued - before).toBe(2);
  });

  it('routes a serviceBus return binding: topic → trigger → return → topic → trigger', async () => {
    const sent = devhost.serviceBus.send('fixture-in', [
      { body: JSON.stringify({ hop: 1 }), contentType: 'application/json' },
    ]);
    expect(sent[0]!.subscriptions).toEqual(['relay']);
    await waitFor('the relayed message', () =>
      readBusDeliveries(records, 'roundTripConsumer').some((d) => JSON.stringify(d.body) === '{"relayed":{"hop":1}}'),
    );
  });

  it('warns that a plant event sent through an output binding reaches no subscription (the binding cannot set the type property)', () => {
    const receipts = devhost.serviceBus.send(PLANT_EVENTS_TOPIC, [
      { body: JSON.stringify({ type: PlantEventType.setpointRecommended }) },
    ]);
    expect(receipts[0]!.subscriptions).toEqual([]);
    expect(
      warnings.some((w) => w.message.includes(receipts[0]!.messageId) && w.message.includes('matched no subscription')),
    ).toBe(true);
  });
});
