/**
 * Sends bodies to the devhost's local Event Hub: `POST {devhostUrl}/_devhost/eventhubs/{hub}/messages` with a
 * JSON array of `{ body, partitionKey }` and the devhost's `eventhubs` key (x-functions-key). Large sends are split
 * into requests of a bounded size.
 */
import { z } from 'zod';
import { fromZodIssues, SimulatorError } from '../errors.js';
import type { TelemetrySink } from './sink.js';

export const HttpSinkOptions = z.object({
  devhostUrl: z.url(),
  /** The devhost's `eventhubs` key (or its master key), from its `keys.json` (`.local/keys.json` under npm start). */
  key: z.string().min(1).optional(),
  hub: z.string().min(1).default('telemetry'),
  /** Bodies per request, at most (keeps each POST well under the devhost's body limit). */
  maxEventsPerRequest: z.number().int().min(1).max(100_000).default(2000),
});
export type HttpSinkOptions = z.input<typeof HttpSinkOptions>;

export function httpSink(input: HttpSinkOptions): TelemetrySink {
  const parsed = HttpSinkOptions.safeParse(input);
  if (!parsed.success) throw fromZodIssues('SIM-CONFIG', 'Invalid HTTP sink options', parsed.error.issues);
  const { devhostUrl, hub, maxEventsPerRequest, key } = parsed.data;
  const url = `${devhostUrl.replace(/\/+$/, '')}/_devhost/eventhubs/${encodeURIComponent(hub)}/messages`;
  return {
    async send(events) {
      for (let i = 0; i < events.length; i += maxEventsPerRequest) {
        const chunk = events.slice(i, i + maxEventsPerRequest);
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(key ? { 'x-functions-key': key } : {}) },
            body: JSON.stringify(chunk),
          });
        } catch (error) {
          throw new SimulatorError(
            'SIM-SINK',
            'devhostUrl',
            `Cannot reach the devhost at ${url}: ${(error as Error).message}. Is it running (npm start)?`,
          );
        }
        if (!response.ok) {
          const text = await response.text().catch(() => '');
          throw new SimulatorError(
            'SIM-SINK',
            'hub',
            `The devhost refused ${chunk.length} events for hub "${hub}" (HTTP ${response.status}): ${text.slice(0, 300)}`,
          );
        }
        await response.arrayBuffer().catch(() => undefined);
      }
    },
  };
}
