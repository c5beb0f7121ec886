import { z } from 'zod';

export const DependencyStatus = z.object({
  name: z.string(),
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  /** What failed, in words an operator can act on; absent when up. */
  error: z.string().optional(),
});

export const HealthReport = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  checkedAt: z.string(),
  dependencies: z.array(DependencyStatus),
});
export type HealthReport = z.infer<typeof HealthReport>;

/** A dependency check: resolves when the dependency answers, rejects with the reason otherwise. */
export type Probe = () => Promise<void>;

/** Runs every probe in parallel, each bounded by `timeoutMs`; one failing probe makes the report `degraded`. */
export async function checkHealth(
  probes: Record<string, Probe>,
  opts: { version: string; timeoutMs: number; now?: () => number },
): Promise<HealthReport> {
  const now = opts.now ?? Date.now;
  const dependencies = await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      const start = now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          probe(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
          }),
        ]);
        return { name, status: 'up' as const, latencyMs: now() - start };
      } catch (err) {
        return {
          name,
          status: 'down' as const,
          latencyMs: now() - start,
          error: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : String(err),
        };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return {
    status: dependencies.every((d) => d.status === 'up') ? 'ok' : 'degraded',
    version: opts.version,
    checkedAt: new Date(now()).toISOString(),
    dependencies,
  };
}
