/**
 * The layer map of shared/ (DESIGN §2): a folder may import only folders of a lower rank, never its peers or
 * anything above it. ESLint enforces it (eslint.config.js) and test/architecture checks it with the import graph.
 * Tests (*.test.ts) are integration code and exempt; functions/ sits above every layer.
 */
export const SHARED_LAYERS = {
  // Settings, and the kernel every domain may use (actor, audit port, write outcomes, domain error base).
  config: 0,
  kernel: 0,
  // Libraries with no domain knowledge: PDE solvers, the lake's paths and codecs, CloudEvents and the topic, metrics,
  // health, and the HTTP kit (auth, bodies, paging, error mapping, OpenAPI builder).
  physics: 1,
  lake: 1,
  messaging: 1,
  observability: 1,
  health: 1,
  http: 1,
  // Domains, lower first: a domain may use the ones ranked below it.
  telemetry: 2,
  optimize: 2,
  ledger: 2,
  models: 2,
  scada: 3,
  alerts: 3,
  orchestration: 4,
  gold: 5,
  // The API (route table and HTTP use cases) and the Azure adapters with the composition root: both above every domain,
  // neither importing the other (functions/ joins them).
  api: 6,
  azure: 6,
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
