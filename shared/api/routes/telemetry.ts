import { TelemetryPage, TelemetryQuery } from '../telemetry.js';
import { v1 } from '../../http/paths.js';
import { defineRoute, READERS } from '../../http/route-spec.js';

/** A sensor's history: per-minute aggregates from the curated gold layer over a bounded range. */
export const telemetryRoutes = {
  telemetry: defineRoute({
    name: 'telemetry',
    method: 'GET',
    path: v1('telemetry'),
    access: READERS,
    summary:
      "Per-minute aggregates of one cell's tag over [from, to) (at most 24 h) from curated gold, a page at a time",
    tag: 'telemetry',
    query: TelemetryQuery,
    responses: {
      200: {
        description: 'A page of minutes in time order (minutes without kept readings are absent)',
        schema: TelemetryPage,
      },
    },
  }),
} as const;
