/**
 * Evaluates alert rules over a stream of telemetry points, with an injectable clock. Durations (raiseForS,
 * clearForS) are measured in point time, so a replayed stream judges as it happened; a point older than the newest
 * one judged for its rule and cell is skipped. Missing data and escalation are judged on `tick()` against the clock,
 * because they are about time passing without points.
 */
import { DEFAULT_MAX_FUTURE_SKEW_MS } from '../telemetry/event-time-window.js';
import { AlertBook, type AlertTransition } from './alert.js';
import { escalationDue } from './escalation.js';
import { ruleMatches, type AlertRule, type Condition, type EvaluablePoint } from './rule.js';

export interface Clock {
  nowMs(): number;
}

interface ScopeState {
  lineId: string;
  cellId: string;
  lastTsMs?: number;
  lastValue?: number;
  pendingRaiseSinceMs?: number;
  pendingClearSinceMs?: number;
}

/** What a value says about a condition: beyond the raise threshold, back past the clear threshold, or neither. */
export function judge(
  condition: Condition,
  value: number,
  ratePerMin: number | undefined,
): { breach: boolean; cleared: boolean } {
  switch (condition.kind) {
    case 'above':
      return { breach: value > condition.raise, cleared: value <= condition.clear };
    case 'below':
      return { breach: value < condition.raise, cleared: value >= condition.clear };
    case 'outside_band':
      return {
        breach: value < condition.low.raise || value > condition.high.raise,
        cleared: value >= condition.low.clear && value <= condition.high.clear,
      };
    case 'rate_of_change':
      if (ratePerMin === undefined) return { breach: false, cleared: false };
      return { breach: ratePerMin > condition.raisePerMin, cleared: ratePerMin < condition.clearPerMin };
    case 'missing_data':
      return { breach: false, cleared: true };
  }
}

const lineOf = (cellId: string) => cellId.split('-')[0] ?? cellId;

export class AlertEvaluator {
  private rules: AlertRule[] = [];
  private readonly scopes = new Map<string, ScopeState>();
  private readonly startedMs: number;

  constructor(
    rules: readonly AlertRule[],
    private readonly clock: Clock,
    readonly book: AlertBook = new AlertBook(),
  ) {
    this.setRules(rules);
    this.startedMs = clock.nowMs();
  }

  /** Replaces the rules (users change thresholds without a deploy); open alerts of removed rules stay until cleared. */
  setRules(rules: readonly AlertRule[]): void {
    this.rules = rules.filter((r) => r.enabled);
  }

  /** The enabled rules it judges. */
  get activeRules(): readonly AlertRule[] {
    return this.rules;
  }

