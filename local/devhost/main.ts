/**
 * `tsx local/devhost/main.ts [--app functions/index.ts] [--port 7071] [--partitions 4] [--data-dir .local]
 *   [--azurite] [--cosmos] [--dev-issuer] [--mqtt] [--log-level information]` runs the devhost until SIGINT/SIGTERM, then shuts down
 * cleanly (in-flight batches finish and are checkpointed, emulators stop).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_HTTP_PORT, DEFAULT_PARTITIONS, startDevhost } from './devhost.js';

const Args = z.object({
  app: z.string().min(1).default('functions/index.ts'),
  port: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_HTTP_PORT),
  partitions: z.coerce.number().int().min(1).max(1024).default(DEFAULT_PARTITIONS),
  'data-dir': z.string().min(1).default('.local'),
  azurite: z.boolean().default(false),
  cosmos: z.boolean().default(false),
  'dev-issuer': z.boolean().default(false),
  mqtt: z.boolean().default(false),
  'log-level': z.enum(['trace', 'debug', 'information', 'warning', 'error', 'none']).default('information'),
});

const { values } = parseArgs({
  options: {
    app: { type: 'string' },
    port: { type: 'string' },
    partitions: { type: 'string' },
    'data-dir': { type: 'string' },
    azurite: { type: 'boolean' },
    cosmos: { type: 'boolean' },
    'dev-issuer': { type: 'boolean' },
    mqtt: { type: 'boolean' },
    'log-level': { type: 'string' },
  },
  strict: true,
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  const issue = parsed.error.issues[0];
  console.error(`Invalid --${String(issue?.path[0])}: ${issue?.message}`);
  process.exit(2);
}
const args = parsed.data;

const devhost = await startDevhost({
  appEntry: args.app,
  dataDir: args['data-dir'],
  httpPort: args.port,
  partitions: args.partitions,
  startAzurite: args.azurite,
  startCosmos: args.cosmos,
  startDevIssuer: args['dev-issuer'],
  startMqtt: args.mqtt,
  logLevel: args['log-level'],
  exitOnUncaughtException: true,
});
// A line other processes (tests, scripts) wait for before they send work.
console.log(`DEVHOST_READY ${devhost.httpUrl}`);

let signalled = false;
const shutdown = (signal: NodeJS.Signals) => {
  if (signalled) return;
  signalled = true;
  console.log(`${signal}: stopping the devhost (finishing in-flight work)…`);
  devhost.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('Devhost did not stop cleanly:', err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
