import { describe, expect, it } from 'vitest';
import { proposedCommand, transition, type CommandDoc } from './command.js';
import { nextCommandVersion, resumeVerdict, versionOf } from './command-version.js';
import type { ReadbackDoc } from './readback.js';

const T0 = Date.UTC(2025, 0, 1, 8);
const CELL = 'L1-C001';
const SKEW_MS = 5000;

function approved(commandId: string, alf3: number, atMs: number, version?: number): CommandDoc {
  const doc = proposedCommand(
    {
      commandId,
      recommendationId: `rec-${commandId}`,
      sourceEventId: `ev-${commandId}`,
      correlationId: commandId,
      equipmentId: CELL,
      lineId: 'L1',
      action: 'setpoint',
      setPoint: { alf3AdditionKgPerDay: alf3 },
      reportedPresent: {},
    },
    atMs,
  );
  return transition(doc, 'approved', atMs, version === undefined ? {} : { version });
}

const dispatched = (doc: CommandDoc, atMs: number) => transition(doc, 'dispatched', atMs, { attempts: 1 });

function readback(value: number, tsMs: number, recent: ReadbackDoc['recent'] = []): ReadbackDoc {
  return {
    id: CELL,
    kind: 'readback',
    equipmentId: CELL,
    lineId: 'L1',
    fields: { alf3AdditionKgPerDay: { value, tsMs } },
    recent,
    updatedAtMs: tsMs,
  };
}

describe('command versions', () => {
  it('puts a command approved later above every earlier one to the same field, even when its clock is behind', () => {
    const earlier = approved('cmd-a', 30, T0, T0 + 60_000);
    const next = approved('cmd-b', 35, T0);
    expect(nextCommandVersion(next, [earlier], T0)).toBe(T0 + 60_001);
    expect(nextCommandVersion(next, [], T0 + 0.7)).toBe(T0);
  });

  it('keeps the approval time as the version of a command stored before versions were kept', () => {
    expect(versionOf(approved('cmd-old', 30, T0))).toBe(T0);
  });
});

describe('resuming a command by the read-back', () => {
  it('sends it again when the plant still reports the value from before it (the DCMD was lost)', () => {
    const doc = dispatched(approved('cmd-a', 30, T0, T0), T0 + 10);
    expect(resumeVerdict(doc, readback(25, T0 + 8_000), [doc], SKEW_MS)).toEqual({ kind: 'send' });
  });

  it('confirms it without sending when the plant reports its value since it was sent', () => {
    const doc = dispatched(approved('cmd-a', 30, T0, T0), T0 + 10);
    const change = {
      id: 'chg-1',
      kind: 'setpoint-change' as const,
      equipmentId: CELL,
      lineId: 'L1',
      field: 'alf3AdditionKgPerDay' as const,
      from: 25,
      to: 30,
      atMs: T0 + 400,
      observedAtMs: T0 + 900,
      origin: 'command' as const,
      commandId: 'cmd-a',
      moveAbs: 5,
    };
    expect(resumeVerdict(doc, readback(30, T0 + 8_000, [change]), [doc], SKEW_MS)).toEqual({
      kind: 'confirmed',
      ack: {
        correlationId: 'cmd-a/readback',
        appliedAtMs: T0 + 400,
        applied: { alf3AdditionKgPerDay: 30 },
        previous: { alf3AdditionKgPerDay: 25 },
      },
    });
  });

  it('does not send it when a command approved after it owns the field, before any read-back shows that', () => {
    const doc = dispatched(approved('cmd-a', 30, T0, T0), T0 + 10);
    const newer = dispatched(approved('cmd-b', 35, T0 + 5_000, T0 + 5_000), T0 + 5_010);
    const verdict = resumeVerdict(doc, readback(25, T0 + 8_000), [doc, newer], SKEW_MS);
    expect(verdict).toMatchObject({ kind: 'superseded', reason: expect.stringContaining('cmd-b') });
  });

  it('does not send it when the plant reported another value after it was sent (an operator at the HMI)', () => {
    const doc = approved('cmd-a', 30, T0, T0);
    const change = {
      id: 'chg-2',
      kind: 'setpoint-change' as const,
      equipmentId: CELL,
      lineId: 'L1',
      field: 'alf3AdditionKgPerDay' as const,
      from: 25,
      to: 20,
      atMs: T0 + 2_000,
      observedAtMs: T0 + 2_500,
      origin: 'external' as const,
      moveAbs: 5,
    };
    const verdict = resumeVerdict(doc, readback(20, T0 + 8_000, [change]), [doc], SKEW_MS);
    expect(verdict).toMatchObject({ kind: 'superseded', reason: expect.stringContaining('outside the platform') });
  });
});
