import { describe, expect, it } from 'vitest';
import { Orchestration } from './names.js';
import { MemoryRunClient } from './run-client.js';
import { scheduledOptimizationRunId } from './run-ids.js';
import { startScheduledRuns } from './schedule.js';
import { PlantIndex } from '../plant/plant-index.js';
import { testPlantWith } from '../plant/test-plant.js';

const slot = {
  nextOccurrence: '2026-11-22T11:05:00.000Z',
  mode: 'closed-loop' as const,
  approvalTimeoutMinutes: 30,
  modelVersion: '0.1.0',
  plant: new PlantIndex(testPlantWith({ L1: 4, L2: 4, L10: 4 })),
};

describe('the optimisation schedule', () => {
  it('starts one run per line and slot; the same slot again (a past-due repeat) starts nothing', async () => {
    const client = new MemoryRunClient();
    const first = await startScheduledRuns(client, { ...slot, lines: ['L2', 'L1'] });
    expect(first).toEqual([
      { lineId: 'L1', runId: 'opt-L1-before-20261122T110500Z', outcome: 'started' },
      { lineId: 'L2', runId: 'opt-L2-before-20261122T110500Z', outcome: 'started' },
    ]);
    expect(client.instances.get('opt-L1-before-20261122T110500Z')).toMatchObject({
      name: Orchestration.optimizationRun,
      input: {
        lineId: 'L1',
        mode: 'closed-loop',
        trigger: 'schedule',
        requestedBy: 'schedule',
        plantVersion: slot.plant.version,
      },
    });
    const again = await startScheduledRuns(client, { ...slot, lines: ['L1', 'L2'] });
    expect(again.map((s) => s.outcome)).toEqual(['already-started', 'already-started']);
    expect(client.instances.size).toBe(2);
  });

  it('skips a line whose previous run is still going (an advisory run waiting for approval)', async () => {
    const client = new MemoryRunClient();
    await startScheduledRuns(client, { ...slot, lines: ['L1'] });
    const next = await startScheduledRuns(client, {
      ...slot,
      nextOccurrence: '2026-11-22T12:05:00.000Z',
      lines: ['L1', 'L10'],
    });
    expect(next).toEqual([
      {
        lineId: 'L1',
        runId: scheduledOptimizationRunId('L1', '2026-11-22T12:05:00.000Z'),
        outcome: 'busy',
        activeRunId: 'opt-L1-before-20261122T110500Z',
      },
      { lineId: 'L10', runId: 'opt-L10-before-20261122T120500Z', outcome: 'started' },
    ]);
  });

  it('runs only lines of the plant model in force: a configured line the model lacks is reported, not started', async () => {
    const client = new MemoryRunClient();
    const starts = await startScheduledRuns(client, { ...slot, lines: ['L1', 'L7'] });
    expect(starts).toEqual([
      { lineId: 'L1', runId: 'opt-L1-before-20261122T110500Z', outcome: 'started' },
      { lineId: 'L7', runId: 'opt-L7-before-20261122T110500Z', outcome: 'not-in-plant' },
    ]);
    expect([...client.instances.keys()]).toEqual(['opt-L1-before-20261122T110500Z']);
  });
});
