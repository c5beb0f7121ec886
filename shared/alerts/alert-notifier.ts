/**
 * What the alert notifier function does with a plant event: raise (or count) the alert it calls for, persist the
 * alert, and tell its channels. Delivery failures are returned, not thrown, after the alert is saved, so a retry
 * of the message does not raise twice (the alert id and the redelivery check make the raise idempotent).
 */
import type { PlantEvent } from '../messaging/cloud-event.js';
import type { AlertBook } from './alert.js';
import { dispatch, type Notifier } from './notifier.js';
import { alertFromPlantEvent, type EventAlertPolicy } from './plant-events.js';
import type { AlertStore } from './store.js';

export interface AlertNotifierDeps {
  book: AlertBook;
  store: AlertStore;
  notifier: Notifier;
  policies: Record<string, EventAlertPolicy>;
}

export interface AlertNotifierOutcome {
  action: 'raised' | 'repeated' | 'ignored';
  alertId?: string;
  sent: number;
  failed: { channel: string; alertId: string; error: string }[];
}

/** Handles one event from the `alerts` subscription. */
export async function handleAlertEvent(event: PlantEvent, deps: AlertNotifierDeps): Promise<AlertNotifierOutcome> {
  const t = alertFromPlantEvent(deps.book, event, deps.policies);
  if (!t) return { action: 'ignored', sent: 0, failed: [] };
  await deps.store.save(t.alert);
  const { sent, failed } = await dispatch(deps.notifier, [t]);
  return { action: t.action === 'raised' ? 'raised' : 'repeated', alertId: t.alert.id, sent, failed };
}
