import { z } from 'zod';
import { DomainError } from '../kernel/errors.js';

/** App setting the bindings and publishers name for Service Bus (`connection: 'ServiceBusConnection'`). */
export const SERVICE_BUS_CONNECTION_SETTING = 'ServiceBusConnection';

/** Where Service Bus traffic goes, read from the `ServiceBusConnection` settings once. */
export type ServiceBusTarget =
  /** Azure with managed identity: `ServiceBusConnection__fullyQualifiedNamespace` (e.g. `sb-smelter.servicebus.windows.net`). */
  | { kind: 'azure-identity'; fullyQualifiedNamespace: string }
  /** Azure (or any AMQP broker) with a SAS connection string: `Endpoint=sb://…;SharedAccessKeyName=…`. */
  | { kind: 'azure-connection-string'; connectionString: string }
  /**
   * The devhost's local topic: `UseDevhost=true;Endpoint=http://127.0.0.1:7071/_devhost/servicebus;SharedAccessKey=…`
   * (the devhost sets it; the key is its `servicebus` system key from `.local/keys.json`).
   */
  | { kind: 'devhost'; endpoint: string; key?: string };

export class ServiceBusConnectionError extends DomainError {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super('internal', 'ERR-SERVICEBUS-CONNECTION', `${setting} ${detail}`, setting);
  }
}

const Namespace = z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name such as sb-smelter.servicebus.windows.net');

/** Reads the connection settings named `name` (and `name__fullyQualifiedNamespace`); throws naming the setting when neither is usable. */
export function serviceBusTarget(
  env: Record<string, string | undefined>,
  name = SERVICE_BUS_CONNECTION_SETTING,
): ServiceBusTarget {
  const fqns = env[`${name}__fullyQualifiedNamespace`];
  if (fqns) {
    const parsed = Namespace.safeParse(fqns);
    if (!parsed.success)
      throw new ServiceBusConnectionError(
        `${name}__fullyQualifiedNamespace`,
        parsed.error.issues[0]?.message ?? 'is invalid',
      );
    return { kind: 'azure-identity', fullyQualifiedNamespace: parsed.data };
  }
  const value = env[name];
  if (!value)
    throw new ServiceBusConnectionError(
      name,
      `is not set: set ${name}__fullyQualifiedNamespace (managed identity in Azure) or run under the devhost, which sets ${name}`,
    );
  const parts = new Map(
    value
      .split(';')
      .filter((p) => p.includes('='))
      .map((p) => [p.slice(0, p.indexOf('=')).trim().toLowerCase(), p.slice(p.indexOf('=') + 1).trim()] as const),
  );
  const endpoint = parts.get('endpoint');
  if (parts.get('usedevhost') === 'true') {
    if (!endpoint || !/^https?:\/\//.test(endpoint))
      throw new ServiceBusConnectionError(name, 'has UseDevhost=true but no Endpoint=http://…/_devhost/servicebus');
    const key = parts.get('sharedaccesskey');
    return { kind: 'devhost', endpoint: endpoint.replace(/\/+$/, ''), ...(key ? { key } : {}) };
  }
  if (endpoint?.startsWith('sb://')) return { kind: 'azure-connection-string', connectionString: value };
  throw new ServiceBusConnectionError(
    name,
    'is neither a Service Bus connection string (Endpoint=sb://…) nor a devhost endpoint (UseDevhost=true;Endpoint=http://…)',
  );
}
