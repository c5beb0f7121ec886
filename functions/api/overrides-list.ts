import { app } from '@azure/functions';
import { overrideStoreFromSettings } from '../../shared/azure/scada-dependencies.js';
import { routes } from '../../shared/api/routes.js';
import { listActiveOverrides } from '../../shared/api/overrides.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/overrides: the cells and lines in manual now, a page at a time. */
export const listOverrides = apiHandler(routes.overridesList, async ({ query }) => {
  return { status: 200, body: await listActiveOverrides(await overrideStoreFromSettings(), query) };
});

app.http(routes.overridesList.name, httpTrigger(routes.overridesList, listOverrides));
