import { LineKpiPath, LineKpiQuery, LineKpis } from '../line-kpis.js';
import { v1 } from '../../http/paths.js';
import { defineRoute } from '../../http/route-spec.js';

/** Per-line figures from the curated gold layer: what the ERP books (Integration may read them). */
export const lineRoutes = {
  lineKpis: defineRoute({
    name: 'line-kpis',
    method: 'GET',
    path: v1('lines/{lineId}/kpis'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration', 'Executive'],
    summary: 'Production t, energy kWh, kWh/t, CO2e and anode effects of a line per UTC day or hour, from curated gold',
    tag: 'lines',
    params: LineKpiPath,
    plantIds: { lineId: 'line' },
    query: LineKpiQuery,
    responses: {
      200: { description: 'The periods with curated data in [from, to) and their totals', schema: LineKpis },
      404: { description: 'The line has no curated gold data (unknown id, or nothing curated yet)' },
    },
  }),
} as const;
