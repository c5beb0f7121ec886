import { z } from 'zod';
import { MODEL_SCHEMAS, ModelConfig, type ModelName } from '../physics/config/schemas.js';

/** A PDE model id as the API exposes it: `pde-` and a zero-padded sequence number (pde-001, pde-002, …, pde-1000). */
export const PdeModelId = z.string().regex(/^pde-\d{3,9}$/, 'expected a model id like pde-001');
export type PdeModelId = z.infer<typeof PdeModelId>;

/** The physics models a PDE model may name (shared/physics/config/schemas.ts). */
const MODEL_NAMES = Object.keys(MODEL_SCHEMAS) as [ModelName, ...ModelName[]];

/**
 * The body of create and replace: a physics model by name and its parameters, parsed against that model's schema
 * (the physics `ModelConfig` union) when written, so a model that could not run is refused with ERR-4001 naming the
 * parameter instead of being stored, audited and put on the ledger. Unknown top-level fields are rejected (naming
 * the field) so a misspelt `descripton` is never lost silently. The parameters are stored as sent.
 */
export const PdeModelBody = z
  .strictObject({
    modelName: z.enum(MODEL_NAMES),
    parameters: z.record(z.string().min(1).max(100), z.unknown()),
    description: z.string().max(2000).optional(),
  })
  .superRefine((body, ctx) => {
    const parsed = ModelConfig.safeParse({ modelName: body.modelName, parameters: body.parameters });
    if (parsed.success) return;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type PdeModelBody = z.infer<typeof PdeModelBody>;

/** Lifecycle of a stored model; runs and calibration add states as they arrive. */
export const PdeModelStatus = z.enum(['created']);
