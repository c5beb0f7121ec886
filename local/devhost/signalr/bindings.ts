/**
 * The SignalR Service bindings as the devhost serves them: `signalRConnectionInfo` inputs are filled from the local
 * service (its URL and a fresh access token for the binding's hub), `signalR` outputs are delivered to it after a
 * successful invocation (a value it cannot read fails the invocation, as a failed send does in Azure).
 */
import type { InputBindingProvider, OutputRouter, RegisteredFunction } from '../registry.js';
import { rpcJson } from '../rpc-data.js';
import type { RpcInvocationResponse, RpcTypedData } from '../rpc-types.js';
import { resolveSettingExpression } from '../settings.js';
import type { LocalSignalRService } from './local-signalr.js';
import { SignalROutputError } from './local-signalr.js';

export const CONNECTION_INFO_TYPE = 'signalrconnectioninfo';
export const OUTPUT_TYPE = 'signalr';

function hubOf(fn: RegisteredFunction, bindingName: string, env: NodeJS.ProcessEnv): string {
  const hubName = fn.metadata.bindings[bindingName]?.hubName;
  if (typeof hubName !== 'string' || hubName === '')
    throw new SignalROutputError(`function ${fn.name}, binding ${bindingName}: hubName is required`);
  return resolveSettingExpression(hubName, env, `function ${fn.name} binding ${bindingName}.hubName`);
}

/** Fills `signalRConnectionInfo` inputs: `{ url, accessToken }` for the binding's hub. */
export function connectionInfoProvider(service: LocalSignalRService, env: NodeJS.ProcessEnv): InputBindingProvider {
  return async (fn, bindingName) => rpcJson(await service.connectionInfo(hubOf(fn, bindingName, env)));
}

/** Decodes an output value the way the extension does: a JSON array is many items, anything else one. */
function items(data: RpcTypedData): unknown[] {
  let value: unknown;
  if (data.json !== undefined && data.json !== null) value = JSON.parse(data.json);
  else if (data.string !== undefined && data.string !== null) value = JSON.parse(data.string);
  else return [];
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Routes `signalR` output values to the local service. */
export function signalROutputRouter(service: LocalSignalRService, env: NodeJS.ProcessEnv): OutputRouter {
  return (fn: RegisteredFunction, response: RpcInvocationResponse) => {
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (binding.direction !== 'out' || String(binding.type).toLowerCase() !== OUTPUT_TYPE) continue;
      const data = name === '$return' ? response.returnValue : response.outputData?.find((b) => b.name === name)?.data;
      if (!data) continue;
      const values = items(data);
      if (values.length > 0) service.send(hubOf(fn, name, env), values);
    }
  };
}
