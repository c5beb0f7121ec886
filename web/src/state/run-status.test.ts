import { describe, expect, it } from 'vitest';
import { runStatus } from './run-status.js';

describe('a run as a screen shows it', () => {
  it('waits for approval while its custom status says so', () => {
    expect(runStatus({ runtimeStatus: 'Running', progress: { step: 'awaiting-approval' } })).toMatchObject({
      phase: 'awaiting-approval',
    });
  });

  it('shows the pushed end of a run before the orchestration itself reads Completed', () => {
    const running = { runtimeStatus: 'Running', progress: { step: 'publishing' } };
    expect(runStatus(running).label).toBe('Running (publishing)');
    expect(runStatus(running, { step: 'completed', outcome: 'applied' })).toEqual({
      phase: 'completed',
      label: 'Completed (applied)',
      outcome: 'applied',
    });
  });

  it('takes a pushed step that is ahead of the run as last read (the read may lag or fail)', () => {
    expect(runStatus({ runtimeStatus: 'Pending', progress: null }, { step: 'awaiting-approval' }).phase).toBe(
      'awaiting-approval',
    );
    expect(
      runStatus({ runtimeStatus: 'Running', progress: { step: 'recording' } }, { step: 'awaiting-approval' }).label,
    ).toBe('Running (recording)');
  });

  it('reads the outcome from the result once completed, and failure whatever the step', () => {
    expect(
      runStatus({ runtimeStatus: 'Completed', progress: { step: 'completed' }, result: { outcome: 'rejected' } }).label,
    ).toBe('Completed (rejected)');
    expect(runStatus({ runtimeStatus: 'Failed', progress: { step: 'optimizing' } }).phase).toBe('failed');
  });
});
