import { z } from 'zod';
import { DevhostTopicMessage } from '../../../shared/messaging/devhost-publisher.js';
import { parseJsonWithin } from '../../../shared/kernel/json-limits.js';
import { ADMIN_BODY_LIMITS } from '../admin-body-limits.js';
import type { AdminRoute } from '../http-server.js';
import { TopicError } from './local-topic.js';
import type { LocalServiceBusNamespace } from './namespace.js';

/** Body of a replay request: the message ids to replay, or every dead-lettered message. */
export const ReplayRequest = z.union([
  z.object({ ids: z.array(z.string().min(1)).min(1) }),
  z.object({ all: z.literal(true) }),
]);
export type ReplayRequest = z.infer<typeof ReplayRequest>;

const invalid = (field: string, issue: string) => ({
  status: 400,
  json: { code: 'ERR-4001', message: `Invalid ${field}: ${issue}`, details: [{ field, issue }] },
});
const notFound = (field: string, issue: string) => ({
  status: 404,
  json: { code: 'ERR-4042', message: `${field} ${issue}`, details: [{ field, issue }] },
});

function parseJson<T>(
  body: Buffer,
  schema: z.ZodType<T>,
  hint: string,
): { ok: true; value: T } | { ok: false; response: { status: number; json: unknown } } {
  const read = parseJsonWithin(body.toString('utf8'), ADMIN_BODY_LIMITS);
  if (!read.ok)
    return {
      ok: false,
      response:
        'syntax' in read
          ? invalid('body', `is not JSON; send ${hint}`)
          : invalid('body', `${read.breach.message} (limit ${read.breach.limit})`),
    };
  const parsed = schema.safeParse(read.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      response: invalid(['body', ...(issue?.path ?? []).map(String)].join('.'), issue?.message ?? 'is invalid'),
    };
  }
  return { ok: true, value: parsed.data };
}

/** Runs `work`, turning a TopicError into 404 (unknown subscription or id) or 400 (anything else the caller sent wrong). */
async function guarded(work: () => { status: number; json: unknown }): Promise<{ status: number; json: unknown }> {
  try {
    return work();
  } catch (err) {
    if (err instanceof TopicError)
      return err.field === 'subscription' || err.field === 'id'
        ? notFound(err.field, err.message)
        : invalid(err.field, err.message);
    throw err;
  }
}

/**
 * The Service Bus admin endpoints under `/_devhost/servicebus/`: send to a topic (other processes publish here),
 * topic counters, list a subscription's dead-letter queue, replay from it (what `npm run bus -- dlq` calls).
 */
export function serviceBusAdminRoutes(namespace: LocalServiceBusNamespace): AdminRoute[] {
  return [
    {
      method: 'POST',
      template: 'servicebus/topics/{topic}/messages',
      systemKey: 'servicebus',
      handle: async (params, body) => {
        const parsed = parseJson(
          body,
          z.array(DevhostTopicMessage),
          'an array of { body: string, messageId?, contentType?, subject?, correlationId?, applicationProperties? }',
        );
        if (!parsed.ok) return parsed.response;
        return guarded(() => {
          const receipts = namespace.send(params.topic ?? '', parsed.value);
          return { status: 202, json: { count: receipts.length, receipts } };
        });
      },
    },
    {
      method: 'GET',
      template: 'servicebus/topics/{topic}',
      systemKey: 'servicebus',
      handle: async (params) =>
        guarded(() => ({
          status: 200,
          json: {
            topic: namespace.topic(params.topic ?? '').name,
            subscriptions: namespace.topic(params.topic ?? '').stats(),
          },
        })),
    },
    {
      method: 'GET',
      template: 'servicebus/topics/{topic}/subscriptions/{subscription}/deadletters',
      systemKey: 'servicebus',
      handle: async (params) =>
        guarded(() => ({
          status: 200,
          json: { messages: namespace.topic(params.topic ?? '').deadLetters(params.subscription ?? '') },
        })),
    },
    {
      method: 'POST',
      template: 'servicebus/topics/{topic}/subscriptions/{subscription}/deadletters/replay',
      systemKey: 'servicebus',
      handle: async (params, body) => {
        const parsed = parseJson(body, ReplayRequest, '{ "ids": [...] } or { "all": true }');
        if (!parsed.ok) return parsed.response;
        const request = parsed.value;
        return guarded(() => {
          const replayed = namespace
            .topic(params.topic ?? '')
            .replay(params.subscription ?? '', 'ids' in request ? request.ids : undefined);
          return { status: 200, json: { replayed } };
        });
      },
    },
  ];
}
