import { app } from '@azure/functions';
import { constraintStoreFromSettings } from '../../shared/azure/orchestration-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { getLineConstraints } from '../../shared/api/line-constraints.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/lines/{lineId}/constraints: the user constraints the line's runs apply, and their ETag. */
export const getLineConstraintsHandler = apiHandler(routes.lineConstraintsGet, async ({ params }) => {
  const { view, etag } = await getLineConstraints(await constraintStoreFromSettings(), params.lineId);
  return { status: 200, body: view, ...(etag ? { headers: { etag } } : {}) };
});

app.http(routes.lineConstraintsGet.name, httpTrigger(routes.lineConstraintsGet, getLineConstraintsHandler));
