import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../kernel/audit-log.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { MemoryHotStateStore } from '../telemetry/hot-state.js';
import { MemoryCommandRepository } from './command-repository.js';
import { ScadaDispatcher } from './dispatcher.js';
import { RATE_WINDOW_MS } from './envelope.js';
import { TEST_ENVELOPE_LIMITS, TEST_PLANT } from '../plant/test-plant.js';
import { limitsFromPlant } from './equipment-limits.js';
import { setpointRecommendedEvent } from './events.js';
import type { GatewayOutcome, ScadaGateway } from './gateway.js';
import { MemoryOverrideStore } from './override.js';
import { MemoryReadbackStore } from './readback.js';
import { observeReadback } from './readback-observer.js';
import type { SetPointField } from '../plant/set-point.js';

/**
 * The safety property of issue "plant protocol", over arbitrary interleavings of out-of-band changes (an operator at
 * the HMI), plant reports (some late, some missing), recommendations, redeliveries, dispatcher restarts, lost
 * acknowledgements and a read-back store that goes away: every command the plant receives is
 * - within maxStep of every value the plant may hold as far as its reports and our own applied commands tell, and
 * - within maxMovePerHour of movement in the rolling hour: our applied moves plus the external movement the reports
 *   show (measured the least it could have been).
 * The oracle below is the test's own bookkeeping of the plant; it never reads the dispatcher's stores.
 */
const limits = TEST_ENVELOPE_LIMITS;
const T0 = Date.UTC(2025, 0, 1, 8);
const CELLS = ['L1-C001', 'L1-C002'] as const;
/** One cell takes most of the traffic, so commands, reports and HMI changes interleave on it. */
const cellArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(CELLS[0]) },
  { weight: 1, arbitrary: fc.constant(CELLS[1]) },
);
const FIELDS = ['acdCm', 'feedIntervalS'] as const satisfies readonly SetPointField[];
const START: Record<(typeof FIELDS)[number], number> = { acdCm: 2.9, feedIntervalS: 120 };
type Field = (typeof FIELDS)[number];

const Step = fc.record({
  advanceMs: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 1000, 4000, 6000, 30_000) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 * 60_000 }) },
  ),
  /** An operator moves a field at the HMI (relative to what the plant holds), in percent of the field's maxStep. */
  hmi: fc.option(
    fc.record({ cell: cellArb, field: fc.constantFrom(...FIELDS), movePct: fc.integer({ min: -250, max: 250 }) }),
    { freq: 3 },
  ),
  /** The plant reports its set points now, for some cells (or none: reports are late or lost). */
  report: fc.subarray([...CELLS]),
  recommendations: fc.array(
    // Moves in percent of maxStep from the last report: mostly near the limit, some far beyond it.
    fc.record({
      cell: cellArb,
      field: fc.constantFrom(...FIELDS),
      movePct: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: -115, max: 115 }) },
        { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
      ),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  /** What the plant does with what reaches it. */
  plant: fc.constantFrom('applies', 'applies', 'applies-no-ack', 'ignores'),
  redeliver: fc.boolean(),
  restart: fc.boolean(),
  readbackDown: fc.constantFrom(false, false, false, false, true),
});

