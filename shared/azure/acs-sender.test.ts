import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelNotifier, type Notification } from '../alerts/notifier.js';
import { AlertBook } from '../alerts/alert.js';
import { ACS_EMAIL_API_VERSION, ACS_SMS_API_VERSION, ACS_TOKEN_SCOPE, RestAcsSender } from './acs-sender.js';

/**
 * A stand-in for the Communication Services REST endpoint (no emulator exists): it records what it receives and
 * answers as the service documents — 202 for an accepted e-mail, 202 with per-recipient results for SMS.
 */
interface Received {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}
let server: Server;
let endpoint: string;
const received: Received[] = [];
let smsRefuses = new Set<string>();
let emailStatus = 202;

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = JSON.parse(await read(req)) as Record<string, unknown>;
    received.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
    if (req.url?.startsWith('/emails:send'))
      return void res
        .writeHead(emailStatus, { 'operation-location': `${endpoint}/emails/operations/1` })
        .end(emailStatus === 202 ? '' : '{"error":{"code":"DomainNotLinked"}}');
    const recipients = body.smsRecipients as { to: string }[];
    res.writeHead(202, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        value: recipients.map((r) => ({
          to: r.to,
          successful: !smsRefuses.has(r.to),
          httpStatusCode: smsRefuses.has(r.to) ? 400 : 202,
          ...(smsRefuses.has(r.to) ? { errorMessage: 'Invalid To phone number format.' } : {}),
        })),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const scopes: string[] = [];
const credential = {
  getToken: async (scope: string | string[]) => (
    scopes.push(String(scope)),
    { token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }
  ),
};

function notification(): Notification {
  const book = new AlertBook();
  const { alert } = book.raise({
    conditionKey: 'bath-hot',
    scopeKey: 'L1-C007',
    ruleId: 'bath-hot',
    cellId: 'L1-C007',
    lineId: 'L1',
    title: 'Bath temperature high',
    severity: 'critical',
    channels: ['mail', 'sms'],
    atMs: Date.UTC(2026, 11, 2, 3, 0),
  });
  return { action: 'raised', alert, channel: 'mail' };
}

describe('alert e-mail and SMS through Azure Communication Services', () => {
  const channels = [
    {
      kind: 'acs-email' as const,
      id: 'mail',
      senderAddress: 'alerts@plant.example',
      to: ['lead@plant.example', 'eng@plant.example'],
    },
    { kind: 'acs-sms' as const, id: 'sms', from: '+4930000000', to: ['+4917000001', '+4917000002'] },
  ];

  it('sends the e-mail with an Entra token to emails:send, every recipient addressed', async () => {
    const notifier = new ChannelNotifier(channels, { acs: new RestAcsSender(endpoint, credential) });
    await notifier.notify({ ...notification(), channel: 'mail' });
    const r = received.at(-1)!;
    expect(r.path).toBe(`/emails:send?api-version=${ACS_EMAIL_API_VERSION}`);
    expect(r.authorization).toBe('Bearer entra-token');
    expect(scopes.at(-1)).toBe(ACS_TOKEN_SCOPE);
    expect(r.body).toMatchObject({
      senderAddress: 'alerts@plant.example',
      recipients: { to: [{ address: 'lead@plant.example' }, { address: 'eng@plant.example' }] },
      content: { subject: expect.stringContaining('Bath temperature high') },
    });
  });

  it('sends the SMS to every recipient in the REST shape, and fails naming the numbers ACS refused', async () => {
    const notifier = new ChannelNotifier(channels, { acs: new RestAcsSender(endpoint, credential) });
    await notifier.notify({ ...notification(), channel: 'sms' });
    const r = received.at(-1)!;
    expect(r.path).toBe(`/sms?api-version=${ACS_SMS_API_VERSION}`);
    expect(r.body).toMatchObject({
      from: '+4930000000',
      smsRecipients: [{ to: '+4917000001' }, { to: '+4917000002' }],
      message: expect.stringContaining('Bath temperature high'),
    });
    expect((r.body.message as string).length).toBeLessThanOrEqual(160);

    smsRefuses = new Set(['+4917000002']);
    await expect(notifier.notify({ ...notification(), channel: 'sms' })).rejects.toMatchObject({
      code: 'ERR-ALERT-CHANNEL',
      message: expect.stringContaining('+4917000002 (Invalid To phone number format.)'),
    });
    smsRefuses = new Set();
  });

  it("fails with the service's answer when the e-mail is not accepted", async () => {
    emailStatus = 400;
    const notifier = new ChannelNotifier(channels, { acs: new RestAcsSender(endpoint, credential) });
    await expect(notifier.notify({ ...notification(), channel: 'mail' })).rejects.toMatchObject({
      code: 'ERR-ALERT-CHANNEL',
      message: expect.stringContaining('HTTP 400 to the e-mail: {"error":{"code":"DomainNotLinked"}}'),
    });
    emailStatus = 202;
  });
});
