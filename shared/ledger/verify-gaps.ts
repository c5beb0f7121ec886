/**
 * Finds archived plant events that the ledger does not hold. The ledger writer archives an event's payload first and
 * appends its entry second, and completes the message only after the append; a payload without an entry is an event
 * the ledger lost (or an append still under way, which a later run no longer reports). A chain can be whole and
 * still have such a gap, so `verify` reports both.
 */
import { listAll, type LakeStore } from '../lake/lake-store.js';
import { confidentialLedgerPaths } from './confidential-store.js';
import { LEDGER_CONTAINER, ledgerPaths } from './paths.js';

export interface LedgerGap {
  entryId: string;
  /** The archived payload that has no ledger entry. */
  payloadPath: string;
}

export interface LedgerGaps {
  /** Archived payloads looked at. */
  checkedPayloads: number;
  gaps: LedgerGap[];
}

/** Every archived payload of the collection whose entry is in neither the local ledger nor the Confidential Ledger. */
export async function findLedgerGaps(
  store: LakeStore,
  options: { collectionId: string; container?: string },
): Promise<LedgerGaps> {
  const container = options.container ?? LEDGER_CONTAINER;
  const c = options.collectionId;
  const payloads = (await listAll(store, container, ledgerPaths.payloadsPrefix(c))).filter((e) =>
    e.path.endsWith('.json'),
  );
  const [local, confidential] = await Promise.all([
    entryIdsUnder(store, container, `${ledgerPaths.root(c)}/ids/`),
    entryIdsUnder(store, container, confidentialLedgerPaths.receiptsPrefix(c)),
  ]);
  const gaps: LedgerGap[] = [];
  for (const p of payloads) {
    const entryId = baseName(p.path);
    if (!local.has(entryId) && !confidential.has(entryId)) gaps.push({ entryId, payloadPath: p.path });
  }
  return { checkedPayloads: payloads.length, gaps };
}

async function entryIdsUnder(store: LakeStore, container: string, prefix: string): Promise<Set<string>> {
  return new Set((await listAll(store, container, prefix)).map((e) => baseName(e.path)));
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\.json$/, '');
