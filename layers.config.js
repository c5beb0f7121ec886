/**
 * The layer map of shared/ (DESIGN §2): a folder may import only folders of a lower rank, never its peers or
 * anything above it. ESLint enforces it (eslint.config.js) and test/architecture checks it with the import graph.
 * Tests (*.test.ts) are integration code and exempt; functions/ sits above every layer.
 */
export const SHARED_LAYERS = {
  // The kernel every part may use (actor, audit port, write outcomes, the domain error base), then the settings.
  kernel: 0,
  config: 1,
  // Libraries with no domain knowledge: PDE solvers, the lake's paths and codecs, CloudEvents and the topic, metrics,
  // health.
  physics: 2,
  lake: 2,
  messaging: 2,
  observability: 2,
  health: 2,
  // Domains, lower first: a domain may use the ones ranked below it.
  telemetry: 3,
  optimize: 3,
  ledger: 3,
  models: 3,
  // The plant model (ISA-95 hierarchy, cell technologies, limits, tag maps) every part reads.
  plant: 4,
  scada: 5,
  alerts: 5,
  // Lab analyses (bath and metal samples) of the plant's cells.
  lab: 5,
  orchestration: 6,
  // The plant's protocol (Sparkplug B): the SCADA gateway over it and what the ingress decodes.
  sparkplug: 6,
  gold: 7,
  // The control room's push messages, built from what the domains (cells, overrides, alerts, runs) report.
  realtime: 7,
  // The HTTP kit (auth, bodies, paging, the error mapping, the OpenAPI builder): above the domains, so no domain
  // speaks HTTP.
  http: 8,
  // The API (route table and HTTP use cases) and the Azure adapters with the composition root: above everything,
  // neither importing the other (functions/ joins them).
  api: 9,
  azure: 9,
};

/** Packages that talk to Azure: only shared/azure, local/ (the embedded runtime) and tools may import them. */
export const AZURE_SDK_PACKAGES = [
  '@azure/cosmos',
  '@azure/storage-blob',
  '@azure/service-bus',
  '@azure/event-hubs',
  '@azure/identity',
  '@azure-rest/*',
  '@azure/monitor-opentelemetry',
];
