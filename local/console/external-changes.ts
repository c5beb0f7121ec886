/**
 * What the platform recorded about the plant during a run, read from Cosmos after it: the set-point changes it saw
 * made outside it (the read-back observer's `external` records in `scada-readback`) and how its commands ended
 * (`scada-commands`: acknowledged by read-back, rejected by the envelope with the rule, failed with the code).
 */
import { cosmosClient } from '../../shared/azure/clients.js';
import { SCADA_READBACK_CONTAINER } from '../../shared/azure/cosmos-readback-store.js';
import { SCADA_COMMANDS_CONTAINER } from '../../shared/azure/cosmos-scada-stores.js';
import { settings } from '../../shared/config/settings.js';

const database = () => {
  const s = settings();
  return cosmosClient(s).database(s.COSMOS_DATABASE);
};

export async function countExternalChanges(sinceMs: number): Promise<number> {
  const { resources } = await database()
    .container(SCADA_READBACK_CONTAINER)
    .items.query<number>({
      query:
        "SELECT VALUE COUNT(1) FROM c WHERE c.kind = 'setpoint-change' AND c.origin = 'external' AND c.atMs >= @since",
      parameters: [{ name: '@since', value: sinceMs }],
    })
    .fetchAll();
  return resources[0] ?? 0;
}

/** Commands created since `sinceMs`, counted by how they ended: `acknowledged`, `rejected:<rule>`, `failed:<code>`, … */
export async function commandOutcomes(sinceMs: number): Promise<Record<string, number>> {
  const { resources } = await database()
    .container(SCADA_COMMANDS_CONTAINER)
    .items.query<{ state: string; violations?: { rule: string }[]; failure?: { code: string; message: string } }>({
      query: 'SELECT c.state, c.violations, c.failure FROM c WHERE c.createdAtMs >= @since',
      parameters: [{ name: '@since', value: sinceMs }],
    })
    .fetchAll();
  const out: Record<string, number> = {};
  for (const c of resources) {
    const why =
      c.state === 'rejected'
        ? `:${c.violations?.[0]?.rule ?? '?'}`
        : c.state === 'failed'
          ? `:${c.failure?.code === 'ERR-SCADA-PLC-REFUSED' ? c.failure.message.split(':')[0] : (c.failure?.code ?? '?')}`
          : '';
    out[`${c.state}${why}`] = (out[`${c.state}${why}`] ?? 0) + 1;
  }
  return out;
}
