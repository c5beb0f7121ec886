import { v1 } from '../../http/paths.js';
import { defineRoute } from '../../http/route-spec.js';
import { PlantModel } from '../../plant/schema.js';
import { PlantView } from '../plant.js';
import { queuesLedgerEvent } from './ledger-event.js';

/**
 * A whole plant's model (thousands of cells with their positions, tag maps of hundreds of tags per line) is larger than
 * the API's general body limit; 4 MiB holds about 40,000 cells with their positions and tag maps.
 */
export const PLANT_MODEL_MAX_BYTES = 4 * 1024 * 1024;

const ETAG = { ETag: 'Version of the plant model in force; send it back as If-Match to replace it.' };

/** The plant model every part reads: lines, cell technologies, limits, tag maps, cell positions (shared/plant). */
export const plantRoutes = {
  plantGet: defineRoute({
    name: 'plant-get',
    method: 'GET',
    path: v1('plant'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration', 'Executive'],
    summary: 'Read the plant model in force: ISA-95 hierarchy, cell technologies, limits, tag maps, cell positions',
    tag: 'plant',
    responses: { 200: { description: 'The plant model and its version', schema: PlantView, headers: ETAG } },
  }),
  plantReplace: defineRoute({
    name: 'plant-replace',
    method: 'PUT',
    path: v1('plant'),
    access: ['Manager'],
    summary: 'Replace the plant model (validated whole first; audited, on the ledger, used by runs started after it)',
    description: queuesLedgerEvent('smelter.plant-model.changed'),
    tag: 'plant',
    body: PlantModel,
    maxBodyBytes: PLANT_MODEL_MAX_BYTES,
    requestHeaders: [
      { name: 'If-Match', description: 'Required: the ETag of the version you edited (412 ERR-4121 otherwise).' },
    ],
    responses: {
      200: { description: 'The new version, in force', schema: PlantView, headers: ETAG },
      412: { description: 'If-Match missing, or not the version in force' },
    },
  }),
} as const;
