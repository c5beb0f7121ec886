import { describe, expect, it } from 'vitest';
import type { EnvelopeCheckResult } from './envelope-check.js';
import type { OptimizeResult } from './optimize-set-points.js';
import { MAX_ENVELOPE_ROUNDS, RunBook, waves } from './run-book.js';
import {
  OptimizationRunEventData,
  OptimizationRunResult,
  statusOfOutcome,
  type OptimizationRunInput,
} from './schemas.js';

const input: OptimizationRunInput = {
  lineId: 'L1',
  mode: 'advisory',
  userConstraints: [],
  approvalTimeoutMinutes: 30,
  requestedBy: 'erin',
  trigger: 'api',
  correlationId: 'c-1',
  modelVersion: '0.1.0',
  plantVersion: 'sha256:0123456789abcdef',
};
const ref = { container: 'gold', path: 'x.json' };
const opt = (status: OptimizeResult['optimizerStatus'] = 'optimal'): OptimizeResult => ({
  ref,
  optimizerStatus: status,
  baselineKWhPerKg: 14.2,
  objectiveKWhPerKg: 13.9,
  secChangePct: -2.1,
  changes: 20,
  droppedConstraints: [],
  violations: [],
});
const env = (passed: number, refused: string[] = []): EnvelopeCheckResult => ({
  ref,
  passed,
  cells: passed,
  refused: refused.map((equipmentId) => ({ equipmentId, rules: ['max-step'], message: 'too far' })),
});

describe('the run book', () => {
  it('holds refused cells and freezes the line current when the rectifier is refused, then gives up after the last round', () => {
    const book = new RunBook('opt-L1-a', input, 0);
    book.round = 1;
    expect(book.afterEnvelope(opt(), env(9, ['L1-C002', 'L1-LINE']))).toMatchObject({
      next: 'retry',
      hold: [{ equipmentId: 'L1-C002' }],
      freezeLineCurrent: expect.stringContaining('max-step'),
    });
    book.round = MAX_ENVELOPE_ROUNDS;
    expect(book.afterEnvelope(opt(), env(8, ['L1-C003']))).toMatchObject({
      next: 'give-up',
      reason: expect.stringContaining('L1-C003'),
    });
    expect(book.afterEnvelope(opt(), env(8))).toEqual({ next: 'accept' });
  });

  it('freezes the line current when a cell of the line could not be modelled', () => {
    const book = new RunBook('opt-L1-b', input, 0);
    book.notePredictions([
      { ref, cells: 11, manual: [], excluded: [{ equipmentId: 'L1-C004', reason: 'cellVoltage has no reading' }] },
    ]);
    expect(book.freezeLineCurrent).toMatch(/1 cell\(s\).*L1-C004: cellVoltage has no reading/);
  });

  it('ends advisory runs by the decision or the deadline, and records every column gold needs', () => {
    const approved = new RunBook('opt-L1-c', input, 1000);
    approved.round = 1;
    approved.afterEnvelope(opt(), env(5));
    approved.noteApproval({
      decision: 'approve',
      reason: 'fine',
      decidedBy: 'erin',
      decidedAtMs: 2000,
      correlationId: 'c-2',
    });
    const result = approved.result(3000);
    expect(OptimizationRunResult.parse(result)).toMatchObject({
      status: 'completed',
      outcome: 'applied',
      cellsChanged: 5,
      setPointEvents: 5,
      baselineKWhPerKg: 14.2,
      objectiveKWhPerKg: 13.9,
    });
    for (const column of [
      'runId',
      'lineId',
      'startedMs',
      'completedMs',
      'status',
      'objectiveKWhPerKg',
      'baselineKWhPerKg',
      'cellsChanged',
      'modelVersion',
    ])
      expect(OptimizationRunEventData.parse(result)).toHaveProperty(column);

    const expired = new RunBook('opt-L1-d', input, 1000);
    expired.round = 1;
    expired.afterEnvelope(opt(), env(5));
    expired.noteApprovalExpired('2026-11-22T10:30:00.000Z');
    expect(expired.result(3000)).toMatchObject({
      status: 'fallback',
      outcome: 'expired',
      cellsChanged: 0,
      setPointEvents: 0,
    });

    const infeasible = new RunBook('opt-L1-e', input, 1000);
    infeasible.round = 1;
    infeasible.afterEnvelope(opt('infeasible'), env(0));
    infeasible.settleWithoutApproval();
    expect(infeasible.result(3000)).toMatchObject({ status: 'fallback', outcome: 'infeasible' });
    expect(statusOfOutcome('unchanged')).toBe('completed');
    expect(statusOfOutcome('failed')).toBe('failed');
  });

  it('splits chunks into waves', () => {
    expect(waves([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
