import * as df from 'durable-functions';
import { snapshotDeps } from '../../shared/azure/orchestration-dependencies.js';
import { loadLineSnapshot, LineSnapshotRequest, type LineSnapshot } from '../../shared/orchestration/line-snapshot.js';
import { Activity } from '../../shared/orchestration/names.js';
import { tracedActivity } from './traced-activity.js';

/** Activity: reads the line (cell state, overrides, reported set points, gold, constraints) into lake chunks. */
export async function loadLineSnapshotActivity(input: unknown): Promise<LineSnapshot> {
  return loadLineSnapshot(await snapshotDeps(), LineSnapshotRequest.parse(input));
}

df.app.activity(Activity.loadLineSnapshot, {
  handler: tracedActivity(Activity.loadLineSnapshot, loadLineSnapshotActivity),
});
