/**
 * What a write route tells its callers about the plant event it publishes for the ledger (the OpenAPI operation's
 * description): the event is stored with the change (the outbox), so the answer never depends on the topic.
 * `stored` says when the event is stored, for a change whose own store cannot share a write with it.
 */
export function queuesLedgerEvent(eventType: string, stored = 'in the same atomic write as the change'): string {
  return (
    `Publishes ${eventType} for the ledger. The event is stored ${stored} and published right after it; when the ` +
    'topic is unavailable the write still succeeds (the change stands and its event stays queued) and the outbox ' +
    'sweep publishes the event within about a minute, under the same event id. Do not repeat a successful write to ' +
    'get its event published.'
  );
}
