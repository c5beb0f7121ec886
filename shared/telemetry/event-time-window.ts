/**
 * Time sanity at the boundary: the window of event times a point may carry. A point dated after its reference time
 * (its enqueued time at ingest) by more than the clock skew allowed comes from a clock that runs ahead; kept as a
 * latest value it would never go stale and would hide every real reading after it. A point dated before the plant
 * epoch comes from a clock that lost its setting (a PLC after a battery change reports 1970). Both are refused with
 * their own reason, never guessed at.
 */
import { MAX_EVENT_TS_MS, MIN_EVENT_TS_MS } from './point-schema.js';
import type { QuarantineReason } from './records.js';

/** The event times accepted for one body. */
export interface EventTimeWindow {
  /** Earliest event time accepted, epoch ms: the plant epoch. */
  notBeforeMs: number;
  /** Latest event time accepted, epoch ms: the reference time plus the clock skew allowed. */
  notAfterMs: number;
}

/**
 * How far a point's event time may run ahead of the time it was enqueued, ms. The plant's clocks and Event Hubs' are
 * NTP-disciplined to well under a second; 5 minutes also covers a PLC whose clock drifts between syncs.
 */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** The window used when no reference time is known: the credible event times (2000–2100). */
export const CREDIBLE_EVENT_TIMES: EventTimeWindow = { notBeforeMs: MIN_EVENT_TS_MS, notAfterMs: MAX_EVENT_TS_MS };

/** The window for an event enqueued (or read) at `referenceMs`. */
export function eventTimeWindow(
  referenceMs: number,
  opts: { epochMs?: number; maxFutureSkewMs?: number } = {},
): EventTimeWindow {
  return {
    notBeforeMs: opts.epochMs ?? MIN_EVENT_TS_MS,
    notAfterMs: Math.min(referenceMs + (opts.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS), MAX_EVENT_TS_MS),
  };
}

/** Why an event time falls outside the window, or undefined when it is inside. */
export function eventTimeRejection(
  tsMs: number,
  window: EventTimeWindow,
): { reason: QuarantineReason; detail: string } | undefined {
  if (tsMs > window.notAfterMs)
    return {
      reason: 'FUTURE_TIMESTAMP',
      detail: `ts ${iso(tsMs)} is after ${iso(window.notAfterMs)}, the latest event time accepted for this event (its enqueued time plus the clock skew allowed): the source's clock runs ahead; fix it and send the point again`,
    };
  if (tsMs < window.notBeforeMs)
    return {
      reason: 'TIMESTAMP_OUT_OF_RANGE',
      detail: `ts ${iso(tsMs)} is before ${iso(window.notBeforeMs)}, the plant epoch (PLANT_EPOCH): the source's clock has lost its setting; fix it and send the point again`,
    };
  return undefined;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
