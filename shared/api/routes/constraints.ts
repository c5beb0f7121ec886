import { LineConstraintsBody, LineConstraintsView, LinePath } from '../line-constraints.js';
import { v1 } from '../../http/paths.js';
import { defineRoute, READERS } from '../../http/route-spec.js';
import { queuesLedgerEvent } from './ledger-event.js';

const ETAG = {
  ETag: 'Version of the constraints; send it back as If-Match to replace them safely (absent while none are stored).',
};

/** The user constraints each line's optimisation runs read (shared/optimize UserConstraint). */
export const constraintRoutes = {
  lineConstraintsGet: defineRoute({
    name: 'line-constraints-get',
    method: 'GET',
    path: v1('lines/{lineId}/constraints'),
    access: READERS,
    summary: "Read the user constraints the line's optimisation runs apply (an empty list when none are stored)",
    tag: 'constraints',
    params: LinePath,
    plantIds: { lineId: 'line' },
    responses: { 200: { description: 'The constraints', schema: LineConstraintsView, headers: ETAG } },
  }),
  lineConstraintsReplace: defineRoute({
    name: 'line-constraints-replace',
    method: 'PUT',
    path: v1('lines/{lineId}/constraints'),
    access: ['Engineer', 'Manager'],
    summary: "Replace the line's user constraints (bounds or freeze per cell variable, line-current bounds)",
    description: queuesLedgerEvent('smelter.constraints.changed'),
    tag: 'constraints',
    params: LinePath,
    plantIds: { lineId: 'line' },
    body: LineConstraintsBody,
    requestHeaders: [
      {
        name: 'If-Match',
        description:
          'ETag from a previous read: the write happens only if the constraints are unchanged (412 ERR-4121 otherwise). Omit for last-writer-wins.',
      },
    ],
    responses: {
      200: { description: 'The stored constraints', schema: LineConstraintsView, headers: ETAG },
      412: { description: 'If-Match does not match the current ETag' },
    },
  }),
} as const;
