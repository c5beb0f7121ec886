/**
 * The alerting consumer of the telemetry hub, as one object per process: rules read from the rule store and the
 * open alerts from the alert store at most every `refreshMs` (a user's threshold change applies within that time,
 * without a deploy), an evaluator and anomaly detectors holding per-cell state between batches, and the batch step
 * of telemetry-alerts.ts. Malformed telemetry is skipped and counted, never thrown.
 */
import type { EventPublisher } from '../messaging/event-publisher.js';
import type { TagResolver } from '../telemetry/tag-resolution.js';
import { AlertRecords } from './alert-records.js';
import { PotlineAnomalyDetector } from './anomaly/potline-detector.js';
import { AlertEvaluator, type Clock } from './evaluator.js';
import type { Notifier } from './notifier.js';
import type { AlertRuleStore, AlertStore } from './store.js';
import { evaluateTelemetryBatch, type TelemetryAlertSummary } from './telemetry-alerts.js';
import { alertPointsOf, type SkipReason } from './telemetry-points.js';

export interface TelemetryAlertConsumerOptions {
  rules: AlertRuleStore;
  store: AlertStore;
  notifier: Notifier;
  /** Publishes anomalies and alert changes; none: anomaly detection is off and changes wait in the outbox. */
  publisher?: EventPublisher;
  clock: Clock;
  /** Longest time a rule change or an alert changed elsewhere takes to reach this consumer, ms. */
  refreshMs: number;
}

export interface TelemetryAlertReport extends TelemetryAlertSummary {
  skipped: Partial<Record<SkipReason, number>>;
  rules: number;
  /** Alerts whose change could not be published now (kept in their outbox for the sweep). */
  unpublished: string[];
}

export class TelemetryAlertConsumer {
  readonly evaluator: AlertEvaluator;
  readonly records: AlertRecords;
  private readonly detector: PotlineAnomalyDetector | undefined;
  private refreshedAtMs = Number.NEGATIVE_INFINITY;
  private unpublished: string[] = [];

  constructor(private readonly options: TelemetryAlertConsumerOptions) {
    this.evaluator = new AlertEvaluator([], options.clock);
    this.detector = options.publisher ? new PotlineAnomalyDetector() : undefined;
    this.records = new AlertRecords({
      store: options.store,
      ...(options.publisher ? { publisher: options.publisher } : {}),
      onPublishError: (alertId) => this.unpublished.push(alertId),
    });
  }

  /** Judges one batch of hub bodies (bytes, text or parsed JSON), reading tags and equipment through `tags`. */
  async handle(bodies: readonly unknown[], tags?: TagResolver): Promise<TelemetryAlertReport> {
    const { points, skipped } = alertPointsOf(bodies, tags);
    await this.refreshIfStale();
    this.unpublished = [];
    const summary = await evaluateTelemetryBatch(points, {
      evaluator: this.evaluator,
      records: this.records,
      notifier: this.options.notifier,
      ...(this.detector && this.options.publisher
        ? { detector: this.detector, publisher: this.options.publisher }
        : {}),
    });
    return { ...summary, skipped, rules: this.evaluator.activeRules.length, unpublished: this.unpublished };
  }

  /** Reads rules and open rule alerts again on the next batch (tests; a user just changed a rule). */
  invalidate(): void {
    this.refreshedAtMs = Number.NEGATIVE_INFINITY;
  }

  private async refreshIfStale(): Promise<void> {
    const now = this.options.clock.nowMs();
    if (now - this.refreshedAtMs < this.options.refreshMs) return;
    const [rules, open] = await Promise.all([this.options.rules.list(), this.options.store.open()]);
    this.evaluator.setRules(rules);
    this.evaluator.book.load(open.filter((a) => a.ruleId !== undefined));
    this.refreshedAtMs = now;
  }
}
