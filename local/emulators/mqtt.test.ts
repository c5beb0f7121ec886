import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMqttBroker, type MqttBrokerHandle } from './mqtt.js';

describe('the embedded plant broker is secured', () => {
  let dir: string;
  let broker: MqttBrokerHandle;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-'));
    broker = await startMqttBroker({ dir });
  });
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates credentials into its directory on first start, readable by the owner only, and keeps them', async () => {
    const file = path.join(dir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const edge = broker.edge('L7-POTCTL');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { users: { username: string; role: string }[] };
    expect(saved.users.map((u) => `${u.username}:${u.role}`)).toEqual([
      'platform-host:host',
      'ingress-bridge:bridge',
      'observer:observer',
      'L7-POTCTL:edge',
    ]);
    const again = await startMqttBroker({ dir });
    expect(again.edge('L7-POTCTL').password).toBe(edge.password);
    expect(again.observer().password).toBe(broker.observer().password);
    await again.stop();
  });

  it('refuses anonymous clients and wrong passwords, and counts them', async () => {
    const before = broker.counters().connectionsRefused;
    await expect(connectAsync(broker.url, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    await expect(
      connectAsync(broker.url, { reconnectPeriod: 0, username: 'platform-host', password: 'not-the-password-xx' }),
    ).rejects.toThrow(/Bad username or password/i);
    expect(broker.counters().connectionsRefused).toBe(before + 2);
  });

  it('refuses an edge node publishing as another node, and a subscription beyond its own commands', async () => {
    const edge = await connectAsync(broker.url, { reconnectPeriod: 0, ...broker.edge('L1-POTCTL') });
    expect(await edge.subscribeAsync('spBv1.0/smelter/DCMD/L1-POTCTL/+', { qos: 1 })).toMatchObject([{ qos: 1 }]);
    await expect(edge.subscribeAsync('spBv1.0/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await edge.publishAsync('spBv1.0/smelter/DDATA/L1-POTCTL/L1-C001', Buffer.from([]), { qos: 1 });
    const before = broker.counters().publishesRefused;
    const closed = new Promise<void>((resolve) => edge.once('close', () => resolve()));
    edge.publish('spBv1.0/smelter/DDATA/L2-POTCTL/L2-C001', Buffer.from([]), { qos: 1 });
    await closed;
    edge.end(true);
    expect(broker.counters().publishesRefused).toBe(before + 1);
    expect(broker.refusals().at(-1)).toContain('spBv1.0/smelter/DDATA/L2-POTCTL/L2-C001');
    expect(broker.counters().subscriptionsRefused).toBeGreaterThanOrEqual(1);
  });

  it('speaks MQTT 3.1.1 only: an MQTT 5 client is refused with "unacceptable protocol version"', async () => {
    await expect(
      connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: 5, ...broker.observer() }),
    ).rejects.toThrow(/protocol/i);
  });
});
