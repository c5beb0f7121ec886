import { z } from 'zod';
import type { DevhostEvents } from './events.js';
import {
  Disposable,
  type CoreApi,
  type FunctionCallback,
  type FunctionMetadata,
  type HookCallback,
  type HookName,
  type ProgrammingModel,
  type RpcBindingInfo,
  type RpcInvocationResponse,
  type RpcLogCategory,
  type RpcLogLevel,
  type RpcTypedData,
} from './rpc-types.js';

/** Version strings the core module reports (the worker/host versions this devhost imitates). */
const WORKER_VERSION = '3.10.0-devhost';
const HOST_VERSION = '4.34.0-devhost';

/**
 * Supplies an input binding the host resolves itself (e.g. `durableClient`, `signalRConnectionInfo`) for one
 * invocation of `fn`; a throw (or rejection) fails the invocation, as a binding error does in Azure.
 */
export type InputBindingProvider = (
  fn: RegisteredFunction,
  bindingName: string,
) => RpcTypedData | Promise<RpcTypedData>;

/** The trigger binding of a registration: its name in `bindings`, its type and every option the app gave. */
export interface TriggerBinding {
  name: string;
  type: string;
  options: RpcBindingInfo;
}

export interface RegisteredFunction {
  name: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  trigger: TriggerBinding;
}

/** Delivers a successful invocation's output binding values to their targets; a throw fails the invocation. */
export type OutputRouter = (fn: RegisteredFunction, response: RpcInvocationResponse) => Promise<void> | void;

const FunctionMetadataSchema = z.object({
  name: z.string().min(1),
  functionId: z.string().optional(),
  bindings: z.record(
    z.string(),
    z.looseObject({ type: z.string().nullish(), direction: z.enum(['in', 'out', 'inout']).nullish() }),
  ),
  retryOptions: z.unknown().optional(),
});

export class RegistrationError extends Error {
  readonly code = 'ERR-DEVHOST-REGISTRATION';
  constructor(
    readonly functionName: string,
    readonly field: string,
    detail: string,
  ) {
    super(`Function "${functionName}" cannot be registered: ${field} ${detail}.`);
    this.name = 'RegistrationError';
  }
}

const isTriggerType = (type: string | null | undefined): boolean => !!type && /trigger$/i.test(type);

/**
 * Everything the app registers through `@azure/functions-core`: functions, hooks, the programming model, logs.
 * One registry per devhost; the core module forwards to the registry that is installed at the time.
 */
export class FunctionRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    appStart: [],
    appTerminate: [],
    preInvocation: [],
    postInvocation: [],
    log: [],
  };
  /** Shared by every hook of the app (the worker's `appHookData`). */
  readonly appHookData: Record<string, unknown> = {};
  /** Where output bindings go (Service Bus topics, Event Hubs); run in order after every successful invocation. */
  readonly outputRouters: OutputRouter[] = [];
  /** Host-resolved input bindings by binding type (lower case); every invocation path fills them in `invoke`. */
  readonly inputProviders = new Map<string, InputBindingProvider>();
  /** host.json functionTimeout, ms (undefined: unbounded); `invoke` fails an invocation that runs longer. */
  functionTimeoutMs: number | undefined;
  #programmingModel: ProgrammingModel | undefined;

  constructor(readonly events: DevhostEvents) {}

  /** Registers a function; throws a RegistrationError for a duplicate name or a registration without a trigger. */
  registerFunction(rawMetadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    const parsed = FunctionMetadataSchema.safeParse(rawMetadata);
    const name = typeof rawMetadata?.name === 'string' ? rawMetadata.name : '(unnamed)';
    if (!parsed.success)
      throw new RegistrationError(
        name,
        String(parsed.error.issues[0]?.path.join('.') ?? 'metadata'),
        parsed.error.issues[0]?.message ?? 'is invalid',
      );
    if (typeof callback !== 'function') throw new RegistrationError(name, 'handler', 'must be a function');
    if (this.functions.has(name))
      throw new RegistrationError(name, 'name', 'is already registered; function names must be unique in an app');
    const triggers = Object.entries(rawMetadata.bindings).filter(([, b]) => isTriggerType(b.type));
    const [first] = triggers;
    if (!first || triggers.length > 1)
      throw new RegistrationError(name, 'bindings', `must hold exactly one trigger (found ${triggers.length})`);
    const [triggerName, triggerOptions] = first;
    this.functions.set(name, {
      name,
      metadata: rawMetadata,
      callback,
      trigger: { name: triggerName, type: String(triggerOptions.type), options: triggerOptions },
    });
    return new Disposable(() => this.functions.delete(name));
  }

  /** Adds a lifecycle hook; hooks run in registration order. */
  registerHook(hookName: string, callback: HookCallback): Disposable {
    if (!(hookName in this.hooks))
      throw new RangeError(`Unknown hook "${hookName}": the devhost supports ${Object.keys(this.hooks).join(', ')}`);
    const list = this.hooks[hookName as HookName];
    list.push(callback);
    return new Disposable(() => {
      const i = list.indexOf(callback);
      if (i >= 0) list.splice(i, 1);
    });
  }

  setProgrammingModel(model: ProgrammingModel): void {
    this.#programmingModel = model;
  }

  /** The model @azure/functions set on import; the devhost has no built-in fallback model. */
  getProgrammingModel(): ProgrammingModel {
    if (!this.#programmingModel) {
      throw new Error(
        'ERR-DEVHOST-NO-MODEL: no programming model was set. The app must import @azure/functions (v4) and register at least one function.',
      );
    }
    return this.#programmingModel;
  }

  /** Records a log line on the event feed (the console and tests read it there). */
  log(
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
    functionName?: string,
    invocationId?: string,
  ): void {
    this.events.emit('log', { level, category, message, functionName, invocationId });
  }

  /** Registered functions whose trigger type matches (case-insensitive), e.g. `eventHubTrigger`. */
  byTriggerType(type: string): RegisteredFunction[] {
    return [...this.functions.values()].filter((f) => f.trigger.type.toLowerCase() === type.toLowerCase());
  }

  /** The object `require('@azure/functions-core')` returns while this registry is installed. */
  coreApi(): CoreApi {
    return {
      version: WORKER_VERSION,
      hostVersion: HOST_VERSION,
      registerFunction: (m, cb) => this.registerFunction(m, cb),
      registerHook: (n, cb) => this.registerHook(n, cb),
      setProgrammingModel: (m) => this.setProgrammingModel(m),
      getProgrammingModel: () => this.getProgrammingModel(),
      log: (level, category, message) => this.log(level, category, message),
      Disposable,
    };
  }
}
