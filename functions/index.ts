/**
 * The app's entry module: importing it registers every function (package.json "main" points at its compiled form).
 * One import per function file, grouped by role as in DESIGN §2.
 */
import './ingest/telemetry-ingest.js';
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
import './api/overrides-list.js';
import './api/setpoints-current.js';
import './api/setpoints-history.js';
import './api/setpoint-command.js';
import './api/line-kpis.js';
import './api/telemetry.js';
import './curation/gold-curation.js';
import './fanout/scada-dispatcher.js';
import './fanout/ledger-writer.js';
import './fanout/alert-notifier.js';
