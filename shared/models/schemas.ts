import { z } from 'zod';

/** A PDE model id as the API exposes it: `pde-` and a zero-padded sequence number (pde-001, pde-002, …, pde-1000). */
export const PdeModelId = z.string().regex(/^pde-\d{3,9}$/, 'expected a model id like pde-001');
export type PdeModelId = z.infer<typeof PdeModelId>;

/**
 * The body of create and replace. The one place to swap in the physics engine's `ModelConfig` union once it lands:
 * until then `parameters` is any JSON object and the physics layer validates it when a run starts.
 * Unknown top-level fields are rejected (ERR-4001 naming the field) so a misspelt `descripton` is never lost silently.
 */
export const PdeModelBody = z.strictObject({
  modelName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'letters, digits, _ and -, starting with a letter'),
  parameters: z.record(z.string().min(1).max(100), z.unknown()),
  description: z.string().max(2000).optional(),
});
export type PdeModelBody = z.infer<typeof PdeModelBody>;

/** Lifecycle of a stored model; runs and calibration add states as they arrive. */
export const PdeModelStatus = z.enum(['created']);
