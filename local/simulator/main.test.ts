import { describe, expect, it } from 'vitest';
import { parseCli } from './main.js';

describe('simulator CLI flags', () => {
  it('reads the documented flags with their defaults', () => {
    const { args, env, faults } = parseCli(
      [
        '--lines',
        '2',
        '--cells',
        '10',
        '--rate',
        '1000',
        '--duration',
        '5',
        '--labels',
        'x.jsonl',
        '--fault',
        'spike=0.01',
      ],
      {},
    );
    expect(args).toMatchObject({ lines: 2, cells: 10, rate: 1000, duration: 5, seed: 1, labels: 'x.jsonl' });
    expect(env.TELEMETRY_HUB).toBe('telemetry');
    expect(faults).toEqual({ spike: 0.01 });
  });

  it('names the flag at fault', () => {
    expect(() => parseCli(['--lines', '0'], {})).toThrow(/--lines/);
    expect(() => parseCli(['--fault', 'sparks=0.1'], {})).toThrow(/Unknown fault kind "sparks"/);
  });

  it('turns every fault off with --no-faults', () => {
    const { faults } = parseCli(['--no-faults'], {});
    expect(Object.values(faults).every((r) => r === 0)).toBe(true);
  });
});
