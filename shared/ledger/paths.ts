/**
 * Where the ledger keeps its blobs: under `audit/` in the gold container (no extra container to provision, and
 * gold already holds what auditors read). Sequence numbers are zero-padded so a listing is in ledger order.
 */
export const LEDGER_CONTAINER = 'gold';

const root = (collectionId: string) => `audit/ledger/${encodeURIComponent(collectionId)}`;
const seq = (seqNo: number) => String(seqNo).padStart(12, '0');

export const ledgerPaths = {
  root,
  entriesPrefix: (c: string) => `${root(c)}/entries/`,
  entry: (c: string, seqNo: number) => `${root(c)}/entries/${seq(seqNo)}.json`,
  receipt: (c: string, seqNo: number) => `${root(c)}/receipts/${seq(seqNo)}.json`,
  entryIndex: (c: string, entryId: string) => `${root(c)}/ids/${entryId}.json`,
  head: (c: string) => `${root(c)}/head.json`,
  nodePublicKey: (c: string) => `${root(c)}/node/public-key.pem`,
  nodePrivateKey: (c: string) => `${root(c)}/node/private-key.pem`,
  /** Full payloads by day of the event, named by entry id so a redelivery rewrites the same blob. */
  payload: (c: string, day: string, entryId: string) => `${ledgerPaths.payloadsOfDay(c, day)}${entryId}.json`,
  /** Every day's payloads of the collection: each one is an event the writer took for the ledger. */
  payloadsPrefix: (c: string) => `audit/payloads/${encodeURIComponent(c)}/`,
  /** The folder of one day's payloads (what gold curation compacts into fact_plant_event). */
  payloadsOfDay: (c: string, day: string) => `audit/payloads/${encodeURIComponent(c)}/date=${day}/`,
  /** Confidential Ledger bookkeeping: entry id → transaction id (the service has no lookup by our id). */
  confidentialIndex: (c: string, entryId: string) =>
    `audit/confidential-ledger/${encodeURIComponent(c)}/ids/${entryId}.json`,
  seqNoOf(path: string): number | undefined {
    const m = /\/(\d{12})\.json$/.exec(path);
    return m ? Number(m[1]) : undefined;
  },
};
