import { app } from '@azure/functions';
import { getPlant } from '../../shared/api/plant.js';
import { routes } from '../../shared/api/routes.js';
import { plantSourceFromSettings, plantStoreFromSettings } from '../../shared/azure/plant-dependencies.js';
import { apiHandler, httpTrigger } from './respond.js';

/** GET v1/plant: the plant model in force, with its version as the ETag. */
export const getPlantModel = apiHandler(routes.plantGet, async () => {
  const [source, store] = await Promise.all([plantSourceFromSettings(), plantStoreFromSettings()]);
  const { view, etag } = await getPlant({ source, store });
  return { status: 200, body: view, headers: { etag } };
});

app.http(routes.plantGet.name, httpTrigger(routes.plantGet, getPlantModel));
