import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertRule } from '../../functions/api/alert-rules-create.js';
import { deleteAlertRule } from '../../functions/api/alert-rules-delete.js';
import { getAlertRule } from '../../functions/api/alert-rules-get.js';
import { listAlertRules } from '../../functions/api/alert-rules-list.js';
import { replaceAlertRule } from '../../functions/api/alert-rules-replace.js';
import { acknowledgeAlertById } from '../../functions/api/alerts-acknowledge.js';
import { listAlertsPage } from '../../functions/api/alerts-list.js';
import { AlertChangedData } from '../../shared/alerts/alert-events.js';
import { AlertRecords } from '../../shared/alerts/alert-records.js';
import { AlertPage, AlertRulePage, AlertRuleView, AlertView } from '../../shared/api/alert-schemas.js';
import { AlertRuleChangedData } from '../../shared/alerts/rule-events.js';
import { cosmosClient } from '../../shared/azure/clients.js';
import { CosmosAlertStore } from '../../shared/azure/cosmos-alert-stores.js';
import { ALL_ROLES } from '../../shared/http/roles.js';
import { routes, type RouteSpec } from '../../shared/api/routes.js';
import { startApiWorld, type ApiWorld, type CallOptions, type Handler } from './harness.js';
import { sweepOnce } from './outbox-sweep.js';

const DB = 'alerts-api-test';
let world: ApiWorld;
let engineer: string;
let operator: string;
let records: AlertRecords;

beforeAll(async () => {
  world = await startApiWorld(DB);
  // Before any request: the alerting settings are read once per process.
  world.withSettings({
    ALERT_CHANNELS: JSON.stringify([
      { kind: 'webhook', id: 'teams-ops', url: 'http://127.0.0.1:9/teams', format: 'teams' },
      { kind: 'acs-sms', id: 'sms-lead', from: '+4900000000', to: ['+4911111111'] },
    ]),
  });
  engineer = await world.token({ roles: ['Engineer'], sub: 'erin' });
  operator = await world.token({ roles: ['Operator'], sub: 'otto' });
  const store = await CosmosAlertStore.create(
    cosmosClient({ COSMOS_ENDPOINT: world.cosmos.endpoint, COSMOS_KEY: world.cosmos.key }),
    DB,
    { createIfMissing: true },
  );
  records = new AlertRecords({ store });
});
afterAll(() => world?.stop());

const RULE = {
  ruleId: 'bath-hot',
  name: 'Bath temperature high',
  scope: { tag: 'bathTemp', lineId: 'L1' },
  condition: { kind: 'above', raise: 975, clear: 965 },
  raiseForS: 60,
  severity: 'warning',
  channels: ['teams-ops'],
  escalation: { afterMin: 15, channels: ['sms-lead'], severity: 'critical' },
};
const { ruleId: _id, ...RULE_BODY } = RULE;

const createRule = (body: unknown = RULE, headers: Record<string, string> = {}) =>
  world.call(routes.alertRulesCreate, createAlertRule, { token: engineer, body, headers });
