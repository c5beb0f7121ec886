/** The API guideline's base: /<app-group>/<subapp-group>/<version>. host.json's routePrefix holds the first two. */
export const ROUTE_PREFIX = 'industrial-automation/smelting-ops';
export const API_VERSION = 'v1';
/** Route of a v1 resource, relative to the routePrefix, e.g. `v1/cells/{cellId}/latest`. */
export const v1 = (resource: string): string => `${API_VERSION}/${resource}`;
/** Absolute path of a v1 resource as a caller sees it. */
export const v1Path = (resource: string): string => `/${ROUTE_PREFIX}/${API_VERSION}/${resource}`;
