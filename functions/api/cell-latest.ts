import { app } from '@azure/functions';
import { hotStateStore } from '../../shared/azure/hot-state-reader.js';
import { ApiError } from '../../shared/http/errors.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** The latest good value of each tag of a cell, as ingestion last wrote it. */
export const getCellLatest = apiHandler(routes.cellLatest, async ({ params }) => {
  const doc = await (await hotStateStore()).getCell(params.cellId);
  if (!doc) {
    throw new ApiError(
      'notFound',
      `No telemetry has been received for cell ${params.cellId}. Check the id (e.g. L1-C001) and that its line is sending.`,
      [{ field: 'path.cellId', issue: 'unknown cell' }],
    );
  }
  return { status: 200, body: doc };
});

app.http(routes.cellLatest.name, httpTrigger(routes.cellLatest, getCellLatest));
