import { app } from '@azure/functions';
import { lakeReaderFromSettings } from '../../shared/azure/lake-reader.js';
import { settings } from '../../shared/config/settings.js';
import { currentPlantFromSettings } from '../../shared/azure/plant-dependencies.js';
import { emissionFactorsFrom } from '../../shared/gold/config.js';
import { currentLineKpiParameters } from '../../shared/gold/line-kpi-parameters.js';
import { apiGoldCache } from '../../shared/gold/gold-reader.js';
import { lineKpis } from '../../shared/api/line-kpis.js';
import { routes } from '../../shared/api/routes.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/lines/{lineId}/kpis: what the ERP books per day or hour, from curated gold. */
export const getLineKpis = apiHandler(routes.lineKpis, async ({ params, query }) => {
  return {
    status: 200,
    body: await lineKpis(
      await lakeReaderFromSettings(),
      params.lineId,
      query,
      await currentLineKpiParameters(emissionFactorsFrom(settings()), currentPlantFromSettings, params.lineId),
      apiGoldCache,
    ),
  };
});

app.http(routes.lineKpis.name, httpTrigger(routes.lineKpis, getLineKpis));
