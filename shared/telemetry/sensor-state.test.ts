import { describe, expect, it } from 'vitest';
import { SensorStateStore } from './sensor-state.js';

describe('SensorStateStore undo', () => {
  it('rolls a batch back to the state it first saw, again after each redelivery', () => {
    const store = new SensorStateStore(5, 8);
    store.beginBatch();
    store.get('L1-C001', 0).pushValue(1);
    store.endBatch();
    store.beginBatch();
    const s = store.get('L1-C001', 0);
    s.pushValue(2);
    store.get('L1-C002', 0).pushValue(9);
    let undo = store.endBatch();
    for (let i = 0; i < 2; i++) {
      store.rollback(undo);
      expect(store.get('L1-C001', 0).median()).toBe(1);
      expect(store.get('L1-C002', 0).windowCount).toBe(0);
      store.beginBatch();
      store.get('L1-C001', 0).pushValue(2);
      undo = store.endBatch(); // the redelivered batch's own undo log replaces the first
    }
  });

  it('forgets a sensor whose backup a later batch overwrote, rather than restoring a wrong state', () => {
    const store = new SensorStateStore(5, 8);
    store.beginBatch();
    store.get('L1-C001', 0).pushValue(1);
    store.endBatch();
    store.beginBatch();
    store.get('L1-C001', 0).pushValue(2);
    const first = store.endBatch();
    store.beginBatch();
    store.get('L1-C001', 0).pushValue(3);
    store.endBatch();
    store.rollback(first);
    expect(store.get('L1-C001', 0).windowCount).toBe(0);
  });
});
