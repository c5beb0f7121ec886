/**
 * The alerting pieces wired to Azure (or the local emulators) from the settings, built once per process: the Cosmos
 * alert and rule stores, the audit container, the plant-events publisher, the channels and the event policies.
 */
import { AlertRecords } from '../alerts/alert-records.js';
import { ChannelNotifier } from '../alerts/notifier.js';
import { defaultEventPolicies, type EventAlertPolicy } from '../alerts/plant-events.js';
import { parseAlertSettings, type AlertSettings } from '../alerts/settings.js';
import { settings } from '../config/settings.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { RestAcsSender } from './acs-sender.js';
import { azureCredential } from './clients.js';
import { CosmosAlertRuleStore, CosmosAlertStore } from './cosmos-alert-stores.js';
import { auditLogFromSettings, type CosmosAuditLog } from './cosmos-audit-log.js';
import { appCosmosClient, eventPublisherFromSettings, localCosmos, once } from './composition-root.js';

export interface AlertDependencies {
  settings: AlertSettings;
  alerts: CosmosAlertStore;
  rules: CosmosAlertRuleStore;
  audit: CosmosAuditLog;
  publisher: EventPublisher;
  notifier: ChannelNotifier;
  policies: Record<string, EventAlertPolicy>;
  /** Alert life-cycle over the store; `onPublishError` hears of changes left in the outbox for the sweep. */
  records(onPublishError?: (alertId: string, error: unknown) => void): AlertRecords;
}

/** Everything alerting needs, for the current settings; a failed start (Cosmos unreachable) is retried on the next call. */
export const alertDependencies = once<AlertDependencies>(async () => {
  const s = settings();
  const alertSettings = parseAlertSettings(process.env);
  const client = appCosmosClient();
  const createIfMissing = localCosmos();
  const [alerts, rules, audit, publisher] = await Promise.all([
    CosmosAlertStore.create(client, s.COSMOS_DATABASE, { createIfMissing }),
    CosmosAlertRuleStore.create(client, s.COSMOS_DATABASE, { createIfMissing }),
    auditLogFromSettings(),
    eventPublisherFromSettings(),
  ]);
  return {
    settings: alertSettings,
    alerts,
    rules,
    audit,
    publisher,
    notifier: new ChannelNotifier(
      alertSettings.ALERT_CHANNELS,
      alertSettings.ACS_ENDPOINT ? { acs: new RestAcsSender(alertSettings.ACS_ENDPOINT, azureCredential()) } : {},
    ),
    policies: defaultEventPolicies({
      operations: alertSettings.ALERT_OPERATIONS_CHANNELS,
      engineering: alertSettings.ALERT_ENGINEERING_CHANNELS,
      escalation: alertSettings.ALERT_ESCALATION_CHANNELS,
    }),
    records: (onPublishError) =>
      new AlertRecords({ store: alerts, publisher, ...(onPublishError ? { onPublishError } : {}) }),
  };
});
