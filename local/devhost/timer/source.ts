import path from 'node:path';
import { z } from 'zod';
import { invoke } from '../invoke.js';
import { rpcJson } from '../rpc-data.js';
import { resolveSettingExpression } from '../settings.js';
import type { TriggerSource, TriggerSourceContext, TriggerSourceFactory } from '../trigger-source.js';
import { parseSchedule } from './ncrontab.js';
import { TimerScheduler } from './scheduler.js';

const TimerTriggerOptions = z.looseObject({
  schedule: z.string().min(1),
  runOnStartup: z.boolean().optional(),
  useMonitor: z.boolean().optional(),
});

/** Serves `app.timer` registrations: NCRONTAB or TimeSpan schedules (`%SETTING%` resolved), runOnStartup, useMonitor. */
export function timerSourceFactory(): TriggerSourceFactory {
  return {
    triggerTypes: ['timerTrigger'],
    create: (ctx, functions) => {
      const schedulers = functions.map((fn) => {
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
          fire: async (info) => {
            const outcome = await invoke(ctx.registry, fn, {
              inputData: [{ name: fn.trigger.name, data: rpcJson(info) }],
            });
            ctx.events.emit('invocation', {
              functionName: fn.name,
              invocationId: outcome.invocationId,
              triggerType: fn.trigger.type,
              durationMs: outcome.durationMs,
              ok: outcome.ok,
              error: outcome.ok ? undefined : outcome.error.message,
              retryCount: 0,
            });
            if (!outcome.ok)
              ctx.registry.log(
                'error',
                'system',
                `Timer function ${fn.name} failed: ${outcome.error.stack ?? outcome.error.message}`,
                fn.name,
                outcome.invocationId,
              );
          },
        });
      });
      return new TimerSource(ctx, schedulers);
    },
  };
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