const auditOf = async (correlationId: string) => {
  const client = new CosmosClient({
    endpoint: world.cosmos.endpoint,
    key: world.cosmos.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { resources } = await client
    .database(DB)
    .container('audit')
    .items.query({
      query: 'SELECT * FROM c WHERE c.correlationId = @c',
      parameters: [{ name: '@c', value: correlationId }],
    })
    .fetchAll();
  return resources as { action: string; resource: string; subject: string }[];
};
const ruleEvents = () =>
  world.topic.published
    .filter((e) => e.type === 'smelter.alert-rule.changed')
    .map((e) => AlertRuleChangedData.parse(e.data));

describe('alert-rules', () => {
  it('creates a rule under the chosen id: 201 with its view, Location and ETag, audited and published for the ledger', async () => {
    const res = await createRule(RULE, { 'x-correlation-id': 'rule-create-1' });
    expect(res.status, res.text).toBe(201);
    const view = AlertRuleView.parse(res.json);
    expect(view).toMatchObject({
      ruleId: 'bath-hot',
      enabled: true,
      clearForS: 0,
      createdBy: 'erin',
      lastModifiedBy: 'erin',
      links: [{ rel: 'self', href: '/industrial-automation/smelting-ops/v1/alert-rules/bath-hot' }],
    });
    expect(res.headers.location).toBe(view.links[0]!.href);
    expect(res.headers.etag).toMatch(/^".+"$/);
    expect(res.headers['x-request-id']).toBe('rule-create-1');
    expect(await auditOf('rule-create-1')).toMatchObject([
      { action: 'alert-rule.created', resource: 'alert-rules/bath-hot', subject: 'erin' },
    ]);
    expect(ruleEvents()).toMatchObject([
      {
        change: 'created',
        ruleId: 'bath-hot',
        changedBy: 'erin',
        correlationId: 'rule-create-1',
        etag: res.headers.etag,
        rule: { id: 'bath-hot', condition: { raise: 975 } },
      },
    ]);
  });

  it('answers 409 ERR-4091 to a second create with the same id', async () => {
    const res = await createRule();
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ code: 'ERR-4091', details: [{ field: 'body.ruleId' }] });
  });

  it('refuses channels that are not configured and thresholds on the wrong side, naming the fields', async () => {
    const unknown = await createRule({
      ...RULE,
      ruleId: 'x1',
      channels: ['teams-ops', 'pager'],
      escalation: { afterMin: 5, channels: ['nobody'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({
      code: 'ERR-4001',
      message: expect.stringContaining('teams-ops, sms-lead'),
      details: [{ field: 'body.channels.1' }, { field: 'body.escalation.channels.0' }],
    });
    const wrongSide = await createRule({ ...RULE, ruleId: 'x2', condition: { kind: 'above', raise: 960, clear: 970 } });
    expect(wrongSide.status).toBe(400);
    expect(wrongSide.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body.condition.clear' }] });
  });

  it('rejects unknown fields (documented: rejected, not ignored), malformed JSON, other content types and oversize bodies', async () => {
    const typo = await createRule({ ...RULE, ruleId: 'x3', raiseFors: 10 });
    expect(typo.status).toBe(400);
    expect(typo.json).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body', issue: expect.stringContaining('raiseFors') }],
    });
    const nested = await createRule({ ...RULE, ruleId: 'x4', scope: { tag: 'bathTemp', line: 'L1' } });
    expect(nested.json).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body.scope', issue: expect.stringContaining('line') }],
    });
    const malformed = await world.call(routes.alertRulesCreate, createAlertRule, {
      token: engineer,
      rawBody: '{"ruleId": "x5",',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body', issue: 'malformed JSON' }] });
    const text = await world.call(routes.alertRulesCreate, createAlertRule, {
      token: engineer,
      rawBody: JSON.stringify(RULE),
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.json).toMatchObject({ code: 'ERR-4151' });
    const big = await createRule({ ...RULE, ruleId: 'x6', name: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ code: 'ERR-4131' });
  });

  it('lists every rule once across pages in id order, for operators too, and rejects foreign tokens and bad page sizes', async () => {
    for (const id of ['anode-effect', 'metal-low', 'voltage-jump'])
      expect((await createRule({ ...RULE, ruleId: id })).status).toBe(201);
    const seen: string[] = [];
    let query = 'pageSize=2';
    for (let pages = 0; pages < 5; pages++) {
      const res = await world.call(routes.alertRulesList, listAlertRules, { token: operator, query });
      expect(res.status).toBe(200);
      const page = AlertRulePage.parse(res.json);
      seen.push(...page.items.map((r) => r.ruleId));
      if (!page.continuationToken) break;
      expect(page.links.find((l) => l.rel === 'next')?.href).toContain(page.continuationToken);
      query = `pageSize=2&continuationToken=${page.continuationToken}`;
    }
    expect(seen).toEqual(['anode-effect', 'bath-hot', 'metal-low', 'voltage-jump']);
    for (const q of ['continuationToken=bm90LW91cnM', 'pageSize=0', 'pageSize=101', 'tag=bathTemp']) {
      const res = await world.call(routes.alertRulesList, listAlertRules, { token: operator, query: q });
      expect(res.status, q).toBe(400);
      expect(res.json).toMatchObject({ code: 'ERR-4001' });
    }
  });

  it('reads a rule with its ETag; 404 ERR-4042 for an unknown id, 400 for a malformed one', async () => {
    const res = await world.call(routes.alertRulesGet, getAlertRule, {
      token: operator,
      params: { ruleId: 'bath-hot' },
    });
    expect(res.status).toBe(200);
    expect(AlertRuleView.parse(res.json)).toMatchObject({ ruleId: 'bath-hot', escalation: { afterMin: 15 } });
    expect(res.headers.etag).toMatch(/^".+"$/);
    const missing = await world.call(routes.alertRulesGet, getAlertRule, {
      token: operator,
      params: { ruleId: 'nope' },
    });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'ERR-4042', details: [{ field: 'path.ruleId' }] });
    const malformed = await world.call(routes.alertRulesGet, getAlertRule, {
      token: operator,
      params: { ruleId: 'no spaces!' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'path.ruleId' }] });
  });

  it('replaces a threshold with a matching If-Match (new ETag, audited, published), 412 ERR-4121 to a stale one, 404 to an unknown rule', async () => {
    const read = await world.call(routes.alertRulesGet, getAlertRule, {
      token: engineer,
      params: { ruleId: 'bath-hot' },
    });
    const etag = read.headers.etag!;
    const next = { ...RULE_BODY, condition: { kind: 'above', raise: 980, clear: 970 } };
    const ok = await world.call(routes.alertRulesReplace, replaceAlertRule, {
      token: engineer,
      params: { ruleId: 'bath-hot' },
      body: next,
      headers: { 'if-match': etag, 'x-correlation-id': 'rule-replace-1' },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(AlertRuleView.parse(ok.json)).toMatchObject({ condition: { raise: 980 }, createdBy: 'erin' });
    expect(ok.headers.etag).not.toBe(etag);
    expect(await auditOf('rule-replace-1')).toMatchObject([
      { action: 'alert-rule.replaced', resource: 'alert-rules/bath-hot' },
    ]);
    expect(ruleEvents().at(-1)).toMatchObject({
      change: 'replaced',
      etag: ok.headers.etag,
      rule: { condition: { raise: 980 } },
    });
    const stale = await world.call(routes.alertRulesReplace, replaceAlertRule, {
      token: engineer,
      params: { ruleId: 'bath-hot' },
      body: next,
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.json).toMatchObject({ code: 'ERR-4121', details: [{ field: 'header.if-match' }] });
    const missing = await world.call(routes.alertRulesReplace, replaceAlertRule, {
      token: engineer,
      params: { ruleId: 'nope' },
      body: next,
    });
    expect(missing.status).toBe(404);
    const withId = await world.call(routes.alertRulesReplace, replaceAlertRule, {
      token: engineer,
      params: { ruleId: 'bath-hot' },
      body: RULE,
    });
    expect(withId.json).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body', issue: expect.stringContaining('ruleId') }],
    });
  });

  it("deletes only with a matching If-Match, clears the rule's open alerts, then answers 404", async () => {
    const { alert } = await records.raise({
      conditionKey: 'metal-low',
      scopeKey: 'L1-C007',
      ruleId: 'metal-low',
      title: 'Metal low',
      severity: 'info',
      channels: [],
      atMs: Date.UTC(2025, 2, 1),
    });
    const stale = await world.call(routes.alertRulesDelete, deleteAlertRule, {
      token: engineer,
      params: { ruleId: 'metal-low' },
      headers: { 'if-match': '"old"' },
    });
    expect(stale.status).toBe(412);
    const gone = await world.call(routes.alertRulesDelete, deleteAlertRule, {
      token: engineer,
      params: { ruleId: 'metal-low' },
      headers: { 'x-correlation-id': 'rule-delete-1' },
    });
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
    expect(await auditOf('rule-delete-1')).toMatchObject([{ action: 'alert-rule.deleted' }]);
    expect(ruleEvents().at(-1)).toMatchObject({ change: 'deleted', ruleId: 'metal-low' });
    expect((await records.store.get(alert.id))!.alert).toMatchObject({ state: 'cleared', clearedBy: 'erin' });
    for (const [route, handler] of [
      [routes.alertRulesGet, getAlertRule],
      [routes.alertRulesDelete, deleteAlertRule],
    ] as const) {
      const res = await world.call(route, handler, { token: engineer, params: { ruleId: 'metal-low' } });
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ code: 'ERR-4042' });
    }
  });

  it('answers 201 while the topic is down: the rule is stored, its ledger event waits in the outbox, and the sweep publishes it once', async () => {
    world.topic.down = true;
    let res;
    try {
      res = await createRule({ ...RULE, ruleId: 'while-down' });
    } finally {
      world.topic.down = false;
    }
    expect(res.status).toBe(201);
    expect(
      (await world.call(routes.alertRulesGet, getAlertRule, { token: engineer, params: { ruleId: 'while-down' } }))
        .status,
    ).toBe(200);
    expect(ruleEvents().filter((e) => e.ruleId === 'while-down')).toEqual([]);
    await sweepOnce();
    await sweepOnce();
    expect(ruleEvents().filter((e) => e.ruleId === 'while-down')).toMatchObject([{ change: 'created' }]);
    const id = world.topic.published.find((e) => e.subject === 'while-down')!.id;
    expect(world.topic.sent.filter((s) => s === id)).toHaveLength(1);
  });
});

