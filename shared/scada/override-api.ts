import { z } from 'zod';
import { OverrideScope } from './override.js';

/** Body of `POST v1/overrides`: which cell or line goes to manual, and why (kept in the record and the ledger). */
export const OverrideRequestBody = z.object({ scope: OverrideScope, reason: z.string().trim().min(3).max(500) }).strict();
export type OverrideRequestBody = z.infer<typeof OverrideRequestBody>;

/** Body of `POST v1/overrides/release`: the scope to give back to automatic dispatch, and why. */
export const OverrideReleaseBody = z.object({ scope: OverrideScope, reason: z.string().trim().min(3).max(500) }).strict();
export type OverrideReleaseBody = z.infer<typeof OverrideReleaseBody>;
