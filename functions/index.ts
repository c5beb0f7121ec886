/**
 * The app's entry module: importing it registers every function (package.json "main" points at its compiled form).
 * Telemetry first (it must be up before any function runs), then one import per function file, grouped by role as
 * in DESIGN §2.
 */
import './telemetry.js';
import './ingest/telemetry-ingest.js';
import './ingest/plant-mqtt-ingress.js';
import './api/health.js';
import './api/openapi.js';
import './api/cell-latest.js';
import './api/pde-models-create.js';
import './api/pde-models-list.js';
import './api/pde-models-get.js';
import './api/pde-models-replace.js';
import './api/pde-models-delete.js';
import './api/overrides-request.js';
import './api/overrides-release.js';
import './api/alert-rules-create.js';
import './api/alert-rules-list.js';
import './api/alert-rules-get.js';
import './api/alert-rules-replace.js';
import './api/alert-rules-delete.js';
import './api/alerts-list.js';
import './api/alerts-acknowledge.js';
import './api/pde-runs-start.js';
import './api/pde-runs-get.js';
import './api/optimizations-start.js';
import './api/optimizations-get.js';
import './api/optimizations-approve.js';
import './api/line-constraints-get.js';
import './api/line-constraints-replace.js';
import './orchestration/pde-run.js';
import './orchestration/run-pde-model.js';
import './orchestration/optimization-run.js';
import './orchestration/load-line-snapshot.js';
import './orchestration/predict-cells.js';
import './orchestration/optimize-set-points.js';
import './orchestration/check-set-point-envelope.js';
import './orchestration/record-optimization-run.js';
import './orchestration/publish-optimization-events.js';
import './orchestration/optimization-schedule.js';
import './api/overrides-list.js';
import './api/setpoints-current.js';
import './api/setpoints-history.js';
import './api/setpoint-command.js';
import './api/line-kpis.js';
import './api/telemetry.js';
import './api/plant-get.js';
import './api/plant-replace.js';
import './curation/gold-curation.js';
import './fanout/scada-dispatcher.js';
import './fanout/ledger-writer.js';
import './fanout/alert-notifier.js';
import './fanout/telemetry-alerts.js';
import './fanout/setpoint-readback.js';
import './fanout/alert-sweep.js';
import './fanout/outbox-sweep.js';
