import path from 'node:path';
import { z } from 'zod';
import { invoke } from '../invoke.js';
import type { RegisteredFunction } from '../registry.js';
import { mayRetry, parseRetryPolicy, retryDelayMs, type RetryPolicy } from '../retry-policy.js';
import { rpcJson } from '../rpc-data.js';
import { resolveSettingExpression } from '../settings.js';
import type { TriggerSource, TriggerSourceContext, TriggerSourceFactory } from '../trigger-source.js';
import { sleepOn } from './clock.js';
import { parseSchedule } from './ncrontab.js';
import { TimerScheduler, type TimerInfo } from './scheduler.js';

const TimerTriggerOptions = z.looseObject({
  schedule: z.string().min(1),
  runOnStartup: z.boolean().optional(),
  useMonitor: z.boolean().optional(),
});

/** Serves `app.timer` registrations: NCRONTAB or TimeSpan schedules (`%SETTING%` resolved), runOnStartup, useMonitor, retry policies. */
export function timerSourceFactory(): TriggerSourceFactory {
  return {
    triggerTypes: ['timerTrigger'],
    create: (ctx, functions) => {
      const schedulers = functions.map((fn) => {
        const retry = parseRetryPolicy(fn.name, fn.metadata.retryOptions);
        const parsed = TimerTriggerOptions.safeParse(fn.trigger.options);
        if (!parsed.success)
          throw new Error(
            `ERR-DEVHOST-TIMER: function ${fn.name}: trigger option ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
          );
        const schedule = parseSchedule(
          resolveSettingExpression(parsed.data.schedule, ctx.env, `function ${fn.name} schedule`),
        );
        return new TimerScheduler({
          schedule,
          clock: ctx.clock,
          runOnStartup: parsed.data.runOnStartup,
          useMonitor: parsed.data.useMonitor,
          statusFile: path.join(ctx.dataDir, 'timers', `${fn.name}.json`),
          fire: (info, stop) => fireWithRetries(ctx, fn, retry, info, stop),
        });
      });
      return new TimerSource(ctx, schedulers);
    },
  };
}

/**
 * Runs one occurrence and, when it fails, retries it per the function's retry policy with the RetryContext the host
 * passes (learn.microsoft.com, "Azure Functions error handling and retries": timer triggers take fixedDelay and
 * exponentialBackoff). The next occurrence waits for the retries, as runs of one timer never overlap.
 */
async function fireWithRetries(
  ctx: TriggerSourceContext,
  fn: RegisteredFunction,
  retry: RetryPolicy,
  info: TimerInfo,
  stop: AbortSignal,
): Promise<void> {
  let lastError = '';
  for (let retries = 0; ; retries++) {
    const outcome = await invoke(ctx.registry, fn, {
      inputData: [{ name: fn.trigger.name, data: rpcJson(info) }],
      retryContext:
        retry.strategy === 'none'
          ? undefined
          : {
              retryCount: retries,
              maxRetryCount: retry.maxRetryCount,
              exception: retries > 0 ? { message: lastError } : null,
            },
    });
    ctx.events.emit('invocation', {
      functionName: fn.name,
      invocationId: outcome.invocationId,
      triggerType: fn.trigger.type,
      durationMs: outcome.durationMs,
      ok: outcome.ok,
      error: outcome.ok ? undefined : outcome.error.message,
      retryCount: retries,
    });
    if (outcome.ok) return;
    lastError = outcome.error.message;
    const again = mayRetry(retry, retries);
    ctx.registry.log(
      'error',
      'system',
      `Timer function ${fn.name} failed (attempt ${retries + 1}${again ? `; retrying in ${retryDelayMs(retry, retries)} ms` : ''}): ${outcome.error.stack ?? lastError}`,
      fn.name,
      outcome.invocationId,
    );
    if (!again || !(await sleepOn(ctx.clock, retryDelayMs(retry, retries), stop))) return;
  }
}

class TimerSource implements TriggerSource {
  readonly kind = 'timer';
  constructor(
    private readonly ctx: TriggerSourceContext,
    private readonly schedulers: TimerScheduler[],
  ) {}

  async start(): Promise<void> {
    // Start-up runs (past due, runOnStartup) go in the background so the host is ready at once, as in Azure.
    for (const s of this.schedulers)
      void s
        .start()
        .catch((err: unknown) =>
          this.ctx.registry.log('error', 'system', `Timer schedule failed to start: ${(err as Error).message}`),
        );
  }

  async stop(): Promise<void> {
    await Promise.all(this.schedulers.map((s) => s.stop()));
  }
}
