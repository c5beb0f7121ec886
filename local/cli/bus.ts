/**
 * `npm run bus -- <command>`: look at and replay dead-lettered plant events.
 *   dlq ls [subscription]                          dead-lettered messages of one subscription, or a count per subscription
 *   dlq replay <subscription> (--id <id>... | --all)  deliver them again (fresh delivery count) and take them off the DLQ
 * Options: --topic (default plant-events), --url (a running devhost, default http://127.0.0.1:7071), --json,
 * --key (the devhost's `servicebus` key; default: the one `npm start` keeps in .local/keys.json).
 * Target: Azure Service Bus when ServiceBusConnection__fullyQualifiedNamespace (managed identity / az login) or a
 * ServiceBusConnection connection string is set and --url is not given; otherwise the running devhost.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { serviceBusClient } from '../../shared/azure/service-bus-publisher.js';
import { ServiceBusDeadLetterAdmin } from '../../shared/azure/service-bus-dead-letters.js';
import { serviceBusTarget, ServiceBusConnectionError } from '../../shared/messaging/connection.js';
import {
  DevhostDeadLetterAdmin,
  type DeadLetterAdmin,
  type DeadLetterView,
} from '../../shared/messaging/dead-letters.js';
import { PLANT_EVENT_SUBSCRIPTIONS, PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';
import { readHostKeys } from '../devhost/keys.js';

const USAGE =
  'usage: npm run bus -- dlq ls [subscription] | dlq replay <subscription> (--id <messageId>... | --all)  [--topic plant-events] [--url http://127.0.0.1:7071] [--key <servicebus key>] [--json]';
/** Where `npm start` keeps its state, the devhost's keys included. */
const LOCAL_DATA_DIR = '.local';
/** Where `npm start` serves the devhost (DEFAULT_HTTP_PORT in local/devhost/devhost.ts). */
const DEFAULT_DEVHOST_URL = 'http://127.0.0.1:7071';

export class BusCliError extends Error {
  readonly code = 'ERR-BUS-CLI';
}

/** The dead-letter admin the flags and settings call for (see the header), and a label naming it. */
export function deadLetterAdminFor(
  topic: string,
  url: string | undefined,
  env: Record<string, string | undefined>,
  key?: string,
): { admin: DeadLetterAdmin; where: string } {
  // The devhost's Service Bus endpoints take its `servicebus` key: given, or the one of the local `npm start`.
  const devhostKey = () => key ?? readHostKeys(LOCAL_DATA_DIR)?.systemKey('servicebus');
  if (url)
    return {
      admin: new DevhostDeadLetterAdmin(`${url.replace(/\/+$/, '')}/_devhost/servicebus`, topic, devhostKey()),
      where: `devhost ${url}`,
    };
  let target;
  try {
    target = serviceBusTarget(env);
  } catch (err) {
    if (!(err instanceof ServiceBusConnectionError) || env.ServiceBusConnection) throw err;
    return {
      admin: new DevhostDeadLetterAdmin(`${DEFAULT_DEVHOST_URL}/_devhost/servicebus`, topic, devhostKey()),
      where: `devhost ${DEFAULT_DEVHOST_URL}`,
    };
  }
  if (target.kind === 'devhost')
    return {
      admin: new DevhostDeadLetterAdmin(target.endpoint, topic, target.key ?? devhostKey()),
      where: `devhost ${target.endpoint}`,
    };
  return {
    admin: new ServiceBusDeadLetterAdmin(serviceBusClient(target), topic),
    where: target.kind === 'azure-identity' ? `Azure ${target.fullyQualifiedNamespace}` : 'Azure (connection string)',
  };
}

const line = (d: DeadLetterView): string =>
  [
    String(d.sequenceNumber).padStart(6),
    d.messageId,
    `deliveries=${d.deliveryCount}`,
    `type=${String(d.applicationProperties.type ?? '-')}`,
    d.enqueuedTimeUtc,
    `${d.deadLetterReason}: ${d.deadLetterErrorDescription}`,
  ].join('  ');

/** Runs one CLI command; prints with `print`; resolves with the process exit code. */
export async function runBus(
  argv: string[],
  env: Record<string, string | undefined>,
  print: (text: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      topic: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      id: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [group, command, subscription] = positionals;
  if (group !== 'dlq' || (command !== 'ls' && command !== 'replay')) throw new BusCliError(USAGE);
  const topic = values.topic ?? PLANT_EVENTS_TOPIC;
  const { admin, where } = deadLetterAdminFor(topic, values.url, env, values.key);
  try {
    if (command === 'ls') {
      const subs = subscription
        ? [subscription]
        : topic === PLANT_EVENTS_TOPIC
          ? PLANT_EVENT_SUBSCRIPTIONS.map((s) => s.name)
          : [];
      if (subs.length === 0)
        throw new BusCliError(
          `name the subscription: topic ${topic} is not defined in shared/messaging/subscriptions.ts`,
        );
      const listed = await Promise.all(subs.map(async (s) => ({ subscription: s, messages: await admin.list(s) })));
      if (values.json) print(JSON.stringify(subscription ? listed[0]!.messages : listed, null, 2));
      else if (subscription) {
        print(`${topic}/${subscription} dead-letter queue on ${where}: ${listed[0]!.messages.length} message(s)`);
        listed[0]!.messages.forEach((d) => print(line(d)));
      } else listed.forEach((l) => print(`${topic}/${l.subscription}: ${l.messages.length} dead-lettered`));
      return 0;
    }
    if (!subscription) throw new BusCliError(`dlq replay needs a subscription. ${USAGE}`);
    const ids = values.id ?? [];
    if (ids.length > 0 === Boolean(values.all))
      throw new BusCliError(`dlq replay takes either --id <messageId> (repeatable) or --all. ${USAGE}`);
    const replayed = await admin.replay(subscription, values.all ? { all: true } : { ids });
    if (values.json) print(JSON.stringify({ replayed }));
    else
      print(
        `replayed ${replayed.length} message(s) on ${topic}/${subscription} (${where})${replayed.length > 0 ? `: ${replayed.join(', ')}` : ''}`,
      );
    return 0;
  } finally {
    await admin.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runBus(process.argv.slice(2), process.env, (t) => console.log(t)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const e = err as Error & { code?: string };
      console.error(`${e.code ?? 'ERR-BUS-CLI'}: ${e.message}`);
      process.exit(e instanceof BusCliError || e.name === 'TypeError' ? 2 : 1);
    },
  );
}
