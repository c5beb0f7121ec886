import { app } from '@azure/functions';
import { lakeReaderFromSettings } from '../../shared/azure/lake-reader.js';
import { cellTelemetry } from '../../shared/api/telemetry.js';
import { apiGoldCache } from '../../shared/gold/gold-reader.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/telemetry: one cell's tag per minute over a bounded range, from curated gold. */
export const getTelemetry = apiHandler(routes.telemetry, async ({ query }) => {
  return { status: 200, body: await cellTelemetry(await lakeReaderFromSettings(), query, apiGoldCache) };
});

app.http(routes.telemetry.name, httpTrigger(routes.telemetry, getTelemetry));
