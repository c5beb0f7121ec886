import { createAlertRule } from '../../functions/api/alert-rules-create.js';
import { deleteAlertRule } from '../../functions/api/alert-rules-delete.js';
import { getAlertRule } from '../../functions/api/alert-rules-get.js';
import { listAlertRules } from '../../functions/api/alert-rules-list.js';
import { replaceAlertRule } from '../../functions/api/alert-rules-replace.js';
import { acknowledgeAlertById } from '../../functions/api/alerts-acknowledge.js';
import { listAlertsPage } from '../../functions/api/alerts-list.js';
import { getCellLatest } from '../../functions/api/cell-latest.js';
import { getHealth } from '../../functions/api/health.js';
import { getOpenApi } from '../../functions/api/openapi.js';
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
};

/** Valid example path parameters for routes that take them. */
export const exampleParams: Record<string, string> = { modelId: 'pde-001', cellId: 'L1-C001', lineId: 'L1', runId: 'opt-L1-0123456789abcdef', ruleId: 'bath-hot', alertId: 'al-0123456789abcdef01234567' };
