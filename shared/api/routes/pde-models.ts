import { PdeModelBody } from '../../models/schemas.js';
import { PdeModel, PdeModelCreated, PdeModelPage, PdeModelPath } from '../pde-model-schemas.js';
import { PageQuery } from '../../http/paging.js';
import { v1 } from '../../http/paths.js';
import { defineRoute, READERS, type HeaderSpec } from '../../http/route-spec.js';
import { queuesLedgerEvent } from './ledger-event.js';

const MODEL_WRITERS = ['Engineer', 'Manager'] as const;
const ETAG = { ETag: 'Version of the model; send it back as If-Match to replace or delete safely.' };
const IF_MATCH: HeaderSpec = {
  name: 'If-Match',
  description:
    'ETag from a previous read: the write happens only if the model is unchanged (412 ERR-4121 otherwise). Omit for last-writer-wins.',
};

/** PDE model configurations (shared/models): create, list, read, replace with If-Match, delete. */
export const pdeModelRoutes = {
  pdeModelsCreate: defineRoute({
    name: 'pde-models-create',
    method: 'POST',
    path: v1('pde-models'),
    access: MODEL_WRITERS,
    summary: 'Create a PDE model; ids are allocated pde-001, pde-002, …',
    description: queuesLedgerEvent('smelter.model.changed'),
    tag: 'pde-models',
    body: PdeModelBody,
    responses: {
      201: { description: 'Created', schema: PdeModelCreated, headers: { Location: 'URL of the new model', ...ETAG } },
    },
  }),
  pdeModelsList: defineRoute({
    name: 'pde-models-list',
    method: 'GET',
    path: v1('pde-models'),
    access: READERS,
    summary: 'List PDE models in id order, a page at a time',
    tag: 'pde-models',
    query: PageQuery,
    responses: { 200: { description: 'A page of models', schema: PdeModelPage } },
  }),
  pdeModelsGet: defineRoute({
    name: 'pde-models-get',
    method: 'GET',
    path: v1('pde-models/{modelId}'),
    access: READERS,
    summary: 'Read one PDE model',
    tag: 'pde-models',
    params: PdeModelPath,
    responses: {
      200: { description: 'The model', schema: PdeModel, headers: ETAG },
      404: { description: 'No such model' },
    },
  }),
  pdeModelsReplace: defineRoute({
    name: 'pde-models-replace',
    method: 'PUT',
    path: v1('pde-models/{modelId}'),
    access: MODEL_WRITERS,
    summary: "Replace a PDE model's name, parameters and description",
    description: queuesLedgerEvent('smelter.model.changed'),
    tag: 'pde-models',
    params: PdeModelPath,
    body: PdeModelBody,
    requestHeaders: [IF_MATCH],
    responses: {
      200: { description: 'The replaced model', schema: PdeModel, headers: ETAG },
      404: { description: 'No such model' },
      412: { description: 'If-Match does not match the current ETag' },
    },
  }),
  pdeModelsDelete: defineRoute({
    name: 'pde-models-delete',
    method: 'DELETE',
    path: v1('pde-models/{modelId}'),
    access: MODEL_WRITERS,
    summary: 'Delete a PDE model (its id is never reused)',
    description: queuesLedgerEvent('smelter.model.changed'),
    tag: 'pde-models',
    params: PdeModelPath,
    requestHeaders: [IF_MATCH],
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such model' },
      412: { description: 'If-Match does not match the current ETag' },
    },
  }),
} as const;
