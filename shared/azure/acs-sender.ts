/**
 * The alert notifier's e-mail and SMS channels on Azure Communication Services, over its REST API with a Microsoft
 * Entra ID token (the app's managed identity; no access key in settings). E-mail: `POST {endpoint}/emails:send`
 * (accepted with 202, delivered asynchronously); SMS: `POST {endpoint}/sms`, whose 202 reports per recipient whether
 * the message was accepted. Any refusal throws, so the notification is counted failed and logged with the reason.
 */
import type { TokenCredential } from '@azure/identity';
import { AlertError } from '../alerts/errors.js';
import type { AcsSender, acsEmailMessage, acsSmsRequest } from '../alerts/notifier.js';

/** Token audience of the Communication Services data plane. */
export const ACS_TOKEN_SCOPE = 'https://communication.azure.com/.default';
/** REST API versions (Email GA 2023-03-31; SMS GA 2021-03-07). */
export const ACS_EMAIL_API_VERSION = '2023-03-31';
export const ACS_SMS_API_VERSION = '2021-03-07';

type Fetch = typeof globalThis.fetch;

interface SmsSendResult {
  value?: { to?: string; successful?: boolean; errorMessage?: string; httpStatusCode?: number }[];
}

export class RestAcsSender implements AcsSender {
  private readonly endpoint: string;

  constructor(
    endpoint: string,
    private readonly credential: TokenCredential,
    private readonly fetchFn: Fetch = globalThis.fetch,
  ) {
    this.endpoint = endpoint.replace(/\/+$/, '');
  }

  async sendEmail(message: ReturnType<typeof acsEmailMessage>): Promise<void> {
    const res = await this.post(`/emails:send?api-version=${ACS_EMAIL_API_VERSION}`, message);
    if (res.status !== 202) throw await refusal('e-mail', res);
  }

  async sendSms(request: ReturnType<typeof acsSmsRequest>): Promise<void> {
    const body = {
      from: request.from,
      smsRecipients: request.to.map((to) => ({ to })),
      message: request.message,
      smsSendOptions: { enableDeliveryReport: false },
    };
    const res = await this.post(`/sms?api-version=${ACS_SMS_API_VERSION}`, body);
    if (res.status !== 202) throw await refusal('SMS', res);
    const result = (await res.json().catch(() => ({}))) as SmsSendResult;
    const refused = (result.value ?? []).filter((r) => r.successful === false);
    if (refused.length > 0) {
      throw new AlertError(
        'ERR-ALERT-CHANNEL',
        `ACS refused the SMS to ${refused.map((r) => `${r.to ?? '?'} (${r.errorMessage ?? r.httpStatusCode ?? 'no reason given'})`).join(', ')}`,
        'to',
      );
    }
  }

  private async post(path: string, body: unknown): Promise<Response> {
    const token = await this.credential.getToken(ACS_TOKEN_SCOPE);
    if (!token)
      throw new AlertError(
        'ERR-ALERT-CHANNEL',
        'no Microsoft Entra token for Azure Communication Services; check the app identity and its role on the resource',
        'ACS_ENDPOINT',
      );
    return this.fetchFn(`${this.endpoint}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}

async function refusal(what: string, res: Response): Promise<AlertError> {
  const text = (await res.text().catch(() => '')).slice(0, 300);
  return new AlertError(
    'ERR-ALERT-CHANNEL',
    `ACS answered HTTP ${res.status} to the ${what}${text ? `: ${text}` : ''}; the notification is not sent`,
    'ACS_ENDPOINT',
  );
}
