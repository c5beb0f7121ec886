/**
 * Persistence ports of alerting: rules (changed by users through the API) and alerts with their history. Cosmos
 * containers `alert-rules` (partition /scopeTag) and `alerts` (partition /scopeKey) hold them in Azure
 * (shared/azure/containers.ts); the memory stores serve tests and one-process tools.
 */
import type { Alert } from './alert.js';
import type { AlertRule } from './rule.js';

export interface AlertRuleStore {
  list(): Promise<AlertRule[]>;
  put(rule: AlertRule): Promise<void>;
  delete(ruleId: string): Promise<void>;
}

export interface AlertStore {
  /** Upserts by alert id (deterministic, so a retried write replaces itself). */
  save(alert: Alert): Promise<void>;
  open(): Promise<Alert[]>;
  get(alertId: string): Promise<Alert | undefined>;
}

export class MemoryAlertRuleStore implements AlertRuleStore {
  private readonly rules = new Map<string, AlertRule>();
  async list(): Promise<AlertRule[]> {
    return [...this.rules.values()].map((r) => structuredClone(r));
  }
  async put(rule: AlertRule): Promise<void> {
    this.rules.set(rule.id, structuredClone(rule));
  }
  async delete(ruleId: string): Promise<void> {
    this.rules.delete(ruleId);
  }
}

export class MemoryAlertStore implements AlertStore {
  private readonly alerts = new Map<string, Alert>();
  async save(alert: Alert): Promise<void> {
    this.alerts.set(alert.id, structuredClone(alert));
  }
  async open(): Promise<Alert[]> {
    return [...this.alerts.values()].filter((a) => a.state !== 'cleared').map((a) => structuredClone(a));
  }
  async get(alertId: string): Promise<Alert | undefined> {
    const a = this.alerts.get(alertId);
    return a ? structuredClone(a) : undefined;
  }
}
