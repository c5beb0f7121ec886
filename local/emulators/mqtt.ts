/**
 * The embedded plant broker (aedes, in this process) on a free loopback port, secured as the plant's is: every client
 * authenticates with a username and password from the credentials file, and publishes and subscribes only within
 * its Sparkplug permissions (shared/sparkplug/permissions.ts). Anonymous clients, wrong passwords, wrong-topic
 * publishes and subscriptions are refused and counted.
 *
 * MQTT 3.1.1 only: aedes 1.x answers an MQTT 5 CONNECT with return code 1 (unacceptable protocol version), and no
 * MQTT 5 broker runs in Node.js without a native server. Every client of the product connects with 3.1.1; Event
 * Grid's broker in Azure takes both.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { Aedes, type Client } from 'aedes';
import { z } from 'zod';
import { ClientIdentity, mayPublish, maySubscribe } from '../../shared/sparkplug/permissions.js';
import { DEFAULT_GROUP_ID, DEFAULT_HOST_ID } from '../../shared/sparkplug/topic.js';

export const MqttUser = z.object({ username: z.string().min(1), password: z.string().min(16) }).and(ClientIdentity);
export type MqttUser = z.infer<typeof MqttUser>;
const CredentialsFile = z.object({ users: z.array(MqttUser) });

export interface MqttBrokerCounters {
  connectionsRefused: number;
  publishesRefused: number;
  subscriptionsRefused: number;
}

export interface MqttBrokerHandle {
  /** `mqtt://127.0.0.1:<port>` */
  url: string;
  port: number;
  groupId: string;
  /** The credentials file (undefined when they live in memory only). */
  credentialsFile: string | undefined;
  /** The platform's host (gateway) credentials. */
  host(): MqttUser;
  /** The ingress bridge's credentials (read-only). */
  bridge(): MqttUser;
  /** Read-only credentials for a person or tool watching the plant (mosquitto_sub, MQTT Explorer). */
  observer(): MqttUser;
  /** An edge node's credentials, made (and saved) the first time it is asked for. */
  edge(edgeNodeId: string): MqttUser;
  counters(): MqttBrokerCounters;
  /** Refusals, newest last (at most 100), for diagnosis. */
  refusals(): readonly string[];
  stop(): Promise<void>;
}

export interface MqttBrokerOptions {
  /** Directory of `credentials.json`: read if present, else made (mode 0600); in memory when absent. */
  dir?: string;
  groupId?: string;
  hostId?: string;
  /** Fixed port (0: a free one). */
  port?: number;
}

const newPassword = () => randomBytes(18).toString('base64url');
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Starts the broker; resolves once it listens. */
export async function startMqttBroker(options: MqttBrokerOptions = {}): Promise<MqttBrokerHandle> {
  const groupId = options.groupId ?? DEFAULT_GROUP_ID;
  const hostId = options.hostId ?? DEFAULT_HOST_ID;
  const file = options.dir ? path.join(options.dir, 'credentials.json') : undefined;
  const users = new Map<string, MqttUser>();
  if (file && existsSync(file)) {
    for (const u of CredentialsFile.parse(JSON.parse(readFileSync(file, 'utf8'))).users) users.set(u.username, u);
  }
  const save = () => {
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ users: [...users.values()] }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  };
  const ensure = (username: string, identity: ClientIdentity): MqttUser => {
    const existing = users.get(username);
    if (existing) return existing;
    const user = MqttUser.parse({ username, password: newPassword(), ...identity });
    users.set(username, user);
    save();
    return user;
  };
  ensure('platform-host', { role: 'host', hostId });
  ensure('ingress-bridge', { role: 'bridge' });
  ensure('observer', { role: 'observer' });

  const counters: MqttBrokerCounters = { connectionsRefused: 0, publishesRefused: 0, subscriptionsRefused: 0 };
  const refusals: string[] = [];
  const note = (what: string) => {
    refusals.push(what);
    if (refusals.length > 100) refusals.shift();
  };
  const identities = new WeakMap<Client, ClientIdentity>();

  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const user = username ? users.get(username) : undefined;
      const ok =
        !!user && !!password && timingSafeEqual(digest(user.password), digest(Buffer.from(password).toString('utf8')));
      if (!ok) {
        counters.connectionsRefused++;
        note(`connect refused: ${username ? `bad credentials for ${username}` : 'anonymous'} (client ${client.id})`);
        const error = Object.assign(new Error('not authorised'), { returnCode: username ? 4 : 5 });
        done(error as never, false);
        return;
      }
      identities.set(client, user);
      done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      const who = client ? identities.get(client) : undefined;
      if (who && mayPublish(who, groupId, packet.topic)) return done(null);
      counters.publishesRefused++;
      note(`publish refused: ${client?.id ?? '(no client)'} (${who?.role ?? 'unknown'}) to ${packet.topic}`);
      done(new Error(`not authorised to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, sub, done) => {
      const who = identities.get(client);
      if (who && maySubscribe(who, groupId, sub.topic)) return done(null, sub);
      counters.subscriptionsRefused++;
      note(`subscribe refused: ${client.id} (${who?.role ?? 'unknown'}) to ${sub.topic}`);
      done(null, null as never);
    },
  });
  // Nagle's algorithm holds small packets for the peer's delayed ACK (~40 ms each way): off, as on the plant's broker.
  const server: Server = createServer({ noDelay: true }, broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    groupId,
    credentialsFile: file,
    host: () => users.get('platform-host')!,
    bridge: () => users.get('ingress-bridge')!,
    observer: () => users.get('observer')!,
    edge: (edgeNodeId) => ensure(edgeNodeId, { role: 'edge', edgeNodeId }),
    counters: () => ({ ...counters }),
    refusals: () => [...refusals],
    stop: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
