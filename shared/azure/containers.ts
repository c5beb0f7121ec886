/**
 * Storage the code uses, declared once: the lake's containers (DESIGN §4) and the Cosmos DB containers with their
 * partition keys. Bicep provisions from the JSON generated out of this file (bicep/shared-generated/containers.json);
 * the config contract test (test/contract) fails when the two differ. Add a container here, then regenerate.
 */
import { PARKED_CONTAINER } from '../telemetry/parked-batches.js';
export const LAKE_CONTAINERS = ['bronze', 'silver', 'gold', 'quarantine'] as const;

/** Containers the app keeps in the host's storage account (AzureWebJobsStorage): parked telemetry batches. */
export const HOST_STORAGE_CONTAINERS: readonly string[] = [PARKED_CONTAINER];
export type LakeContainer = (typeof LAKE_CONTAINERS)[number];

export interface CosmosContainerDefinition {
  name: string;
  /** Partition key path, e.g. `/cellId`. */
  partitionKey: string;
}

export const COSMOS_CONTAINERS: readonly CosmosContainerDefinition[] = [
  // Latest good value per cell and tag; one write per cell per batch, so the cell is the natural partition.
  { name: 'cell-state', partitionKey: '/cellId' },
  { name: 'pde-models', partitionKey: '/modelId' },
  // Who changed what and when; partitioned by day so a day's audit reads from one partition.
  { name: 'audit', partitionKey: '/day' },
  // SCADA set-point commands, one document per command id rewritten on each state change (idempotent redelivery).
  { name: 'scada-commands', partitionKey: '/commandId' },
  // Manual overrides, one document per scope (cell:L1-C001, line:L1): two point reads answer "is it in manual?".
  { name: 'scada-overrides', partitionKey: '/scopeKey' },
  // The plant's read-back of its active set points and the changes it reported, one partition per equipment: the
  // envelope reads the equipment's newest reports (one document) and its last hour of changes in one partition.
  { name: 'scada-readback', partitionKey: '/equipmentId' },
  // The plant model: one immutable document per version (id = its content version), the `current` pointer and the
  // events queued with it, all in one logical partition so a replace is one transactional batch (the outbox).
  { name: 'plant-models', partitionKey: '/partition' },
  // The Sparkplug births the plant-MQTT ingress has seen, one document per topic (the newest birth), partitioned by
  // edge node: an instance that starts reads a node's births in one partition before decoding its data.
  { name: 'sparkplug-births', partitionKey: '/edgeNodeId' },
  // Alert rules (US-4.2): few documents, read whole by the evaluator, edited one at a time through the API under
  // If-Match; keyed by rule id so read, replace and delete are point operations (a rule's tag may change).
  { name: 'alert-rules', partitionKey: '/ruleId' },
  // Alerts with their history; one open alert per condition and scope, so the scope (cell or event subject) partitions
  // and the raise path (latest alert of a condition and scope) stays in one partition.
  { name: 'alerts', partitionKey: '/scopeKey' },
  // Finished optimisation runs, one document per run id, read by id.
  { name: 'optimization-runs', partitionKey: '/runId' },
  // The user constraints of each line, one document per line replaced whole under If-Match.
  { name: 'line-constraints', partitionKey: '/lineId' },
];

/**
 * The containers that hold queued plant events next to the changes they report (shared/azure/cosmos-outbox.ts): the
 * outbox sweep reads every one of them, and a store that queues events in a container missing here refuses to start.
 */
export const OUTBOX_CONTAINERS: readonly CosmosContainerDefinition[] = [
  'pde-models',
  'alert-rules',
  'alerts',
  'line-constraints',
  'scada-overrides',
  'plant-models',
  'optimization-runs',
].map((name) => COSMOS_CONTAINERS.find((c) => c.name === name)!);
