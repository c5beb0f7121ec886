/**
 * Where an ingress keeps the births it has seen, so an instance that starts (a restart, a scale-out, a partition
 * moved to another instance) decodes the data that follows births it never heard: a DDATA names its metrics by the
 * aliases of its DBIRTH (specification §6.4.2), and without that birth the data cannot be read at all.
 */

/** The newest birth of a node (NBIRTH) or of one of its devices (DBIRTH), as it came. */
export interface StoredBirth {
  edgeNodeId: string;
  topic: string;
  payload: Uint8Array;
  /** When the broker received it, epoch ms: orders a node's births against its devices'. */
  bornAtMs: number;
}

export interface BirthStore {
  /** Every birth kept for the edge node (the newest per topic), in no particular order. */
  birthsOf(edgeNodeId: string): Promise<StoredBirth[]>;
  /** Keeps a birth in place of the one kept for its topic; resolves once it is durable. */
  keep(birth: StoredBirth): Promise<void>;
}

const isNodeBirth = (topic: string) => topic.split('/')[2] === 'NBIRTH';

/**
 * The births in force, in the order to replay them: the newest NBIRTH, then the DBIRTHs that came after it (a node's
 * birth starts its devices over, so a device born before it is not born now). None without an NBIRTH.
 */
export function birthsInForce(births: readonly StoredBirth[]): StoredBirth[] {
  const node = births.filter((b) => isNodeBirth(b.topic)).sort((a, b) => b.bornAtMs - a.bornAtMs)[0];
  if (!node) return [];
  const devices = births
    .filter((b) => !isNodeBirth(b.topic) && b.bornAtMs >= node.bornAtMs)
    .sort((a, b) => a.bornAtMs - b.bornAtMs);
  return [node, ...devices];
}

/** Births in memory (tests, and a single process that needs no durability). */
export class MemoryBirthStore implements BirthStore {
  readonly #byTopic = new Map<string, StoredBirth>();

  async birthsOf(edgeNodeId: string): Promise<StoredBirth[]> {
    return [...this.#byTopic.values()].filter((b) => b.edgeNodeId === edgeNodeId);
  }

  async keep(birth: StoredBirth): Promise<void> {
    this.#byTopic.set(birth.topic, { ...birth, payload: new Uint8Array(birth.payload) });
  }
}
