import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/api/routes.js';
import config from '../../vitest.config.js';

/**
 * The links between pipelines/, bicep/ and the code that the config contract does not cover: a pipeline that smoke-
 * tests a path the app does not serve, uploads packages where the app does not look, deploys an environment with no
 * parameter file, or holds a coverage bar other than the one developers run locally. Read as text, like bicep/.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string): string => readFileSync(path.join(repoRoot, rel), 'utf8');

const pipeline = read('pipelines/azure-pipelines.yml');
const deployStage = read('pipelines/templates/deploy-stage.yml');
const loadTest = read('pipelines/templates/load-test.yml');
const mainBicep = read('bicep/main.bicep');
const hostStorage = read('bicep/modules/storage-host.bicep');
const hostJson = JSON.parse(read('host.json')) as { extensions: { http: { routePrefix: string } } };

/** `default: <value>` of a template parameter, from its `- name: <name>` entry. */
function templateDefault(template: string, name: string): string | undefined {
  return new RegExp(`- name: ${name}\\n(?:\\s+(?!- name:).*\\n)*?\\s+default: (\\S+)`).exec(template)?.[1];
}

describe('pipelines agree with the code and bicep/', () => {
  const healthPath = `/${hostJson.extensions.http.routePrefix}/${routes.health.path}`;

  it('smoke-tests and load-tests the health route the app serves, the one App Service health checks ping', () => {
    expect(/healthCheckPath:\s*'([^']*)'/.exec(mainBicep)?.[1]).toBe(healthPath);
    expect(templateDefault(deployStage, 'healthPath')).toBe(healthPath);
    expect(templateDefault(loadTest, 'healthPath')).toBe(healthPath);
  });

  it('uploads packages to the container the host storage account provisions', () => {
    const container = /var packageContainerName = '([^']+)'/.exec(hostStorage)?.[1];
    expect(container).toBeDefined();
    expect(deployStage).toContain(`--container-name ${container!}`);
  });

  it('deploys only environments that have a parameter file, in the order dev, test, prod', () => {
    const deployed = [
      ...pipeline.matchAll(/template: templates\/deploy-stage\.yml\n\s+parameters:\n\s+environmentName: (\w+)/g),
    ].map((m) => m[1]!);
    expect(deployed).toEqual(['dev', 'test', 'prod']);
    for (const env of deployed)
      expect(() => read(`bicep/env/${env}.bicepparam`), `bicep/env/${env}.bicepparam`).not.toThrow();
  });

  it('holds the coverage bar vitest.config.ts holds locally', () => {
    const bar = Number(/coverageThreshold: '(\d+)'/.exec(pipeline)?.[1]);
    const thresholds =
      config.test?.coverage && 'thresholds' in config.test.coverage ? config.test.coverage.thresholds : undefined;
    expect(bar).toBeGreaterThanOrEqual(80);
    expect(thresholds).toMatchObject({ lines: bar, statements: bar });
  });
});
