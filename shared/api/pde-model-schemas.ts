/**
 * The API's view of PDE models: what create answers, a model as read back, a page of models, the path parameter.
 */
import { z } from 'zod';
import { Link } from '../http/paging.js';
import { PdeModelId, PdeModelStatus } from '../models/schemas.js';

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
