import { describe, expect, it } from 'vitest';
import { tagRows } from './dimensions.js';
import { DIM_TAG } from './schema.js';
import { decodeGoldTable, encodeGoldTable } from './table-io.js';

describe('dim_tag', () => {
  it('carries every catalogue tag, the set-point read-back tags included, with booleans for interpolation', async () => {
    const rows = await decodeGoldTable(encodeGoldTable(DIM_TAG, tagRows()));
    const byTag = new Map(rows.map((r) => [r.tag, r]));
    for (const tag of ['acdSetpoint', 'feedIntervalSetpoint', 'lineCurrentSetpoint', 'alf3AdditionSetpoint'])
      expect(byTag.get(tag), tag).toMatchObject({ interpolated: expect.any(Boolean) as unknown });
    expect(byTag.get('lineCurrentSetpoint')).toMatchObject({ canonicalUnit: 'kA' });
    expect(byTag.get('cellVoltage')).toMatchObject({ interpolated: true });
  });
});
