import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';

/** Where the development signing key lives unless told otherwise: the repository's git-ignored .local/ folder. */
export const DEFAULT_KEY_DIR = fileURLToPath(new URL('../../.local/dev-issuer/', import.meta.url));
const KEY_FILE = 'signing-key.json';
/** RSA modulus length, bits (NIST SP 800-57: 2048 is the minimum for RS256). */
const RSA_BITS = 2048;

const StoredKey = z
  .object({
    kty: z.literal('RSA'),
    kid: z.string().min(1),
    alg: z.literal('RS256'),
    n: z.string(),
    e: z.string(),
    d: z.string(),
  })
  .loose();

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public half as a JWK, as served in the JWKS. */
  publicJwk: JWK;
}

/**
 * The development RS256 key in `dir`, generated on first use and kept there so tokens minted by the CLI verify
 * against the JWKS the devhost serves. Two processes racing to create it agree: the second reads the first's file.
 */
export async function loadOrCreateSigningKey(dir: string = DEFAULT_KEY_DIR): Promise<SigningKey> {
  const file = path.join(dir, KEY_FILE);
  await mkdir(dir, { recursive: true });
  try {
    return await fromJwk(StoredKey.parse(JSON.parse(await readFile(file, 'utf8'))));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`Development signing key ${file} is unreadable; delete it to generate a new one`, { cause: err });
  }
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: RSA_BITS, extractable: true });
  const jwk = await exportJWK(privateKey);
  const stored = { ...jwk, alg: 'RS256', use: 'sig', kid: await calculateJwkThumbprint(jwk) };
  // Written whole to a private name, then linked into place: link fails if another process got there first, and a
  // reader never sees a half-written key.
  const draft = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(draft, JSON.stringify(stored), { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return loadOrCreateSigningKey(dir);
  } finally {
    await unlink(draft);
  }
  return fromJwk(StoredKey.parse(stored));
}

async function fromJwk(jwk: z.infer<typeof StoredKey>): Promise<SigningKey> {
  const privateKey = (await importJWK(jwk, 'RS256')) as CryptoKey;
  const { n, e, kid } = jwk;
  return { kid, privateKey, publicJwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' } };
}