describe('alerts', () => {
  const T0 = Date.UTC(2025, 5, 1, 8);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const raise = (cellId: string, minute: number) =>
      records.raise({
        conditionKey: 'bath-hot',
        scopeKey: cellId,
        ruleId: 'bath-hot',
        lineId: cellId.split('-')[0]!,
        cellId,
        title: `Bath hot on ${cellId}`,
        severity: 'warning',
        channels: ['teams-ops'],
        atMs: T0 + minute * 60_000,
      });
    for (const [cell, minute] of [
      ['L1-C001', 1],
      ['L1-C002', 2],
      ['L2-C001', 3],
      ['L2-C002', 4],
      ['L3-C001', 5],
    ] as const)
      ids[cell] = (await raise(cell, minute)).alert.id;
    await records.clear(ids['L2-C002']!, T0 + 10 * 60_000, undefined, 'condition cleared');
  });

  const list = (query: string, token = operator) => world.call(routes.alertsList, listAlertsPage, { token, query });

  it('lists alerts newest raise first, a page at a time, each once', async () => {
    const seen: string[] = [];
    let query = 'pageSize=2';
    for (let pages = 0; pages < 5; pages++) {
      const res = await list(query);
      expect(res.status, res.text).toBe(200);
      const page = AlertPage.parse(res.json);
      seen.push(...page.items.map((a) => a.cellId!));
      if (!page.continuationToken) break;
      query = `pageSize=2&continuationToken=${page.continuationToken}`;
    }
    expect(seen.filter((c) => c in ids)).toEqual(['L3-C001', 'L2-C002', 'L2-C001', 'L1-C002', 'L1-C001']);
  });

  it('filters by state, line and cell, and keeps the filters in the next link', async () => {
    const byLine = AlertPage.parse((await list('lineId=L2')).json);
    expect(byLine.items.map((a) => a.cellId)).toEqual(['L2-C002', 'L2-C001']);
    const active = AlertPage.parse((await list('state=active&lineId=L2')).json);
    expect(active.items.map((a) => a.cellId)).toEqual(['L2-C001']);
    // (The alert cleared with its deleted rule, above, is cleared too.)
    const cleared = AlertPage.parse((await list('state=cleared')).json);
    expect(cleared.items.map((a) => a.scopeKey)).toEqual(['L2-C002', 'L1-C007']);
    const cell = AlertPage.parse((await list('cellId=L1-C002')).json);
    expect(cell.items).toHaveLength(1);
    expect(cell.items[0]).toMatchObject({
      alertId: ids['L1-C002'],
      state: 'active',
      links: [
        { rel: 'acknowledge', href: `/industrial-automation/smelting-ops/v1/alerts/${ids['L1-C002']}/acknowledge` },
      ],
    });
    const paged = AlertPage.parse((await list('pageSize=1&lineId=L1')).json);
    expect(paged.links.find((l) => l.rel === 'next')?.href).toMatch(/lineId=L1.*continuationToken=/);
  });

  it('rejects unknown states, malformed ids, unknown parameters and foreign tokens with 400 ERR-4001 naming the parameter', async () => {
    for (const [query, field] of [
      ['state=open', 'query.state'],
      ['lineId=line-1', 'query.lineId'],
      ['cellId=C001', 'query.cellId'],
      ['severity=critical', 'query'],
      ['continuationToken=bm90LW91cnM', 'query.continuationToken'],
    ] as const) {
      const res = await list(query);
      expect(res.status, query).toBe(400);
      expect(res.json, query).toMatchObject({ code: 'ERR-4001', details: [{ field }] });
    }
  });

  it('an Operator acknowledges an alert: 200 with who and when, audited, published; again: 200 unchanged', async () => {
    const id = ids['L1-C001']!;
    const res = await world.call(routes.alertsAcknowledge, acknowledgeAlertById, {
      token: operator,
      params: { alertId: id },
      headers: { 'x-correlation-id': 'ack-1' },
    });
    expect(res.status, res.text).toBe(200);
    const view = AlertView.parse(res.json);
    expect(view).toMatchObject({ alertId: id, state: 'acknowledged', acknowledgedBy: 'otto' });
    expect(view.history.map((h) => h.action)).toEqual(['raised', 'acknowledged']);
    expect(await auditOf('ack-1')).toMatchObject([
      { action: 'alert.acknowledged', resource: `alerts/${id}`, subject: 'otto' },
    ]);
    const acks = world.topic.published
      .filter((e) => e.type === 'smelter.alert.acknowledged')
      .map((e) => AlertChangedData.parse(e.data));
    expect(acks).toMatchObject([
      {
        alertId: id,
        by: 'otto',
        acknowledgedMs: Date.parse(view.acknowledgedAt!),
        lineId: 'L1',
        cellId: 'L1-C001',
        rule: 'bath-hot',
        escalationLevel: 0,
      },
    ]);

    const again = await world.call(routes.alertsAcknowledge, acknowledgeAlertById, {
      token: engineer,
      params: { alertId: id },
      headers: { 'x-correlation-id': 'ack-2' },
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ acknowledgedBy: 'otto', acknowledgedAt: view.acknowledgedAt });
    expect(await auditOf('ack-2')).toEqual([]);
    expect(world.topic.published.filter((e) => e.type === 'smelter.alert.acknowledged')).toHaveLength(1);
  });

  it('answers 409 ERR-4091 for a cleared alert, 404 ERR-4042 for an unknown one and 400 for a malformed id', async () => {
    const cleared = await world.call(routes.alertsAcknowledge, acknowledgeAlertById, {
      token: operator,
      params: { alertId: ids['L2-C002']! },
    });
    expect(cleared.status).toBe(409);
    expect(cleared.json).toMatchObject({
      code: 'ERR-4091',
      details: [{ field: 'path.alertId', issue: 'already cleared' }],
    });
    const unknown = await world.call(routes.alertsAcknowledge, acknowledgeAlertById, {
      token: operator,
      params: { alertId: 'al-000000000000000000000000' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: 'ERR-4042', details: [{ field: 'path.alertId' }] });
    const malformed = await world.call(routes.alertsAcknowledge, acknowledgeAlertById, {
      token: operator,
      params: { alertId: 'alert-1' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ code: 'ERR-4001', details: [{ field: 'path.alertId' }] });
  });
});

