import { describe, expect, it } from 'vitest';
import { parseAlertSettings } from './settings.js';

describe('alert settings', () => {
  it('reads channels as JSON and team channel lists as comma-separated ids', () => {
    const s = parseAlertSettings({
      ALERT_CHANNELS: '[{"kind":"webhook","id":"teams-ops","url":"http://127.0.0.1:7072/teams","format":"teams"}]',
      ALERT_OPERATIONS_CHANNELS: 'teams-ops, mail-ops',
    });
    expect(s.ALERT_CHANNELS[0]).toMatchObject({ kind: 'webhook', id: 'teams-ops' });
    expect(s.ALERT_OPERATIONS_CHANNELS).toEqual(['teams-ops', 'mail-ops']);
    expect(s.ALERT_ESCALATION_CHANNELS).toEqual([]);
  });

  it('fails naming the setting when the channels are not JSON or not channels', () => {
    expect(() => parseAlertSettings({ ALERT_CHANNELS: 'teams' })).toThrow(/ALERT_CHANNELS/);
    expect(() => parseAlertSettings({ ALERT_CHANNELS: '[{"kind":"pager","id":"x"}]' })).toThrow(/ALERT_CHANNELS/);
  });
});
