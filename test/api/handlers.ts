import { createAlertRule } from '../../functions/api/alert-rules-create.js';
import { deleteAlertRule } from '../../functions/api/alert-rules-delete.js';
import { getAlertRule } from '../../functions/api/alert-rules-get.js';
import { listAlertRules } from '../../functions/api/alert-rules-list.js';
import { replaceAlertRule } from '../../functions/api/alert-rules-replace.js';
import { acknowledgeAlertById } from '../../functions/api/alerts-acknowledge.js';
import { listAlertsPage } from '../../functions/api/alerts-list.js';
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
import { getLineConstraintsHandler } from '../../functions/api/line-constraints-get.js';
import { replaceLineConstraintsHandler } from '../../functions/api/line-constraints-replace.js';
import { approveOptimizationRun } from '../../functions/api/optimizations-approve.js';
import { getOptimizationRun } from '../../functions/api/optimizations-get.js';
import { startOptimizationRun } from '../../functions/api/optimizations-start.js';
import { getPdeModelRun } from '../../functions/api/pde-runs-get.js';
import { startPdeModelRun } from '../../functions/api/pde-runs-start.js';
import { getSetpointCommand } from '../../functions/api/setpoint-command.js';
import { getCurrentSetpoints } from '../../functions/api/setpoints-current.js';
import { getSetpointHistory } from '../../functions/api/setpoints-history.js';
import { getTelemetry } from '../../functions/api/telemetry.js';
import { routes } from '../../shared/api/routes.js';
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
  [routes.alertRulesCreate.name]: createAlertRule,
  [routes.alertRulesList.name]: listAlertRules,
  [routes.alertRulesGet.name]: getAlertRule,
  [routes.alertRulesReplace.name]: replaceAlertRule,
  [routes.alertRulesDelete.name]: deleteAlertRule,
  [routes.alertsList.name]: listAlertsPage,
  [routes.alertsAcknowledge.name]: acknowledgeAlertById,
  [routes.pdeRunsStart.name]: startPdeModelRun,
  [routes.pdeRunsGet.name]: getPdeModelRun,
  [routes.optimizationsStart.name]: startOptimizationRun,
  [routes.optimizationsGet.name]: getOptimizationRun,
  [routes.optimizationsApprove.name]: approveOptimizationRun,
  [routes.lineConstraintsGet.name]: getLineConstraintsHandler,
  [routes.lineConstraintsReplace.name]: replaceLineConstraintsHandler,
  [routes.overridesList.name]: listOverrides,
  [routes.setpointsCurrent.name]: getCurrentSetpoints,
  [routes.setpointsHistory.name]: getSetpointHistory,
  [routes.setpointCommand.name]: getSetpointCommand,
  [routes.lineKpis.name]: getLineKpis,
  [routes.telemetry.name]: getTelemetry,
};

export { exampleParams } from './example-params.js';
