import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FunctionRegistry, RegisteredFunction } from './registry.js';
import { fromRpcOutput } from './rpc-data.js';
import { formatTimeSpan } from './timespan.js';
import type {
  CoreInvocationContext,
  FunctionCallback,
  HookCallback,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcRetryContext,
} from './rpc-types.js';

/** What a trigger source hands the invoker: the worker's InvocationRequest minus ids. */
export interface InvocationInput {
  inputData: NonNullable<RpcInvocationRequest['inputData']>;
  triggerMetadata?: RpcInvocationRequest['triggerMetadata'];
  retryContext?: RpcRetryContext;
}

export type InvocationOutcome =
  | {
      ok: true;
      invocationId: string;
      durationMs: number;
      response: RpcInvocationResponse;
      outputs: Map<string, unknown>;
    }
  | { ok: false; invocationId: string; durationMs: number; error: Error };

/**
 * Invokes a registered function the way the Node.js worker does: the library's invocation model builds the
 * context and arguments from the RPC request, pre-invocation hooks may change inputs and handler, the handler
 * runs, post-invocation hooks may change result or error, and the model turns the result into the RPC response.
 * Never throws: a failure of any step is returned as `{ ok: false }`.
 */
export async function invoke(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  input: InvocationInput,
): Promise<InvocationOutcome> {
  const invocationId = randomUUID();
  const started = performance.now();
  try {
    input = { ...input, inputData: [...input.inputData, ...(await providedInputs(registry, fn, input.inputData))] };
    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: { invocationId, functionId: fn.metadata.functionId ?? fn.name, ...input },
      metadata: { name: fn.name, functionId: fn.metadata.functionId ?? fn.name, bindings: fn.metadata.bindings },
      log: (level, category, message) => registry.log(level, category, message, fn.name, invocationId),
    };
    const response = await withFunctionTimeout(
      runInvocation(registry, fn, coreCtx),
      registry.functionTimeoutMs,
      fn.name,
      invocationId,
    );
    for (const route of registry.outputRouters) await route(fn, response);
    return {
      ok: true,
      invocationId,
      durationMs: performance.now() - started,
      response,
      outputs: decodeOutputs(response),
    };
  } catch (err) {
    return {
      ok: false,
      invocationId,
      durationMs: performance.now() - started,
      error: err instanceof Error ? err : new Error(String(err)),
    };
  }
}

/**
 * The host's functionTimeout: past it the invocation fails with Azure's FunctionTimeoutException text. The handler's
 * code cannot be stopped in this process (Azure recycles the worker); its late result is ignored.
 */
export class FunctionTimeoutError extends Error {
  readonly code = 'ERR-DEVHOST-FUNCTION-TIMEOUT';
  constructor(functionName: string, invocationId: string, timeoutMs: number) {
    super(
      `Timeout value of ${formatTimeSpan(timeoutMs)} exceeded by function 'Functions.${functionName}' (Id: '${invocationId}'). Initiating cancellation.`,
    );
    this.name = 'FunctionTimeoutException';
  }
}

async function withFunctionTimeout<T>(
  work: Promise<T>,
  timeoutMs: number | undefined,
  functionName: string,
  invocationId: string,
): Promise<T> {
  if (timeoutMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeoutError(functionName, invocationId, timeoutMs)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runInvocation(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  coreCtx: CoreInvocationContext,
): Promise<RpcInvocationResponse> {
  const model = registry.getProgrammingModel().getInvocationModel(coreCtx);
  const { context, inputs } = await model.getArguments();
  const hookData: Record<string, unknown> = {};
  const pre: Record<string, unknown> = {
    hookData,
    appHookData: registry.appHookData,
    invocationContext: context,
    inputs,
    functionCallback: fn.callback,
  };
  await runHooks(coreCtx, 'preInvocationHooks', registry.hooks.preInvocation, pre);

  let result: unknown;
  let error: unknown;
  coreCtx.state = 'invocation';
  try {
    result = await model.invokeFunction(context, pre.inputs as unknown[], pre.functionCallback as FunctionCallback);
  } catch (err) {
    error = err;
  } finally {
    coreCtx.state = undefined;
  }

  const post: Record<string, unknown> = {
    hookData,
    appHookData: registry.appHookData,
    invocationContext: context,
    inputs: pre.inputs,
    result,
    error,
  };
  await runHooks(coreCtx, 'postInvocationHooks', registry.hooks.postInvocation, post);
  if (post.error !== undefined && post.error !== null) throw post.error;
  return model.getResponse(context, post.result);
}

async function runHooks(
  coreCtx: CoreInvocationContext,
  state: 'preInvocationHooks' | 'postInvocationHooks',
  hooks: HookCallback[],
  hookCtx: Record<string, unknown>,
): Promise<void> {
  coreCtx.state = state;
  try {
    for (const hook of [...hooks]) await hook(hookCtx);
  } finally {
    coreCtx.state = undefined;
  }
}

/** Input bindings the host resolves (registry.inputProviders) that the trigger source did not already supply. */
async function providedInputs(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  given: InvocationInput['inputData'],
): Promise<InvocationInput['inputData']> {
  if (registry.inputProviders.size === 0) return [];
  const out: InvocationInput['inputData'] = [];
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    const provider =
      binding.direction === 'in' ? registry.inputProviders.get(String(binding.type).toLowerCase()) : undefined;
    if (provider && !given.some((d) => d.name === name)) out.push({ name, data: await provider(fn, name) });
  }
  return out;
}

/** Output bindings by name (`$return` for the return binding), decoded to plain values. */
function decodeOutputs(response: RpcInvocationResponse): Map<string, unknown> {
  const outputs = new Map<string, unknown>();
  for (const binding of response.outputData ?? []) {
    if (binding.name) outputs.set(binding.name, fromRpcOutput(binding.data));
  }
  if (response.returnValue)
    outputs.set('$return', response.returnValue.http ? response.returnValue.http : fromRpcOutput(response.returnValue));
  return outputs;
}
