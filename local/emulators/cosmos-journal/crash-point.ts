import { z } from 'zod';

/** Points of a compaction where a fault test may have the server kill itself (SIGKILL), to prove none loses a write. */
export const CrashPoint = z.enum([
  'compaction-rotated',
  'compaction-snapshot-half-written',
  'compaction-snapshot-written',
  'compaction-snapshot-renamed',
  'compaction-done',
]);
export type CrashPoint = z.infer<typeof CrashPoint>;
