/**
 * `npm run ledger -- verify [--from N] [--collection PLANT] [--no-payloads]`: proves the local audit ledger (hash
 * chain, payload digests, receipts) and any stored Confidential Ledger receipts intact. Exits 1 and names the first
 * broken entry when something was changed, or names an archived plant event the ledger does not hold (a gap). Uses LakeConnection when set, else the running devhost's Azurite, else
 * the local data in .local/azurite.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { parseArgs } from 'node:util';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { LEDGER_CONTAINER } from '../../shared/ledger/paths.js';
import { verifyConfidentialReceipts } from '../../shared/ledger/verify-confidential.js';
import { findLedgerGaps } from '../../shared/ledger/verify-gaps.js';
import { verifyLocalLedger } from '../../shared/ledger/verify-ledger.js';
import { localLakeConnection } from './local-lake.js';

const USAGE = 'usage: npm run ledger -- verify [--from N] [--collection PLANT_ID] [--no-payloads]';

class CliError extends Error {}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, collection: { type: 'string' }, 'no-payloads': { type: 'boolean' } },
  });
  if (positionals[0] !== 'verify') throw new CliError(USAGE);
  const fromSeqNo = values.from === undefined ? 1 : Number(values.from);
  if (!Number.isInteger(fromSeqNo) || fromSeqNo < 1)
    throw new CliError('--from must be a whole number ≥ 1 (a ledger sequence number)');
  const collectionId = values.collection ?? process.env.PLANT_ID ?? 'plant-01';
  const { connection, stop } = await localLakeConnection();
  try {
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(connection), [LEDGER_CONTAINER]);
    const local = await verifyLocalLedger(lake, { collectionId, fromSeqNo, checkPayloads: !values['no-payloads'] });
    const confidential = await verifyConfidentialReceipts(lake, { collectionId });
    const archived = await findLedgerGaps(lake, { collectionId });
    console.log(JSON.stringify({ local, confidential, archived }, null, 2));
    if (local.firstBroken) {
      const b = local.firstBroken;
      console.error(
        `ledger: entry ${b.seqNo}${b.entryId ? ` (${b.entryId})` : ''} is broken: ${b.field} — ${b.reason} [${b.path}]`,
      );
    }
    if (confidential.firstBroken) {
      const b = confidential.firstBroken;
      console.error(
        `ledger: Confidential Ledger receipt of ${b.entryId}${b.transactionId ? ` (transaction ${b.transactionId})` : ''} is broken: ${b.field} — ${b.reason}`,
      );
    }
    const gap = archived.gaps[0];
    if (gap)
      console.error(
        `ledger: ${archived.gaps.length} archived plant event(s) have no ledger entry, first ${gap.entryId} [${gap.payloadPath}] — an append under way (run verify again) or an event the ledger lost`,
      );
    const ok = local.ok && confidential.ok && !gap;
    if (ok)
      console.error(
        `ledger: ${collectionId} intact — ${local.checkedEntries} entries, ${local.checkedReceipts} local receipts, ${confidential.checkedReceipts} Confidential Ledger receipts, every one of ${archived.checkedPayloads} archived plant events in the ledger`,
      );
    return ok ? 0 : 1;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof CliError ? `ledger: ${err.message}` : err);
    process.exit(err instanceof CliError ? 2 : 1);
  },
);
