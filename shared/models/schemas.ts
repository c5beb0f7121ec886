import { z } from 'zod';
import { Link } from '../http/paging.js';

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

export { Link };

/** 201 answer to create: what the plant's ERP integration expects. */
export const PdeModelCreated = z.object({
  modelId: PdeModelId,
  modelName: z.string(),
  status: PdeModelStatus,
  creationTimestamp: z.iso.datetime(),
  links: z.array(Link),
});
export type PdeModelCreated = z.infer<typeof PdeModelCreated>;

/** A stored model as read back. */
export const PdeModel = z.object({
  modelId: PdeModelId,
  modelName: z.string(),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()),
  status: PdeModelStatus,
  creationTimestamp: z.iso.datetime(),
  lastModifiedTimestamp: z.iso.datetime(),
  /** Token subject of the creator and of the last writer. */
  createdBy: z.string(),
  lastModifiedBy: z.string(),
  links: z.array(Link),
});
export type PdeModel = z.infer<typeof PdeModel>;

export const PdeModelPage = z.object({
  items: z.array(PdeModel),
  /** Pass back as `continuationToken` for the next page; absent on the last page. */
  continuationToken: z.string().optional(),
  links: z.array(Link),
});
export type PdeModelPage = z.infer<typeof PdeModelPage>;

export const PdeModelPath = z.strictObject({ modelId: PdeModelId });
