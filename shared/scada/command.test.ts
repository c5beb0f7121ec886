import { describe, expect, it } from 'vitest';
import { commandIdFor, CommandStateError, isFinal, proposedCommand, transition } from './command.js';
import { CommandConflictError, MemoryCommandRepository } from './command-repository.js';

const T0 = Date.UTC(2025, 0, 1);
const fresh = () =>
  proposedCommand(
    {
      commandId: commandIdFor('run-1', 'L1-C001', 'setpoint'),
      recommendationId: 'run-1',
      sourceEventId: 'e1',
      correlationId: 'run-1',
      equipmentId: 'L1-C001',
      lineId: 'L1',
      action: 'setpoint',
      setPoint: { acdCm: 3 },
      reportedPresent: { acdCm: 2.9 },
    },
    T0,
  );

describe('command state machine', () => {
  it('gives the same id to the same recommendation and equipment, and another to other equipment', () => {
    expect(commandIdFor('run-1', 'L1-C001', 'setpoint')).toBe(commandIdFor('run-1', 'L1-C001', 'setpoint'));
    expect(commandIdFor('run-1', 'L1-C002', 'setpoint')).not.toBe(commandIdFor('run-1', 'L1-C001', 'setpoint'));
  });

  it('allows proposed → approved → dispatched (retries) → acknowledged and counts revisions', () => {
    let d = fresh();
    d = transition(d, 'approved', T0 + 1);
    d = transition(d, 'dispatched', T0 + 2, { attempts: 1 });
    d = transition(d, 'dispatched', T0 + 3, { attempts: 2 });
    d = transition(d, 'acknowledged', T0 + 4);
    expect(d.revision).toBe(5);
    expect(d.history.map((h) => h.attempt)).toEqual([undefined, undefined, 1, 2, undefined]);
    expect(isFinal(d.state)).toBe(true);
  });

  it('refuses to dispatch a proposal that was never approved, or to leave a final state', () => {
    expect(() => transition(fresh(), 'dispatched', T0)).toThrow(CommandStateError);
    const rejected = transition(fresh(), 'rejected', T0);
    expect(() => transition(rejected, 'approved', T0)).toThrow(/legal next states: none/);
  });

  it('stores by command id: a second create is refused and a stale update conflicts', async () => {
    const repo = new MemoryCommandRepository();
    const d = fresh();
    expect(await repo.create(d)).toBe(true);
    expect(await repo.create(d)).toBe(false);
    const approved = transition(d, 'approved', T0 + 1);
    await repo.update(approved);
    await expect(repo.update(approved)).rejects.toBeInstanceOf(CommandConflictError);
  });
});
