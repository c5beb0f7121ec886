/**
 * What the alert notifier function does with a plant event: raise (or count) the alert it calls for in the store,
 * publish the change, and tell its channels. Delivery failures are returned, not thrown, after the alert is saved,
 * so a retry of the message does not raise twice (the event id is the raise's source: a redelivery changes nothing).
 */
import type { PlantEvent } from '../messaging/cloud-event.js';
import type { AlertRecords } from './alert-records.js';
import { dispatch, type Notifier } from './notifier.js';
import { raiseRequestFromEvent, type EventAlertPolicy } from './plant-events.js';

export interface AlertNotifierDeps {
  records: AlertRecords;
  notifier: Notifier;
  policies: Readonly<Record<string, EventAlertPolicy>>;
}

export interface AlertNotifierOutcome {
  action: 'raised' | 'repeated' | 'ignored';
  alertId?: string;
  sent: number;
  failed: { channel: string; alertId: string; error: string }[];
}

/** Handles one event from the `alerts` subscription. */
export async function handleAlertEvent(event: PlantEvent, deps: AlertNotifierDeps): Promise<AlertNotifierOutcome> {
  const request = raiseRequestFromEvent(event, deps.policies);
  if (!request) return { action: 'ignored', sent: 0, failed: [] };
  const { alert, transition } = await deps.records.raise(request);
  if (!transition) return { action: 'ignored', alertId: alert.id, sent: 0, failed: [] };
  const { sent, failed } = await dispatch(deps.notifier, [transition]);
  return { action: transition.action === 'raised' ? 'raised' : 'repeated', alertId: alert.id, sent, failed };
}
