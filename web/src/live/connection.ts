/**
 * The push connection: the real `@microsoft/signalr` client pointed at the API's `v1/realtime` (it negotiates there
 * with the person's bearer token and follows the answer to the SignalR Service). It reconnects by itself, forever,
 * backing off to 10 s; every message is parsed with the push contract's schema before it touches the store, and
 * after every (re)connect the screen reads the API again, so nothing missed while disconnected stays missing.
 */
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { LiveMessageSchemas, LiveTarget, type RunChangedMessage } from '../../../shared/realtime/messages.js';
import type { ApiClient } from '../api/client.js';
import type { ControlRoomStore } from './store.js';

export interface LiveHandlers {
  /** Reads the API's current state again (after a connect or a reconnect). */
  resync(): Promise<void>;
  /** A run changed: read it again. */
  runChanged(m: RunChangedMessage): void;
  /** An alert changed: read the open alerts again. */
  alertChanged(): void;
  /** A new plant-model version is in force. */
  plantChanged(): void;
}

/** Waits before the n-th reconnect attempt, ms: 0, 0.5, 1, 2, 4, 8, then every 10 s — never giving up. */
export const reconnectDelayMs = (attempt: number) => (attempt === 0 ? 0 : Math.min(10_000, 500 * 2 ** (attempt - 1)));

export interface LiveConnection {
  stop(): Promise<void>;
}

export function connectLive(api: ApiClient, store: ControlRoomStore, handlers: LiveHandlers): LiveConnection {
  const hub: HubConnection = new HubConnectionBuilder()
    .withUrl(`${api.baseUrl}/realtime`, { accessTokenFactory: () => api.token(), withCredentials: false })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => reconnectDelayMs(ctx.previousRetryCount) })
    .configureLogging(LogLevel.None)
    .build();

  const on = <T extends keyof typeof LiveMessageSchemas>(target: T, apply: (m: unknown) => void) =>
    hub.on(target, (arg: unknown) => {
      const parsed = LiveMessageSchemas[target].safeParse(arg);
      if (!parsed.success) {
        store.counters.invalidMessages++;
        return;
      }
      apply(parsed.data);
    });
  on(LiveTarget.cellStates, (m) => store.applyCellStates(m as never, Date.now()));
  on(LiveTarget.overrideChanged, (m) => store.applyOverride(m as never));
  on(LiveTarget.commandsChanged, (m) => store.applyCommands(m as never, Date.now()));
  on(LiveTarget.alertChanged, () => handlers.alertChanged());
  on(LiveTarget.runChanged, (m) => handlers.runChanged(m as RunChangedMessage));
  on(LiveTarget.kpisChanged, () => store.kpisChanged());
  on(LiveTarget.plantChanged, () => handlers.plantChanged());

  let stopped = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = (state: Parameters<ControlRoomStore['setStatus']>[0]['state'], error?: string) =>
    store.setStatus({ state, sinceMs: Date.now(), ...(error ? { error } : {}) });

  hub.onreconnecting((err) => status('reconnecting', err?.message));
  hub.onreconnected(() => {
    status('connected');
    void handlers.resync();
  });
  // The client gave up (or was refused at negotiate): start again ourselves, backing off.
  hub.onclose((err) => {
    if (stopped) return;
    status('disconnected', err?.message);
    schedule();
  });

  const start = async () => {
    if (stopped) return;
    status(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      await hub.start();
      attempt = 0;
      status('connected');
      await handlers.resync();
    } catch (err) {
      status('disconnected', err instanceof Error ? err.message : String(err));
      schedule();
    }
  };
  const schedule = () => {
    if (stopped) return;
    attempt++;
    timer = setTimeout(() => void start(), reconnectDelayMs(attempt));
  };
  void start();

  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await hub.stop();
      status('off');
    },
  };
}