describe('the envelope judged against the plant’s read-back', () => {
  it('property: no command moves a field more than maxStep from what the plant may hold, nor past maxMovePerHour of movement', async () => {
    let sent = 0;
    let refusedForReadback = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(Step, { minLength: 2, maxLength: 14 }), async (steps) => {
        let nowMs = T0;
        const truth = new Map<string, Record<Field, number>>(CELLS.map((c) => [c, { ...START }]));
        // Oracle: per cell and field, the last report, our applied commands since, and the hour's movement.
        const lastReport = new Map<string, number>();
        const appliedSince = new Map<string, number[]>();
        const moves: { key: string; moveAbs: number; atMs: number }[] = [];
        const key = (cell: string, field: Field) => `${cell}/${field}`;
        const breaches: string[] = [];

        const readback = new MemoryReadbackStore();
        const commands = new MemoryCommandRepository();
        const hotState = new MemoryHotStateStore();
        const overrides = new MemoryOverrideStore();
        const publisher = new RecordingEventPublisher();
        let plantMode: string = 'applies';
        const gateway: ScadaGateway = {
          async send(command, attempt): Promise<GatewayOutcome> {
            const correlationId = `${command.commandId}/${attempt}`;
            // Breaches are collected, not thrown: the dispatcher would take a throw for a gateway failure.
            if (readback.unavailable) breaches.push(`${command.commandId} sent while the read-back store was down`);
            for (const field of FIELDS) {
              const v = command.setPoint[field];
              if (v === undefined) continue;
              const k = key(command.equipmentId, field);
              const candidates = [lastReport.get(k)!, ...(appliedSince.get(k) ?? [])];
              for (const c of candidates)
                if (Math.abs(v - c) > limits.fields[field].maxStep + 1e-9)
                  breaches.push(`${k}: ${v} is ${Math.abs(v - c)} from ${c} the plant may hold`);
              const known = candidates.at(-1)!;
              const hour = moves
                .filter((m) => m.key === k && m.atMs > nowMs - RATE_WINDOW_MS)
                .reduce((s, m) => s + m.moveAbs, 0);
              if (hour + Math.abs(v - known) > limits.fields[field].maxMovePerHour + 1e-9)
                breaches.push(`${k}: ${hour} moved in the hour, ${Math.abs(v - known)} more`);
            }
            sent++;
            if (plantMode === 'ignores') return { kind: 'timeout', correlationId };
            for (const field of FIELDS) {
              const v = command.setPoint[field];
              if (v === undefined) continue;
              const k = key(command.equipmentId, field);
              const known = [lastReport.get(k)!, ...(appliedSince.get(k) ?? [])].at(-1)!;
              moves.push({ key: k, moveAbs: Math.abs(v - known), atMs: nowMs });
              appliedSince.set(k, [...(appliedSince.get(k) ?? []), v]);
              truth.get(command.equipmentId)![field] = v;
            }
            if (plantMode === 'applies-no-ack') return { kind: 'timeout', correlationId };
            return {
              kind: 'acknowledged',
              ack: { correlationId, appliedAtMs: nowMs, applied: { ...command.setPoint }, previous: {} },
            };
          },
          async close() {},
        };
        const dispatcherOf = () =>
          new ScadaDispatcher({
            commands,
            overrides,
            hotState,
            readback,
            gateway,
            publisher,
            limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
            policy: { maxAttempts: 2, ackTimeoutMs: 50, backoffMs: 500 },
            clock: () => nowMs,
            sleep: async (ms) => void (nowMs += ms),
          });
        let dispatcher = dispatcherOf();

        for (const [i, s] of steps.entries()) {
          nowMs += s.advanceMs;
          plantMode = s.plant;
          readback.unavailable = false;
          for (const c of CELLS)
            hotState.docs.set(c, {
              id: c,
              cellId: c,
              lineId: 'L1',
              tags: { cellVoltage: { value: 4.4, unit: 'V', ts: nowMs, quality: 'good', flags: [] } },
              updatedAtMs: nowMs,
            });
          if (s.hmi) {
            const held = truth.get(s.hmi.cell)!;
            held[s.hmi.field] =
              Math.round((held[s.hmi.field] + (s.hmi.movePct / 100) * limits.fields[s.hmi.field].maxStep) * 1000) /
              1000;
          }
          if (s.report.length > 0) {
            const reports = s.report.flatMap((cell) =>
              FIELDS.map((field) => ({
                equipmentId: cell,
                lineId: 'L1',
                field,
                value: truth.get(cell)![field],
                tsMs: nowMs,
              })),
            );
            // The oracle's external movement: the least the report can be explained by, given our applied commands.
            for (const r of reports) {
              const k = key(r.equipmentId, r.field);
              const before = lastReport.get(k);
              if (before !== undefined) {
                const explanations = [before, ...(appliedSince.get(k) ?? [])];
                const external = Math.min(...explanations.map((x) => Math.abs(r.value - x)));
                if (external > 1e-9) moves.push({ key: k, moveAbs: external, atMs: nowMs });
              }
              lastReport.set(k, r.value);
              appliedSince.set(k, []);
            }
            await observeReadback(reports, {
              readback,
              commands,
              publisher,
              audit: new MemoryAuditLog(),
              limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
              clock: () => nowMs,
            });
          }
          if (s.restart) dispatcher = dispatcherOf();
          readback.unavailable = s.readbackDown;
          const byCell = new Map<string, Partial<Record<Field, number>>>();
          for (const r of s.recommendations) {
            const base = lastReport.get(key(r.cell, r.field)) ?? START[r.field];
            byCell.set(r.cell, {
              ...byCell.get(r.cell),
              [r.field]: Math.round((base + (r.movePct / 100) * limits.fields[r.field].maxStep) * 1000) / 1000,
            });
          }
          for (const [cell, setPoint] of byCell) {
            const event = setpointRecommendedEvent(
              { recommendationId: `run-${i}/${cell}`, lineId: 'L1', setPoints: [{ equipmentId: cell, setPoint }] },
              { source: '/test', time: new Date(nowMs) },
            );
            const report = await dispatcher.handle(event);
            if (
              report.kind === 'recommendation' &&
              report.commands[0]!.violations.some(
                (v) => v.rule === 'interlock-unverifiable' || v.rule.startsWith('readback-'),
              )
            )
              refusedForReadback++;
            if (s.redeliver) await dispatcherOf().handle(event);
          }
        }
        expect(breaches).toEqual([]);
      }),
      { numRuns: 400, seed: 20261207 },
    );
    // Not vacuous: many commands reached the plant, and the read-back rules refused some.
    expect(sent).toBeGreaterThan(150);
    expect(refusedForReadback).toBeGreaterThan(20);
    // 400 seeded interleavings: a second or two alone, far longer on a machine shared with other work.
  }, 120_000);
});
