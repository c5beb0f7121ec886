import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';

export interface MqttBrokerHandle {
  /** `mqtt://127.0.0.1:<port>` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts an embedded MQTT broker (aedes, in this process) on a free loopback port: the stand-in for the plant's
 * HiveMQ broker that the SCADA gateway and the simulator-PLC talk through.
 */
export async function startMqttBroker(): Promise<MqttBrokerHandle> {
  const broker = await Aedes.createBroker();
  // Nagle's algorithm holds small packets for the peer's delayed ACK (~40 ms each way): off, as on the plant's broker.
  const server: Server = createServer({ noDelay: true }, broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
