import Module from 'node:module';
import type { CoreApi } from './rpc-types.js';

/** The module id the Functions worker provides to the app (azure-functions-nodejs-worker). */
export const CORE_MODULE_ID = '@azure/functions-core';

interface ModuleInternals {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
}

let installed: CoreApi | undefined;
let originalLoad: ModuleInternals['_load'] | undefined;

/**
 * Makes `require('@azure/functions-core')` return `api` in this process, as the worker does, so that
 * @azure/functions (CommonJS, loaded through Node's CJS loader even when the app is ESM) registers with the devhost.
 * Must run before the app (and so @azure/functions) is first loaded: the library caches the module it finds.
 * Only one devhost per process: the library keeps its first core API for the life of the process.
 */
export function installCoreModule(api: CoreApi): void {
  if (installed)
    throw new Error(
      'ERR-DEVHOST-CORE-INSTALLED: @azure/functions-core is already provided in this process; run one devhost per process.',
    );
  const internals = Module as unknown as ModuleInternals;
  originalLoad = internals._load;
  const load = originalLoad;
  internals._load = function devhostLoad(this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    if (request === CORE_MODULE_ID && installed) return installed;
    return load.call(this, request, parent, isMain);
  };
  installed = api;
}

/** Restores Node's loader (the library keeps the api it already found; this only affects later requires). */
export function uninstallCoreModule(): void {
  if (originalLoad) (Module as unknown as ModuleInternals)._load = originalLoad;
  originalLoad = undefined;
  installed = undefined;
}
