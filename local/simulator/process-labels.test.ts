import { describe, expect, it } from 'vitest';
import { virtualClock } from './clock.js';
import { NO_FAULTS } from './faults.js';
import { EmittedPoint, pointTsMs } from './point.js';
import { createPotline } from './potline.js';
import { runSimulator } from './runner.js';
import { memorySink } from './sinks/memory-sink.js';

describe('process-event labels', () => {
  it('labels an anode effect with its start and end, and the voltage points inside it read 30–50 V', async () => {
    const potline = createPotline({ lines: 1, cellsPerLine: 1, seed: 4, feederChokesPerCellDay: 0 });
    potline.applySetPoint('L1-C001', { feedIntervalS: 7200 });
    const sink = memorySink();
    const run = runSimulator({
      potline,
      sink,
      ratePerMin: 300,
      durationS: 45 * 60,
      clock: virtualClock(0),
      faults: NO_FAULTS,
    });
    await run.done;
    const ae = run.labels.labels().find((l) => l.kind === 'anode_effect');
    expect(ae).toBeDefined();
    const { startTsMs, endTsMs } = ae!.detail as { startTsMs: number; endTsMs: number };
    expect(endTsMs).toBeGreaterThan(startTsMs);
    const voltages = sink.events
      .flatMap((e) => {
        const parsed: unknown = JSON.parse(e.body);
        return Array.isArray(parsed) ? parsed : ((parsed as { points?: unknown[] }).points ?? [parsed]);
      })
      .map((p) => EmittedPoint.parse(p))
      .filter((p) => p.tag === 'cellVoltage');
    const inside = voltages.filter((p) => pointTsMs(p) >= startTsMs && pointTsMs(p) < endTsMs);
    expect(inside.length).toBeGreaterThan(0);
    for (const p of inside) {
      expect(p.value).toBeGreaterThan(25);
      expect(p.value).toBeLessThan(55);
    }
    const before = voltages.filter((p) => pointTsMs(p) < startTsMs - 60_000);
    expect(Math.max(...before.map((p) => p.value))).toBeLessThan(8);
    expect(run.labels.labels().some((l) => l.kind === 'setpoint_applied')).toBe(true);
  });
});
