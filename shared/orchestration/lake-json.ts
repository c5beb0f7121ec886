import type { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import { RunError } from './errors.js';
import type { LakeRef } from './schemas.js';

/** Writes `value` as JSON at `ref` (overwriting: a re-run step rewrites the same blob) and returns the ref with its size. */
export async function putJson(lake: LakeStore, ref: LakeRef, value: unknown): Promise<LakeRef> {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  await lake.put(ref.container, ref.path, body, { contentType: 'application/json' });
  return { container: ref.container, path: ref.path, bytes: body.byteLength };
}

/** Reads and parses the JSON at `ref`; throws RunError ERR-RUN-LAKE-MISSING naming the blob when it is not there. */
export async function getJson<S extends z.ZodType>(lake: LakeStore, ref: LakeRef, schema: S): Promise<z.output<S>> {
  const bytes = await lake.get(ref.container, ref.path);
  if (!bytes)
    throw new RunError(
      'ERR-RUN-LAKE-MISSING',
      `${ref.container}/${ref.path}`,
      `${ref.container}/${ref.path} is not in the lake; the step that writes it has not run or the blob was removed`,
    );
  return schema.parse(JSON.parse(Buffer.from(bytes).toString('utf8'))) as z.output<S>;
}
