/**
 * `npx tsx local/webhook-receiver/main.ts [--port 7072] [--file .local/webhooks.jsonl]`: runs the receiver until
 * stopped; point a webhook alert channel at http://127.0.0.1:<port>/<anything>.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startWebhookReceiver } from './receiver.js';

/** Default port: next to the devhost's 7071. */
const DEFAULT_PORT = 7072;

const { values } = parseArgs({ options: { port: { type: 'string' }, file: { type: 'string' } } });
const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('webhook-receiver: --port must be a whole number 0–65535');
  process.exit(2);
}
const receiver = await startWebhookReceiver({ port, file: path.resolve(values.file ?? '.local/webhooks.jsonl') });
console.log(`webhook receiver on ${receiver.url}, writing ${receiver.file}`);
const stop = () => void receiver.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
