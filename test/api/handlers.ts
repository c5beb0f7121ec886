import { getCellLatest } from '../../functions/api/cell-latest.js';
import { getHealth } from '../../functions/api/health.js';
import { getLineKpis } from '../../functions/api/line-kpis.js';
import { getOpenApi } from '../../functions/api/openapi.js';
import { listOverrides } from '../../functions/api/overrides-list.js';
import { releaseOverride } from '../../functions/api/overrides-release.js';
import { requestOverride } from '../../functions/api/overrides-request.js';
import { createPdeModel } from '../../functions/api/pde-models-create.js';
import { deletePdeModel } from '../../functions/api/pde-models-delete.js';
import { getPdeModel } from '../../functions/api/pde-models-get.js';
import { listPdeModels } from '../../functions/api/pde-models-list.js';
import { replacePdeModel } from '../../functions/api/pde-models-replace.js';
import { getSetpointCommand } from '../../functions/api/setpoint-command.js';
import { getCurrentSetpoints } from '../../functions/api/setpoints-current.js';
import { getSetpointHistory } from '../../functions/api/setpoints-history.js';
import { getTelemetry } from '../../functions/api/telemetry.js';
import { routes } from '../../shared/http/routes.js';
import type { Handler } from './harness.js';

/** The handler of every route in the table, by function name; the security suite fails when a route is missing here. */
export const handlersByRoute: Record<string, Handler> = {
  [routes.health.name]: getHealth,
  [routes.cellLatest.name]: getCellLatest,
  [routes.openApi.name]: getOpenApi,
  [routes.pdeModelsCreate.name]: createPdeModel,
  [routes.pdeModelsList.name]: listPdeModels,
  [routes.pdeModelsGet.name]: getPdeModel,
  [routes.pdeModelsReplace.name]: replacePdeModel,
  [routes.pdeModelsDelete.name]: deletePdeModel,
  [routes.overridesRequest.name]: requestOverride,
  [routes.overridesRelease.name]: releaseOverride,
  [routes.overridesList.name]: listOverrides,
  [routes.setpointsCurrent.name]: getCurrentSetpoints,
  [routes.setpointsHistory.name]: getSetpointHistory,
  [routes.setpointCommand.name]: getSetpointCommand,
  [routes.lineKpis.name]: getLineKpis,
  [routes.telemetry.name]: getTelemetry,
};

export { exampleParams } from './example-params.js';
