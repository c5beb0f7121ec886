import { app } from '@azure/functions';
import { lineCellsLatest } from '../../shared/api/line-cells.js';
import { routes } from '../../shared/api/routes.js';
import { hotStateStore } from '../../shared/azure/hot-state-reader.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/lines/{lineId}/cells/latest: every cell of the line as ingestion last wrote it. */
export const getLineCellsLatest = apiHandler(routes.lineCellsLatest, async ({ params }) => ({
  status: 200,
  body: await lineCellsLatest({ lineState: await hotStateStore() }, params.lineId),
}));

app.http(routes.lineCellsLatest.name, httpTrigger(routes.lineCellsLatest, getLineCellsLatest));
