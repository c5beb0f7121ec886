/**
 * Ops are paged by rules that query the app's metrics by name, and read a workbook that does the same: a renamed
 * metric would leave a rule silent for ever. This keeps bicep/ (the alert rules, the workbook) and the metric
 * catalogue (shared/observability/metric-catalogue.ts) in step, and checks the paging rules the operations README
 * describes exist with their thresholds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_STORAGE_CONTAINERS } from '../../shared/azure/containers.js';
import { METRIC_NAMES, METRICS } from '../../shared/observability/metric-catalogue.js';
import { PARKED_CONTAINER } from '../../shared/telemetry/parked-batches.js';
import { repoRoot } from '../e2e/support.js';

const bicepDir = path.join(repoRoot, 'bicep');
const read = (rel: string) => readFileSync(path.join(bicepDir, rel), 'utf8');
const alerts = read('modules/alerts.bicep');
const main = read('main.bicep');
const workbookText = read('workbooks/operations.workbook.json');
const workbook = JSON.parse(workbookText) as {
  version: string;
  items: { type: number; content: { json?: string; query?: string; version?: string } }[];
};
/** Every `smelter.…` metric name a text mentions (inside KQL strings). */
const metricNamesIn = (text: string) =>
  new Set([...text.matchAll(/['"](smelter\.[a-z0-9_.]+)['"]/g)].map((m) => m[1]!));

describe('monitoring in bicep/ and the metric catalogue', () => {
  it('names only metrics the app emits, in every alert rule and workbook query', () => {
    const bicepFiles = ['main.bicep', ...readdirSync(path.join(bicepDir, 'modules')).map((f) => `modules/${f}`)];
    const used = new Set([...bicepFiles.flatMap((f) => [...metricNamesIn(read(f))]), ...metricNamesIn(workbookText)]);
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(METRIC_NAMES, `${name} (used in bicep/) is not in the catalogue`).toContain(name);
  });

  it('shows every metric the app exports in Azure in the operations workbook', () => {
    const shown = metricNamesIn(workbookText);
    for (const m of Object.values(METRICS).filter((m) => !('localOnly' in m && m.localOnly)))
      expect(shown, `${m.name} is in no workbook query`).toContain(m.name);
  });

  it('has a workbook with a section for each part ops watch, every query scoped by the time range', () => {
    expect(workbook.version).toBe('Notebook/1.0');
    const headings = workbook.items.filter((i) => i.type === 1).map((i) => i.content.json ?? '');
    for (const section of ['Ingestion', 'Lake', 'runs', 'Fan-out', 'SCADA', 'API'])
      expect(
        headings.some((h) => new RegExp(`^## .*${section}`, 'm').test(h)),
        section,
      ).toBe(true);
    const queries = workbook.items.filter((i) => i.type === 3);
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries)
      expect(q.content).toMatchObject({ version: 'KqlItem/1.0', timeContextFromParameter: 'TimeRange' });
    expect(alerts).toMatch(/loadTextContent\('\.\.\/workbooks\/operations\.workbook\.json'\)/);
  });

  it('pages for each condition the operations README lists, at its threshold', () => {
    for (const rule of [
      'ingest-lag',
      'line-silent',
      'ingest-batch-parked',
      'ingest-batch-lost',
      'run-failed',
      'function-failure-rate',
      'envelope-refusal-spike',
    ])
      expect(alerts, rule).toContain(`name: '${rule}'`);
    expect(alerts).toMatch(/metricName: 'DeadletteredMessages'[\s\S]*?operator: 'GreaterThan'\s+threshold: 0/);
    // The defaults main.bicep deploys: lag over 60 s, a line silent 5 minutes, and the rules built from them.
    expect(main).toMatch(/param ingestLagAlertSeconds int = 60\b/);
    expect(main).toMatch(/param lineSilentAlertMinutes int = 5\b/);
    expect(alerts).toContain('meanMs > ${ingestLagSeconds * 1000}');
    expect(alerts).toContain('timestamp > ago(${lineSilentMinutes}m)');
    expect(main).toMatch(/module alerts 'modules\/alerts\.bicep'/);
    for (const receiver of ['emailReceivers', 'webhookReceivers', 'logicAppReceivers'])
      expect(alerts, receiver).toContain(`${receiver}:`);
  });

  it('creates the parked-batch container in the host storage account', () => {
    expect(HOST_STORAGE_CONTAINERS).toContain(PARKED_CONTAINER);
    expect(main).toContain('containers: storageContract.hostContainers');
    expect(read('modules/storage-host.bicep')).toMatch(/for name in containers:/);
  });
});