  /** Feeds one point; returns what it raised or cleared. */
  observe(p: EvaluablePoint): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const rule of this.rules) {
      if (!ruleMatches(rule, p)) continue;
      // A point dated ahead of the clock proves nothing about now and would make every real point after it "late".
      if (p.tsMs > this.clock.nowMs() + DEFAULT_MAX_FUTURE_SKEW_MS) continue;
      const st = this.state(rule, p.cellId, p.lineId);
      // A late point (or one of a redelivered batch) is not judged: its moment has passed, and durations run forward.
      // (A newest point dated ahead of the clock is no reference: the point is judged.)
      if (st.lastTsMs !== undefined && p.tsMs < st.lastTsMs && !this.isAhead(st.lastTsMs)) continue;
      const ratePerMin =
        st.lastTsMs !== undefined && st.lastValue !== undefined && p.tsMs > st.lastTsMs
          ? (Math.abs(p.value - st.lastValue) * 60_000) / (p.tsMs - st.lastTsMs)
          : undefined;
      st.lastTsMs = p.tsMs;
      st.lastValue = p.value;
      const { breach, cleared } = judge(rule.condition, p.value, ratePerMin);
      const value = rule.condition.kind === 'rate_of_change' ? ratePerMin : p.value;
      out.push(...this.step(rule, st, breach, cleared, p.tsMs, value));
    }
    return out;
  }

  /** Judges what time alone decides: missing data, raise/clear durations already served, escalations due. */
  tick(): AlertTransition[] {
    const now = this.clock.nowMs();
    const out: AlertTransition[] = [];
    for (const rule of this.rules) {
      if (rule.condition.kind !== 'missing_data') continue;
      if (rule.scope.cellId) this.state(rule, rule.scope.cellId, rule.scope.lineId ?? lineOf(rule.scope.cellId));
      for (const [k, st] of this.scopes) {
        if (!k.startsWith(`${rule.id}\n`)) continue;
        const silentMs = now - (st.lastTsMs ?? this.startedMs);
        // A newest point dated ahead of the clock (a negative age) is no evidence of data now: silent as well.
        const breach = silentMs > rule.condition.afterS * 1000 || this.isAhead(st.lastTsMs ?? this.startedMs);
        out.push(...this.step(rule, st, breach, !breach, now, silentMs / 1000));
      }
    }
    for (const alert of this.book.open()) {
      const plan = this.rules.find((r) => r.id === alert.ruleId)?.escalation;
      if (!escalationDue(alert, plan, now)) continue;
      const t = this.book.escalate(alert.id, now, plan.channels, plan.severity);
      if (t) out.push(t);
    }
    return out;
  }

  /** Acknowledges an alert (a person has seen it): it will not escalate. */
  acknowledge(alertId: string, by: string): AlertTransition {
    return this.book.acknowledge(alertId, by, this.clock.nowMs());
  }

  /** Clears an alert by hand. */
  clear(alertId: string, by: string): AlertTransition {
    return this.book.clear(alertId, this.clock.nowMs(), by, 'cleared by hand');
  }

  /** True for a time further ahead of the clock than the skew allowed: not a moment that has happened. */
  private isAhead(tsMs: number): boolean {
    return tsMs > this.clock.nowMs() + DEFAULT_MAX_FUTURE_SKEW_MS;
  }

  private state(rule: AlertRule, cellId: string, lineId: string): ScopeState {
    const k = `${rule.id}\n${cellId}`;
    let st = this.scopes.get(k);
    if (!st) {
      st = { cellId, lineId };
      this.scopes.set(k, st);
    }
    return st;
  }

  private step(
    rule: AlertRule,
    st: ScopeState,
    breach: boolean,
    cleared: boolean,
    atMs: number,
    value: number | undefined,
  ): AlertTransition[] {
    const open = this.book.openFor(rule.id, st.cellId);
    if (!open) {
      st.pendingClearSinceMs = undefined;
      if (!breach) {
        st.pendingRaiseSinceMs = undefined;
        return [];
      }
      st.pendingRaiseSinceMs ??= atMs;
      if (atMs - st.pendingRaiseSinceMs < rule.raiseForS * 1000) return [];
      st.pendingRaiseSinceMs = undefined;
      return [
        this.book.raise({
          conditionKey: rule.id,
          scopeKey: st.cellId,
          ruleId: rule.id,
          title: `${rule.name}: ${st.cellId} ${describe(rule.condition)}`,
          severity: rule.severity,
          channels: rule.channels,
          atMs,
          lineId: st.lineId,
          cellId: st.cellId,
          tag: rule.scope.tag,
          ...(value !== undefined ? { value } : {}),
        }),
      ];
    }
    st.pendingRaiseSinceMs = undefined;
    if (!cleared) {
      st.pendingClearSinceMs = undefined;
      return [];
    }
    st.pendingClearSinceMs ??= atMs;
    if (atMs - st.pendingClearSinceMs < rule.clearForS * 1000) return [];
    st.pendingClearSinceMs = undefined;
    return [this.book.clear(open.id, atMs, undefined, 'condition cleared')];
  }
}

function describe(c: Condition): string {
  switch (c.kind) {
    case 'above':
      return `above ${c.raise}`;
    case 'below':
      return `below ${c.raise}`;
    case 'outside_band':
      return `outside ${c.low.raise}–${c.high.raise}`;
    case 'rate_of_change':
      return `changing faster than ${c.raisePerMin}/min`;
    case 'missing_data':
      return `silent for more than ${c.afterS} s`;
  }
}
