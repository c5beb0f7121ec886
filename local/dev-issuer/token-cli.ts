import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Role } from '../../shared/http/roles.js';
import { loadOrCreateSigningKey } from './keys.js';
import { mintToken } from './mint.js';

/**
 * Prints a development bearer token signed with the key the devhost's issuer serves:
 *   npm run token -- --role Engineer [--role Operator] [--sub alice] [--ttl 3600] [--azp erp-client]
 * Use it as: curl -H "Authorization: Bearer $(npm run -s token -- --role Engineer)" ...
 */
const Args = z.object({
  role: z.array(Role).min(1, 'give at least one --role (Operator, Engineer, Manager, Integration, Lab)'),
  sub: z.string().min(1).optional(),
  ttl: z.coerce.number().int().min(1).max(86_400).optional(),
  azp: z.string().min(1).optional(),
  aud: z.string().min(1).optional(),
  iss: z.string().min(1).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true, default: [] },
      sub: { type: 'string' },
      ttl: { type: 'string' },
      azp: { type: 'string' },
      aud: { type: 'string' },
      iss: { type: 'string' },
    },
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    console.error(`token: --${String(issue.path[0] ?? '')}: ${issue.message}`);
    process.exit(2);
  }
  const a = parsed.data;
  const key = await loadOrCreateSigningKey();
  const token = await mintToken(key, {
    roles: a.role,
    ...(a.sub ? { sub: a.sub } : {}),
    ...(a.ttl ? { ttlS: a.ttl } : {}),
    ...(a.azp ? { azp: a.azp } : {}),
    ...(a.aud ? { audience: a.aud } : {}),
    ...(a.iss ? { issuer: a.iss } : {}),
  });
  process.stdout.write(`${token}\n`);
}

await main();
