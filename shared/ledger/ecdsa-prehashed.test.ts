import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  curveConstantsConsistent,
  decodeDerSignature,
  derivePublicXY,
  encodeDerSignature,
  signPrehashed,
  verifyPrehashed,
} from './ecdsa-prehashed.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

describe('prehashed ECDSA', () => {
  it('uses curve constants whose base point lies on the curve', () => {
    expect(curveConstantsConsistent()).toBe(true);
  });

  for (const namedCurve of ['P-256', 'P-384'] as const) {
    it(`derives the same public key as OpenSSL on ${namedCurve}`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const jwk = publicKey.export({ format: 'jwk' });
      const { x, y } = derivePublicXY(privateKey);
      expect(x).toBe(BigInt(`0x${Buffer.from(jwk.x!, 'base64url').toString('hex')}`));
      expect(y).toBe(BigInt(`0x${Buffer.from(jwk.y!, 'base64url').toString('hex')}`));
    });

    it(`accepts an OpenSSL ECDSA-SHA256 signature as a prehashed one over the digest on ${namedCurve}`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const message = Buffer.from('root of the merkle tree');
      const der = sign('sha256', message, privateKey);
      expect(verifyPrehashed(publicKey, sha256('root of the merkle tree'), der)).toBe(true);
      expect(verifyPrehashed(publicKey, sha256('another root'), der)).toBe(false);
    });

    it(`signs a digest so that OpenSSL verifies it over the message on ${namedCurve}`, async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const { verify } = await import('node:crypto');
      const der = signPrehashed(privateKey, sha256('payload'));
      expect(verify('sha256', Buffer.from('payload'), publicKey, der)).toBe(true);
      expect(verifyPrehashed(createPublicKey(privateKey), sha256('payload'), der)).toBe(true);
    });
  }

  it('round-trips DER and rejects malformed DER', () => {
    const der = encodeDerSignature(0x80n, 12345678901234567890n);
    expect(decodeDerSignature(der)).toEqual({ r: 0x80n, s: 12345678901234567890n });
    expect(decodeDerSignature(der.subarray(1))).toBeUndefined();
    expect(decodeDerSignature(Uint8Array.of(0x30, 0x00))).toBeUndefined();
  });
});
