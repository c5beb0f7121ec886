import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { stopChild } from './azurite.js';

/** The key the local Cosmos-compatible server accepts (it checks none; Azure uses managed identity instead). */
export const LOCAL_COSMOS_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface CosmosHandle {
  endpoint: string;
  key: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * Starts the Cosmos DB–compatible server (@vercel/cosmosdb-server) over plain HTTP on a free loopback port.
 * It keeps data in memory: a restart starts empty, which is why the app creates its containers if missing.
 */
export async function startCosmos(): Promise<CosmosHandle> {
  const script = `
    const { createHttpServer } = require(${JSON.stringify(require.resolve('@vercel/cosmosdb-server'))});
    const server = createHttpServer();
    server.listen(0, '127.0.0.1', () => process.stdout.write('listening ' + server.address().port + '\\n'));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening (\d+)/.exec(output);
      if (m) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`Cosmos server exited (code ${code}) before listening: ${output.slice(-500)}`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, key: LOCAL_COSMOS_KEY, stop: () => stopChild(child) };
}
