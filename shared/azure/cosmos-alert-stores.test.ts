import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { AlertRecords } from '../alerts/alert-records.js';
import { parseAlertRule } from '../alerts/rule.js';
import { alertStoreContract } from '../alerts/store-contract.js';
import { cosmosClient } from './clients.js';
import { CosmosAlertRuleStore, CosmosAlertStore } from './cosmos-alert-stores.js';
import { openContainer } from './open-container.js';

let cosmos: CosmosHandle;
let client: CosmosClient;
let databases = 0;

beforeAll(async () => {
  cosmos = await startCosmos();
  client = cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
});
afterAll(async () => {
  await cosmos?.stop();
});

describe('alert life-cycle on the local Cosmos server', () => {
  // A database per case, so each starts empty.
  alertStoreContract(() => CosmosAlertStore.create(client, `alerts-${++databases}`, { createIfMissing: true }));

  it('survives a restart: a second store over the same container sees the open alert and its version', async () => {
    const first = await CosmosAlertStore.create(client, 'alerts-restart', { createIfMissing: true });
    const rule = {
      conditionKey: 'r1',
      scopeKey: 'L1-C001',
      title: 't',
      severity: 'info' as const,
      channels: [],
      atMs: Date.UTC(2025, 0, 1),
    };
    const { alert } = await new AlertRecords({ store: first }).raise(rule);
    const second = await CosmosAlertStore.create(client, 'alerts-restart', { createIfMissing: true });
    expect((await second.open()).map((a) => a.id)).toEqual([alert.id]);
    const stored = (await second.get(alert.id))!;
    expect(await second.replace({ ...stored.alert, title: 'changed' }, [], stored.etag)).toEqual([]);
    expect(await first.replace({ ...stored.alert, title: 'lost update' }, [], stored.etag)).toBeUndefined();
    expect((await first.get(alert.id))!.alert.title).toBe('changed');
  });
});

describe('alert rules on the local Cosmos server', () => {
  const actor = { subject: 'eng-1', clientId: 'c', correlationId: 'corr-1' };
  const none = () => [];
  const rule = (id: string, raise = 975) =>
    parseAlertRule({
      id,
      name: id,
      scope: { tag: 'bathTemp' },
      condition: { kind: 'above', raise, clear: raise - 10 },
      severity: 'warning',
    });

  it('without If-Match the last writer wins: concurrent replaces all succeed, the stored rule is one of theirs', async () => {
    const store = await CosmosAlertRuleStore.create(client, 'rules-lww', { createIfMissing: true });
    await store.create(rule('lww'), actor, 1000, none);
    const raises = [976, 977, 978, 979, 980, 981, 982, 983];
    const outcomes = await Promise.all(raises.map((r) => store.replace(rule('lww', r), actor, 2000, none)));
    expect(outcomes.map((o) => o.ok)).toEqual(raises.map(() => true));
    const stored = (await store.get('lww'))!;
    expect(raises).toContain((stored.rule.condition as { raise: number }).raise);
  });

  it('creates once per id, replaces and deletes under If-Match, and pages in id order', async () => {
    const store = await CosmosAlertRuleStore.create(client, 'rules', { createIfMissing: true });
    const created = (await store.create(rule('b-hot'), actor, 1000, none))!.stored;
    expect(created).toMatchObject({ createdBy: 'eng-1', createdAtMs: 1000 });
    expect(created.etag).toMatch(/^".+"$/);
    expect(await store.get('b-hot')).toEqual(created);
    expect(await store.create(rule('b-hot'), actor, 2000, none)).toBeUndefined();
    for (const id of ['a-hot', 'c-hot', 'd-hot']) await store.create(rule(id), actor, 1000, none);

    const replaced = await store.replace(rule('b-hot', 980), { ...actor, subject: 'eng-2' }, 3000, none, created.etag);
    expect(replaced).toMatchObject({
      ok: true,
      value: { stored: { updatedBy: 'eng-2', createdBy: 'eng-1', rule: { condition: { raise: 980 } } } },
    });
    expect(await store.replace(rule('b-hot', 990), actor, 4000, none, created.etag)).toEqual({
      ok: false,
      reason: 'version-mismatch',
    });
    expect(await store.replace(rule('zz'), actor, 4000, none)).toEqual({ ok: false, reason: 'not-found' });

    const first = await store.page(2);
    expect(first.items.map((r) => r.rule.id)).toEqual(['a-hot', 'b-hot']);
    expect(first.more).toBe(true);
    const second = await store.page(2, 'b-hot');
    expect(second).toMatchObject({ more: false });
    expect(second.items.map((r) => r.rule.id)).toEqual(['c-hot', 'd-hot']);

    expect(await store.remove('c-hot', 5000, none, '"stale"')).toEqual({ ok: false, reason: 'version-mismatch' });
    expect(await store.remove('c-hot', 5000, none)).toMatchObject({
      ok: true,
      value: { stored: { rule: { id: 'c-hot' } } },
    });
    expect(await store.get('c-hot')).toBeUndefined();
    expect((await store.list()).map((r) => r.id).sort()).toEqual(['a-hot', 'b-hot', 'd-hot']);
  });
});

describe('opening containers on the local server', () => {
  it('lets functions starting together create one database and its containers without a 409', async () => {
    const opened = await Promise.all(
      ['alerts', 'alert-rules', 'audit', 'alerts', 'cell-state', 'alert-rules'].map((id) =>
        openContainer(client, 'started-together', id, '/k', true),
      ),
    );
    expect(opened.map((c) => c.id)).toEqual(['alerts', 'alert-rules', 'audit', 'alerts', 'cell-state', 'alert-rules']);
  });
});
