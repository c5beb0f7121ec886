/**
 * Telling people: the Notifier port and its channels. A webhook channel posts Teams / Logic Apps style JSON with
 * fetch; the Azure Communication Services channels build the e-mail and SMS requests ACS takes and hand them to a
 * sender (the Azure one lives in shared/azure; locally the devhost's webhook receiver stands in).
 */
import { z } from 'zod';
import type { Alert, AlertTransition } from './alert.js';
import { AlertError } from './errors.js';

export interface Notification {
  channel: string;
  action: AlertTransition['action'];
  alert: Alert;
}

/** The port: delivers one notification or throws (the caller retries by policy). */
export interface Notifier {
  notify(n: Notification): Promise<void>;
}

export const ChannelConfig = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('webhook'),
      id: z.string().min(1),
      url: z.url(),
      format: z.enum(['teams', 'logic-apps']).default('logic-apps'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('acs-email'),
      id: z.string().min(1),
      senderAddress: z.email(),
      to: z.array(z.email()).min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('acs-sms'),
      id: z.string().min(1),
      from: z.string().regex(/^\+\d{6,15}$/),
      to: z.array(z.string().regex(/^\+\d{6,15}$/)).min(1),
    })
    .strict(),
]);
export type ChannelConfig = z.infer<typeof ChannelConfig>;

const headline = (n: Notification) => `[${n.alert.severity.toUpperCase()}] ${n.action}: ${n.alert.title}`;

/** Teams incoming-webhook message card, or a flat JSON object a Logic App trigger maps by field. */
export function webhookBody(format: 'teams' | 'logic-apps', n: Notification): unknown {
  const a = n.alert;
  if (format === 'teams') {
    return {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: headline(n),
      themeColor: a.severity === 'critical' ? 'D13438' : a.severity === 'warning' ? 'FFB900' : '0078D4',
      title: headline(n),
      sections: [
        {
          facts: [
            { name: 'Alert', value: a.id },
            { name: 'Scope', value: a.scopeKey },
            { name: 'State', value: a.state },
            { name: 'Raised', value: a.raisedAt },
            ...(a.lastValue !== undefined ? [{ name: 'Last value', value: String(a.lastValue) }] : []),
          ],
        },
      ],
    };
  }
  return {
    action: n.action,
    alertId: a.id,
    title: a.title,
    severity: a.severity,
    state: a.state,
    scope: a.scopeKey,
    lineId: a.lineId,
    cellId: a.cellId,
    tag: a.tag,
    raisedAt: a.raisedAt,
    lastValue: a.lastValue,
    occurrences: a.occurrences,
  };
}

/** The body of an ACS e-mail send (EmailMessage of @azure/communication-email). */
export function acsEmailMessage(config: Extract<ChannelConfig, { kind: 'acs-email' }>, n: Notification) {
  return {
    senderAddress: config.senderAddress,
    recipients: { to: config.to.map((address) => ({ address })) },
    content: {
      subject: headline(n),
      plainText: `${headline(n)}\nAlert ${n.alert.id}, scope ${n.alert.scopeKey}, raised ${n.alert.raisedAt}, state ${n.alert.state}.`,
    },
  };
}

/** The body of an ACS SMS send (SmsSendRequest of @azure/communication-sms); 160 characters fit one segment. */
export function acsSmsRequest(config: Extract<ChannelConfig, { kind: 'acs-sms' }>, n: Notification) {
  return { from: config.from, to: config.to, message: headline(n).slice(0, 160) };
}

/** Sends ACS requests; implemented over the ACS REST API with the app's identity (shared/azure/acs-sender.ts). */
export interface AcsSender {
  sendEmail(message: ReturnType<typeof acsEmailMessage>): Promise<void>;
  sendSms(request: ReturnType<typeof acsSmsRequest>): Promise<void>;
}

export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; status: number }>;

/** Routes each notification to its configured channel. */
export class ChannelNotifier implements Notifier {
  private readonly channels = new Map<string, ChannelConfig>();

  constructor(
    channels: readonly ChannelConfig[],
    private readonly deps: { fetch?: Fetch; acs?: AcsSender } = {},
  ) {
    for (const c of channels) this.channels.set(c.id, ChannelConfig.parse(c));
  }

  async notify(n: Notification): Promise<void> {
    const c = this.channels.get(n.channel);
    if (!c)
      throw new AlertError(
        'ERR-ALERT-CHANNEL',
        `no channel "${n.channel}" is configured; add it to the alert channels setting or fix the rule`,
        'channels',
      );
    if (c.kind === 'webhook') {
      const fetchFn = this.deps.fetch ?? (globalThis.fetch as unknown as Fetch);
      const response = await fetchFn(c.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody(c.format, n)),
      });
      if (!response.ok)
        throw new AlertError(
          'ERR-ALERT-CHANNEL',
          `webhook ${c.id} answered HTTP ${response.status}; the notification will be retried`,
          'url',
        );
      return;
    }
    if (!this.deps.acs)
      throw new AlertError(
        'ERR-ALERT-CHANNEL',
        `channel ${c.id} needs Azure Communication Services, which is not configured here`,
        'channels',
      );
    if (c.kind === 'acs-email') await this.deps.acs.sendEmail(acsEmailMessage(c, n));
    else await this.deps.acs.sendSms(acsSmsRequest(c, n));
  }
}

/** Sends every transition that has channels; returns the failures instead of stopping at the first. */
export async function dispatch(
  notifier: Notifier,
  transitions: readonly AlertTransition[],
): Promise<{ sent: number; failed: { channel: string; alertId: string; error: string }[] }> {
  let sent = 0;
  const failed: { channel: string; alertId: string; error: string }[] = [];
  for (const t of transitions) {
    for (const channel of t.channels) {
      try {
        await notifier.notify({ channel, action: t.action, alert: t.alert });
        sent++;
      } catch (e) {
        failed.push({ channel, alertId: t.alert.id, error: (e as Error).message });
      }
    }
  }
  return { sent, failed };
}
