import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertEvaluator } from '../../shared/alerts/evaluator.js';
import { ChannelNotifier, dispatch } from '../../shared/alerts/notifier.js';
import { parseAlertRule } from '../../shared/alerts/rule.js';
import { startWebhookReceiver, type WebhookReceiver } from './receiver.js';

let receiver: WebhookReceiver | undefined;
let dir: string | undefined;
afterEach(async () => {
  await receiver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('local webhook receiver', () => {
  it('writes every alert notification it receives to its file, in Teams and Logic Apps shapes', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'webhooks-'));
    receiver = await startWebhookReceiver({ file: path.join(dir, 'received.jsonl') });
    const notifier = new ChannelNotifier([
      { kind: 'webhook', id: 'teams-ops', url: `${receiver.url}/teams`, format: 'teams' },
      { kind: 'webhook', id: 'flow', url: `${receiver.url}/flow`, format: 'logic-apps' },
    ]);
    let now = Date.UTC(2025, 2, 1);
    const evaluator = new AlertEvaluator(
      [
        parseAlertRule({
          id: 'v-high',
          name: 'Voltage high',
          scope: { tag: 'cellVoltage' },
          condition: { kind: 'above', raise: 5, clear: 4.8 },
          severity: 'critical',
          channels: ['teams-ops', 'flow'],
        }),
      ],
      { nowMs: () => now },
    );
    const transitions = evaluator.observe({
      lineId: 'L1',
      cellId: 'L1-C004',
      tag: 'cellVoltage',
      tsMs: now,
      value: 31.2,
    });
    now += 1000;
    const result = await dispatch(notifier, transitions);
    expect(result).toEqual({ sent: 2, failed: [] });
    const lines = (await readFile(receiver.file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.path)).toEqual(['/teams', '/flow']);
    expect(lines[0].body).toMatchObject({
      '@type': 'MessageCard',
      title: expect.stringContaining('[CRITICAL] raised: Voltage high: L1-C004'),
    });
    expect(lines[1].body).toMatchObject({ action: 'raised', cellId: 'L1-C004', severity: 'critical', lastValue: 31.2 });
  });

  it('reports a channel that is not configured without losing the others', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'webhooks-'));
    receiver = await startWebhookReceiver({ file: path.join(dir, 'received.jsonl') });
    const notifier = new ChannelNotifier([
      { kind: 'webhook', id: 'ok', url: `${receiver.url}/ok`, format: 'logic-apps' },
    ]);
    const evaluator = new AlertEvaluator(
      [
        parseAlertRule({
          id: 'r',
          name: 'R',
          scope: { tag: 'bathTemp' },
          condition: { kind: 'above', raise: 1, clear: 0 },
          severity: 'info',
          channels: ['missing', 'ok'],
        }),
      ],
      { nowMs: () => 0 },
    );
    const result = await dispatch(
      notifier,
      evaluator.observe({ lineId: 'L1', cellId: 'L1-C001', tag: 'bathTemp', tsMs: 0, value: 2 }),
    );
    expect(result.sent).toBe(1);
    expect(result.failed).toEqual([
      expect.objectContaining({ channel: 'missing', error: expect.stringContaining('ERR-ALERT-CHANNEL') }),
    ]);
    expect(receiver.received()).toHaveLength(1);
  });
});
