import { describe, expect, it } from 'vitest';
import { checkHealth } from './health.js';

describe('checkHealth', () => {
  it('is ok when every dependency answers', async () => {
    const report = await checkHealth(
      { lake: async () => {}, cosmos: async () => {} },
      { version: '1.0.0', timeoutMs: 1000 },
    );
    expect(report.status).toBe('ok');
    expect(report.dependencies.map((d) => [d.name, d.status])).toEqual([
      ['lake', 'up'],
      ['cosmos', 'up'],
    ]);
  });

  it('is degraded and names the failing dependency with its reason', async () => {
    const report = await checkHealth(
      { lake: async () => {}, cosmos: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8081')) },
      { version: '1.0.0', timeoutMs: 1000 },
    );
    expect(report.status).toBe('degraded');
    expect(report.dependencies[1]).toMatchObject({
      name: 'cosmos',
      status: 'down',
      error: 'connect ECONNREFUSED 127.0.0.1:8081',
    });
  });

  it('reports a dependency that never answers as down after the timeout instead of hanging', async () => {
    const report = await checkHealth({ hub: () => new Promise<void>(() => {}) }, { version: '1.0.0', timeoutMs: 20 });
    expect(report.dependencies[0]).toMatchObject({ status: 'down', error: 'no answer within 20 ms' });
  });
});
