import { alertRoutes } from './routes/alerts.js';
import { cellRoutes } from './routes/cells.js';
import { constraintRoutes } from './routes/constraints.js';
import { labSampleRoutes } from './routes/lab-samples.js';
import { lineRoutes } from './routes/lines.js';
import { metaRoutes } from './routes/meta.js';
import { optimizationRoutes } from './routes/optimizations.js';
import { overrideRoutes } from './routes/overrides.js';
import { pdeModelRoutes } from './routes/pde-models.js';
import { pdeRunRoutes } from './routes/pde-runs.js';
import { plantRoutes } from './routes/plant.js';
import { realtimeRoutes } from './routes/realtime.js';
import { setpointRoutes } from './routes/setpoints.js';
import { telemetryRoutes } from './routes/telemetry.js';
import type { RouteSpec } from '../http/route-spec.js';

export {
  defineRoute,
  pathParamNames,
  type HeaderSpec,
  type HttpMethod,
  type ResponseSpec,
  type RouteSpec,
} from '../http/route-spec.js';

/**
 * Every API route, assembled from one module per resource under ./routes/. Add a resource's routes in its own module
 * and spread them here; the role matrix in the README and the OpenAPI document are built from this table.
 */
export const routes = {
  ...metaRoutes,
  ...cellRoutes,
  ...pdeModelRoutes,
  ...pdeRunRoutes,
  ...overrideRoutes,
  ...alertRoutes,
  ...optimizationRoutes,
  ...constraintRoutes,
  ...setpointRoutes,
  ...lineRoutes,
  ...telemetryRoutes,
  ...plantRoutes,
  ...labSampleRoutes,
  ...realtimeRoutes,
} as const;

/** The route table as a list, in declaration order. */
export const routeTable: readonly RouteSpec[] = Object.values(routes);
