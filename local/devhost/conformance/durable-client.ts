import { waitFor } from '../testing.js';
import type { ManualClock } from '../timer/clock.js';

/**
 * The Durable Functions HTTP API of a devhost (learn.microsoft.com/azure/azure-functions/durable/durable-functions-http-api),
 * called with its `durabletask_extension` system key as Azure's webhook takes it.
 */
export function durableApi(httpUrl: () => string, clock: ManualClock, key: () => string) {
  const api = () => `${httpUrl()}/runtime/webhooks/durabletask`;
  const fetch = (url: string, init: RequestInit = {}) =>
    globalThis.fetch(url, { ...init, headers: { ...(init.headers as object), 'x-functions-key': key() } });
  const api2 = {
    /** POST orchestrators/{name}[/{id}] as the client's startNew sends it. */
    async start(
      name: string,
      input?: unknown,
      id?: string,
    ): Promise<{ status: number; body: Record<string, unknown> }> {
      const res = await fetch(`${api()}/orchestrators/${name}${id ? `/${encodeURIComponent(id)}` : ''}`, {
        method: 'POST',
        body: input === undefined ? '' : JSON.stringify(input),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async status(id: string, query = ''): Promise<{ status: number; body: InstanceStatus }> {
      const res = await fetch(`${api()}/instances/${encodeURIComponent(id)}${query}`);
      return { status: res.status, body: (await res.json()) as InstanceStatus };
    },
    async post(path: string, body?: unknown): Promise<number> {
      return (await fetch(`${api()}/${path}`, { method: 'POST', body: body === undefined ? '' : JSON.stringify(body) }))
        .status;
    },
    async list(query: string): Promise<InstanceStatus[]> {
      return (await (await fetch(`${api()}/instances/${query}`)).json()) as InstanceStatus[];
    },
    async purge(id: string): Promise<number> {
      return (await fetch(`${api()}/instances/${encodeURIComponent(id)}`, { method: 'DELETE' })).status;
    },
    /** Waits until the instance reaches one of `states`; `tickMs` moves the manual clock on every poll. */
    async until(id: string, states: string[], tickMs = 0): Promise<InstanceStatus> {
      return waitFor(`instance ${id} to be ${states.join('/')}`, async () => {
        if (tickMs > 0) clock.advanceBy(tickMs);
        const s = await api2.status(id, '?showHistory=true');
        return s.status !== 404 && states.includes(s.body.runtimeStatus) ? s.body : undefined;
      });
    },
  };
  return api2;
}

export interface InstanceStatus {
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  history?: { EventType: string; Timestamp: string; FireAt?: string; Name?: string; Input?: string; Reason?: string }[];
}

export const FINISHED = ['Completed', 'Failed', 'Terminated'];
