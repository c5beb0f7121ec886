import { describe, expect, it } from 'vitest';
import { PlantIndex } from '../../shared/plant/plant-index.js';
import { TEST_PLANT, testPlantWith } from '../../shared/plant/test-plant.js';
import type { Label } from '../simulator/index.js';
import { auditEnvelope } from './envelope-audit.js';

const T0 = Date.UTC(2025, 0, 1);
const move = (kind: 'setpoint_applied' | 'hmi_change', atMin: number, from: number, to: number): Label => ({
  kind,
  cellId: 'L1-C001',
  tsMs: T0 + atMin * 60_000,
  detail: { previous: { acdCm: from }, applied: { acdCm: to } },
});

const limitsOf = (id: string) => TEST_PLANT.envelopeLimitsFor(id);

describe('envelope audit against the plant’s own values', () => {
  it('finds nothing wrong with commanded moves inside maxStep and the hourly budget', () => {
    const audit = auditEnvelope(
      [move('setpoint_applied', 0, 3.0, 3.2), move('hmi_change', 10, 3.2, 3.1), move('setpoint_applied', 30, 3.1, 3.3)],
      limitsOf,
    );
    expect(audit).toMatchObject({
      commandMovesChecked: 2,
      hmiMoves: 1,
      maxStepViolations: 0,
      maxMovePerHourViolations: 0,
    });
  });

  it('counts a commanded step beyond maxStep from the value the plant held', () => {
    const audit = auditEnvelope([move('setpoint_applied', 0, 3.0, 3.5)], limitsOf);
    expect(audit.maxStepViolations).toBe(1);
    expect(audit.examples[0]).toContain('step over 0.3');
  });

  it('counts the operators’ moves in the hour against the budget of a later command', () => {
    // 0.6 cm per hour for ACD: the HMI moved it 0.4, so a command of 0.3 in the same hour is 0.1 too much.
    const audit = auditEnvelope(
      [move('hmi_change', 0, 3.0, 3.4), move('setpoint_applied', 20, 3.4, 3.1), move('setpoint_applied', 90, 3.1, 3.3)],
      limitsOf,
    );
    expect(audit).toMatchObject({ commandMovesChecked: 2, maxStepViolations: 0, maxMovePerHourViolations: 1 });
  });

  it('judges each cell by its own line and counts a commanded move on equipment the plant model lacks', () => {
    const plant = new PlantIndex(testPlantWith({ L1: 2 }));
    const audit = auditEnvelope(
      [move('setpoint_applied', 0, 3.0, 3.2), { ...move('setpoint_applied', 0, 3.0, 3.2), cellId: 'L9-C001' }],
      (id) => plant.envelopeLimitsFor(id),
    );
    expect(audit).toMatchObject({ commandMovesChecked: 2, maxStepViolations: 0, unknownEquipmentMoves: 1 });
    expect(audit.examples[0]).toContain('L9-C001');
  });
});
