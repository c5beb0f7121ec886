import SwaggerParser from '@apidevtools/swagger-parser';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { beforeAll, describe, expect, it } from 'vitest';
import { getOpenApi } from '../../functions/api/openapi.js';
import { resetSettingsCache } from '../../shared/config/settings.js';
import { v1Path } from '../../shared/http/paths.js';
import { routeTable } from '../../shared/api/routes.js';
import { openApiProblems } from './openapi-structure.js';

let doc: Record<string, unknown>;

beforeAll(async () => {
  process.env.LakeConnection ??= 'UseDevelopmentStorage=true';
  resetSettingsCache();
  const res = await getOpenApi(
    new HttpRequest({ method: 'GET', url: `http://127.0.0.1${v1Path('openapi.json')}` }),
    new InvocationContext(),
  );
  expect(res.status).toBe(200);
  doc = res.jsonBody as Record<string, unknown>;
});

describe('OpenAPI document', () => {
  it('is served without a token and is structurally valid OpenAPI 3.1', () => {
    expect(openApiProblems(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('validates against the official OpenAPI 3.1 schema (swagger-parser), and a broken copy does not', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    const broken = structuredClone(doc);
    (broken.paths as Record<string, Record<string, Record<string, unknown>>>)['/v1/telemetry']!.get!.responses = {
      200: { content: {} },
    };
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it('covers every route in the table with its method, roles and security', () => {
    const paths = doc.paths as Record<
      string,
      Record<string, { operationId: string; 'x-roles': string[]; security: unknown[] }>
    >;
    for (const route of routeTable) {
      const op = paths[`/${route.path}`]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path} missing from the document`).toBeDefined();
      expect(op?.operationId).toBe(route.name);
      expect(op?.['x-roles']).toEqual(route.access === 'public' ? [] : [...route.access]);
      expect(op?.security).toEqual(route.access === 'public' ? [] : [{ bearer: [] }]);
    }
  });

  it('documents the pipeline errors a protected body route can answer', () => {
    const create = (doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[
      '/v1/pde-models'
    ]?.post;
    expect(Object.keys(create?.responses ?? {}).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '413',
      '415',
      '429',
      '500',
    ]);
  });

  it('says on every write that publishes a ledger event that a topic outage queues the event and does not fail the write', () => {
    const paths = doc.paths as Record<
      string,
      Record<string, { description: string; responses: Record<string, unknown> }>
    >;
    const writes = [
      ['/v1/pde-models', 'post', 'smelter.model.changed'],
      ['/v1/pde-models/{modelId}', 'put', 'smelter.model.changed'],
      ['/v1/pde-models/{modelId}', 'delete', 'smelter.model.changed'],
      ['/v1/alert-rules', 'post', 'smelter.alert-rule.changed'],
      ['/v1/alert-rules/{ruleId}', 'put', 'smelter.alert-rule.changed'],
      ['/v1/alert-rules/{ruleId}', 'delete', 'smelter.alert-rule.changed'],
      ['/v1/alerts/{alertId}/acknowledge', 'post', 'smelter.alert.acknowledged'],
      ['/v1/lines/{lineId}/constraints', 'put', 'smelter.constraints.changed'],
      ['/v1/overrides', 'post', 'smelter.override.changed'],
      ['/v1/overrides/release', 'post', 'smelter.override.changed'],
      ['/v1/plant', 'put', 'smelter.plant-model.changed'],
      ['/v1/optimizations/{runId}/approval', 'post', 'smelter.optimization.approved (or .rejected)'],
    ] as const;
    for (const [path, method, type] of writes) {
      const op = paths[path]?.[method];
      expect(op?.description, `${method} ${path}`).toContain(`Publishes ${type} for the ledger`);
      expect(op?.description).toContain('when the topic is unavailable the write still succeeds');
      expect(Object.keys(op?.responses ?? {}), `${method} ${path}`).not.toContain('503');
    }
  });

  it('finds a broken document broken (the check has teeth)', () => {
    const broken = structuredClone(doc);
    (broken.paths as Record<string, unknown>)['/v1/pde-models/{modelId}'] = {
      get: { parameters: [], responses: { 200: { $ref: '#/components/responses/Nope' } } },
    };
    expect(openApiProblems(broken)).toEqual(
      expect.arrayContaining([expect.stringMatching(/not declared/), expect.stringMatching(/does not resolve/)]),
    );
  });
});