describe('alert routes: who may call them', () => {
  const alertRoutes: [RouteSpec, Handler, CallOptions][] = [
    [routes.alertRulesCreate, createAlertRule, { body: { ...RULE, ruleId: 'role-probe' } }],
    [routes.alertRulesList, listAlertRules, {}],
    [routes.alertRulesGet, getAlertRule, { params: { ruleId: 'bath-hot' } }],
    [routes.alertRulesReplace, replaceAlertRule, { params: { ruleId: 'bath-hot' }, body: RULE_BODY }],
    [routes.alertRulesDelete, deleteAlertRule, { params: { ruleId: 'voltage-jump' } }],
    [routes.alertsList, listAlertsPage, {}],
    [routes.alertsAcknowledge, acknowledgeAlertById, { params: { alertId: 'al-000000000000000000000000' } }],
  ];

  it('answers 403 ERR-4033 to every role a route does not allow, and 401 ERR-4011 without a token', async () => {
    const expectedAccess: Record<string, string[]> = {
      'alert-rules-create': ['Engineer', 'Manager'],
      'alert-rules-list': ['Operator', 'Engineer', 'Manager'],
      'alert-rules-get': ['Operator', 'Engineer', 'Manager'],
      'alert-rules-replace': ['Engineer', 'Manager'],
      'alert-rules-delete': ['Engineer', 'Manager'],
      'alerts-list': ['Operator', 'Engineer', 'Manager'],
      'alerts-acknowledge': ['Operator', 'Engineer', 'Manager'],
    };
    for (const [route, handler, options] of alertRoutes) {
      expect([...(route.access as readonly string[])], route.name).toEqual(expectedAccess[route.name]);
      for (const role of ALL_ROLES.filter((r) => !expectedAccess[route.name]!.includes(r))) {
        const res = await world.call(route, handler, { ...options, token: await world.token({ roles: [role] }) });
        expect(res.status, `${route.name} as ${role}`).toBe(403);
        expect(res.json).toMatchObject({ code: 'ERR-4033' });
      }
      const anonymous = await world.call(route, handler, options);
      expect(anonymous.status, route.name).toBe(401);
      expect(anonymous.json).toMatchObject({ code: 'ERR-4011' });
    }
  });
});
