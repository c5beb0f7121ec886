import { app } from '@azure/functions';
import { dependencyProbes } from '../../shared/azure/health-probes.js';
import { settings } from '../../shared/config/settings.js';
import { checkHealth } from '../../shared/health/health.js';
import { routes } from '../../shared/api/routes.js';
import { appVersion } from '../../shared/observability/version.js';
import { apiHandler, httpTrigger } from './respond.js';

/** Reports whether the app can reach what it needs; 503 tells a load balancer or a slot swap to hold off. */
export const getHealth = apiHandler(routes.health, async () => {
  const report = await checkHealth(dependencyProbes(settings()), { version: appVersion(), timeoutMs: 3000 });
  return { status: report.status === 'ok' ? 200 : 503, body: report, headers: { 'cache-control': 'no-store' } };
});

app.http(routes.health.name, httpTrigger(routes.health, getHealth));
