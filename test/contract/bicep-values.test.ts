import { describe, expect, it } from 'vitest';
import { BicepScope, bicepparamAssignments, stripComments } from './bicep-values.js';

const noFiles = (): undefined => undefined;

describe('Bicep literal evaluation', () => {
  it('resolves param defaults, vars, arrays and objects written over several lines', () => {
    const scope = new BicepScope(
      `@allowed([ 'a', 'b' ])
param hub string = 'telemetry' // trailing comment
param count int = 8
var groups = [ 'ingest', 'alerts' ]
var hubs = [
  {
    name: hub
    partitionCount: count
    consumerGroups: groups
  }
]`,
      noFiles,
    );
    expect(scope.value('hubs')).toEqual([
      { name: 'telemetry', partitionCount: 8, consumerGroups: ['ingest', 'alerts'] },
    ]);
  });

  it('keeps runtime values (module outputs, interpolation, calls, ternaries) opaque without losing the other keys', () => {
    const scope = new BicepScope(
      `param env string
var settings = {
  A: 'x'
  B: mod.outputs.endpoint
  C: 'id=\${env}'
  D: env == 'prod' ? 'big' : 'small'
  E: union({}, {})
  F: true
}`,
      noFiles,
    );
    expect(scope.value('settings')).toEqual({
      A: 'x',
      B: { opaque: 'mod.outputs.endpoint' },
      C: { opaque: "'id=${env}'" },
      D: { opaque: "env == 'prod' ? 'big' : 'small'" },
      E: { opaque: 'union({}, {})' },
      F: true,
    });
  });

  it('reads loadJsonContent files and member access into them', () => {
    const scope = new BicepScope(`var m = loadJsonContent('gen/m.json')\nvar t = m.topic`, (p) =>
      p === 'gen/m.json' ? '{"topic":"plant-events"}' : undefined,
    );
    expect(scope.value('t')).toBe('plant-events');
  });

  it('lets .bicepparam assignments override defaults', () => {
    const overrides = bicepparamAssignments(`using '../main.bicep'\nparam hub = 'telemetry-prod'\n`);
    expect(new BicepScope(`param hub string = 'telemetry'\nvar x = hub`, noFiles, overrides).value('x')).toBe(
      'telemetry-prod',
    );
  });

  it('leaves strings that look like comments alone', () => {
    expect(stripComments(`var u = 'https://x' // note\n/* block */var v = 1`)).toBe(`var u = 'https://x' \nvar v = 1`);
  });
});
