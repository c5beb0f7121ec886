import { describe, expect, it } from 'vitest';
import { parseCli } from './main.js';
import { DEFAULT_PLANT_FILE } from './plant-file.js';

describe('simulator CLI flags', () => {
  it('reads the documented flags with their defaults', () => {
    const { args, env, faults } = parseCli(
      [
        '--plant',
        'plants/test-plant.json',
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
    expect(args).toMatchObject({
      plant: 'plants/test-plant.json',
      rate: 1000,
      duration: 5,
      seed: 1,
      labels: 'x.jsonl',
    });
    expect(env.TELEMETRY_HUB).toBe('telemetry');
    expect(faults).toEqual({ spike: 0.01 });
  });

  it('names the flag at fault', () => {
    expect(() => parseCli(['--rate', '0'], {})).toThrow(/--rate/);
    expect(() => parseCli(['--lines', '3'], {})).toThrow(/lines/);
    expect(() => parseCli(['--fault', 'sparks=0.1'], {})).toThrow(/Unknown fault kind "sparks"/);
  });

  it('simulates the --plant file, else PLANT_MODEL_FILE, else the shipped two-technology plant', () => {
    expect(parseCli(['--plant', 'a.json'], { PLANT_MODEL_FILE: 'b.json' }).plantFile).toBe('a.json');
    expect(parseCli([], { PLANT_MODEL_FILE: 'b.json' }).plantFile).toBe('b.json');
    expect(parseCli([], {}).plantFile).toBe(DEFAULT_PLANT_FILE);
  });

  it('turns every fault off with --no-faults', () => {
    const { faults } = parseCli(['--no-faults'], {});
    expect(Object.values(faults).every((r) => r === 0)).toBe(true);
  });
});
