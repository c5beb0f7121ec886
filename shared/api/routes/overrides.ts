import { OverrideDoc } from '../../scada/override.js';
import { OverrideListQuery, OverridePage, OverrideReleaseBody, OverrideRequestBody } from '../overrides.js';
import { v1 } from '../../http/paths.js';
import { defineRoute, READERS } from '../../http/route-spec.js';
import { queuesLedgerEvent } from './ledger-event.js';

/** Manual override of a cell or line (US-5.2): anyone on shift may stop dispatching; only a Manager resumes it. */
export const overrideRoutes = {
  overridesList: defineRoute({
    name: 'overrides-list',
    method: 'GET',
    path: v1('overrides'),
    access: READERS,
    summary: 'List the cells and lines in manual now (the overrides in force), a page at a time in scope order',
    tag: 'overrides',
    query: OverrideListQuery,
    responses: { 200: { description: 'A page of overrides in force', schema: OverridePage } },
  }),
  overridesRequest: defineRoute({
    name: 'overrides-request',
    method: 'POST',
    path: v1('overrides'),
    access: ['Operator', 'Engineer', 'Manager'],
    summary: 'Put a cell or a whole line in manual now: nothing is dispatched to it until a Manager releases it',
    description: queuesLedgerEvent('smelter.override.changed'),
    tag: 'overrides',
    body: OverrideRequestBody,
    responses: {
      201: { description: 'The scope is in manual from this answer on', schema: OverrideDoc },
      200: { description: 'The scope was already in manual; nothing changed', schema: OverrideDoc },
      409: { description: 'Another change to the same scope won the race; read and retry' },
    },
  }),
  overridesRelease: defineRoute({
    name: 'overrides-release',
    method: 'POST',
    path: v1('overrides/release'),
    access: ['Manager'],
    summary: 'Release a cell or line from manual: dispatching to it resumes',
    description: queuesLedgerEvent('smelter.override.changed'),
    tag: 'overrides',
    body: OverrideReleaseBody,
    responses: {
      200: { description: 'Released', schema: OverrideDoc },
      409: { description: 'The scope is not in manual' },
    },
  }),
} as const;
