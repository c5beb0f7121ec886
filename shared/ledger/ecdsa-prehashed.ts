/**
 * ECDSA over an already-computed digest ("prehashed"), on NIST P-256 and P-384. Confidential Ledger (CCF) signs the
 * Merkle root itself as the digest (CCF docs, "Receipts": the signature is over the root, verified with
 * ECDSA(Prehashed(SHA-256))), which node:crypto cannot express: it always hashes its input again. Verification is
 * public-key only and needs no constant-time care; signing is used by the local ledger and test fixtures only.
 */
import { createHmac, type KeyObject } from 'node:crypto';
import { LedgerError } from './errors.js';

interface Curve {
  name: 'P-256' | 'P-384';
  p: bigint;
  n: bigint;
  b: bigint;
  gx: bigint;
  gy: bigint;
  bytes: number;
}

// Domain parameters: NIST FIPS 186-4, Appendix D.1.2.3 (P-256) and D.1.2.4 (P-384); a = -3 for both.
const P256: Curve = {
  name: 'P-256',
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  bytes: 32,
};
const P384: Curve = {
  name: 'P-384',
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
  n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
  gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  bytes: 48,
};

/** Jacobian point (X/Z², Y/Z³); Z = 0 is the point at infinity. */
type Jacobian = [bigint, bigint, bigint];

const mod = (a: bigint, m: bigint): bigint => {
  const r = a % m;
  return r >= 0n ? r : r + m;
};

function invert(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, m);
}

function double(c: Curve, [x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const p = c.p;
  const ysq = mod(y * y, p);
  const s = mod(4n * x * ysq, p);
  const zsq = mod(z * z, p);
  // a = -3: M = 3(X − Z²)(X + Z²)
  const m = mod(3n * (x - zsq) * (x + zsq), p);
  const nx = mod(m * m - 2n * s, p);
  const ny = mod(m * (s - nx) - 8n * ysq * ysq, p);
  const nz = mod(2n * y * z, p);
  return [nx, ny, nz];
}

function add(c: Curve, a: Jacobian, b: Jacobian): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const p = c.p;
  const z1z1 = mod(a[2] * a[2], p);
  const z2z2 = mod(b[2] * b[2], p);
  const u1 = mod(a[0] * z2z2, p);
  const u2 = mod(b[0] * z1z1, p);
  const s1 = mod(a[1] * b[2] * z2z2, p);
  const s2 = mod(b[1] * a[2] * z1z1, p);
  if (u1 === u2) return s1 === s2 ? double(c, a) : [0n, 1n, 0n];
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = mod(h * h, p);
  const hhh = mod(h * hh, p);
  const v = mod(u1 * hh, p);
  const nx = mod(r * r - hhh - 2n * v, p);
  const ny = mod(r * (v - nx) - s1 * hhh, p);
  const nz = mod(h * a[2] * b[2], p);
  return [nx, ny, nz];
}

function multiply(c: Curve, k: bigint, point: Jacobian): Jacobian {
  let result: Jacobian = [0n, 1n, 0n];
  let addend = point;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = double(c, addend);
  }
  return result;
}

function affineX(c: Curve, [x, , z]: Jacobian): bigint {
  const zi = invert(z, c.p);
  return mod(x * zi * zi, c.p);
}

function affine(c: Curve, [x, y, z]: Jacobian): [bigint, bigint] {
  const zi = invert(z, c.p);
  const zi2 = mod(zi * zi, c.p);
  return [mod(x * zi2, c.p), mod(y * zi2 * zi, c.p)];
}

const toBigInt = (bytes: Uint8Array): bigint =>
  bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
const b64urlToBigInt = (s: string): bigint => toBigInt(Buffer.from(s, 'base64url'));

/** The digest as an integer, truncated to the order's bit length (SEC 1 v2, §4.1.3 step 5). */
function digestToInt(c: Curve, digest: Uint8Array): bigint {
  const e = toBigInt(digest);
  const excess = digest.length * 8 - c.n.toString(2).length;
  return excess > 0 ? e >> BigInt(excess) : e;
}

function curveOf(key: KeyObject): Curve {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC')
    throw new LedgerError(
      'ERR-LEDGER-SIGNATURE',
      `key type ${String(jwk.kty)} is not EC; receipts are signed with ECDSA`,
      'cert',
    );
  if (jwk.crv === 'P-256') return P256;
  if (jwk.crv === 'P-384') return P384;
  throw new LedgerError('ERR-LEDGER-SIGNATURE', `curve ${String(jwk.crv)} is not supported (P-256, P-384)`, 'cert');
}

function publicPoint(key: KeyObject): Jacobian {
  const jwk = key.export({ format: 'jwk' });
  return [b64urlToBigInt(jwk.x ?? ''), b64urlToBigInt(jwk.y ?? ''), 1n];
}

/** Reads a DER ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }); undefined when malformed. */
export function decodeDerSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  let i = 0;
  const readLength = (): number | undefined => {
    const first = der[i++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) return undefined;
    let len = 0;
    for (let k = 0; k < count; k++) {
      const b = der[i++];
      if (b === undefined) return undefined;
      len = (len << 8) | b;
    }
    return len;
  };
  if (der[i++] !== 0x30) return undefined;
  const seqLen = readLength();
  if (seqLen === undefined || i + seqLen !== der.length) return undefined;
  const ints: bigint[] = [];
  for (let k = 0; k < 2; k++) {
    if (der[i++] !== 0x02) return undefined;
    const len = readLength();
    if (len === undefined || len === 0 || i + len > der.length) return undefined;
    ints.push(toBigInt(der.subarray(i, i + len)));
    i += len;
  }
  if (i !== der.length) return undefined;
  return { r: ints[0]!, s: ints[1]! };
}

/** Encodes (r, s) as a DER ECDSA-Sig-Value, the form CCF and X.509 tooling exchange. */
export function encodeDerSignature(r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint): number[] => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    const bytes = [...Buffer.from(hex, 'hex')];
    if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
    return [0x02, ...lengthBytes(bytes.length), ...bytes];
  };
  const body = [...int(r), ...int(s)];
  return Uint8Array.from([0x30, ...lengthBytes(body.length), ...body]);
}

function lengthBytes(len: number): number[] {
  return len < 0x80 ? [len] : len < 0x100 ? [0x81, len] : [0x82, len >> 8, len & 0xff];
}

/** True when `derSignature` is a valid ECDSA signature by `publicKey` over `digest` taken as the hash (no re-hashing). */
export function verifyPrehashed(publicKey: KeyObject, digest: Uint8Array, derSignature: Uint8Array): boolean {
  const c = curveOf(publicKey);
  const sig = decodeDerSignature(derSignature);
  if (!sig) return false;
  const { r, s } = sig;
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const e = digestToInt(c, digest);
  const w = invert(s, c.n);
  const u1 = mod(e * w, c.n);
  const u2 = mod(r * w, c.n);
  const point = add(c, multiply(c, u1, [c.gx, c.gy, 1n]), multiply(c, u2, publicPoint(publicKey)));
  if (point[2] === 0n) return false;
  return mod(affineX(c, point), c.n) === r;
}

/**
 * Signs `digest` as the hash with `privateKey` and returns a DER signature. The nonce is derived from the key and
 * the digest by HMAC-SHA-512 (deterministic like RFC 6979, so the same input signs the same way and no randomness
 * source is needed).
 */
export function signPrehashed(privateKey: KeyObject, digest: Uint8Array): Uint8Array {
  const c = curveOf(privateKey);
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.d) throw new LedgerError('ERR-LEDGER-SIGNATURE', 'a private key is needed to sign', 'privateKey');
  const d = b64urlToBigInt(jwk.d);
  const e = digestToInt(c, digest);
  for (let counter = 0; ; counter++) {
    const mac = createHmac('sha512', Buffer.from(jwk.d, 'base64url'))
      .update(digest)
      .update(Uint8Array.of(counter))
      .digest();
    // 512 bits reduced mod n: bias below 2^-128 for both curves.
    const k = mod(toBigInt(mac), c.n - 1n) + 1n;
    const r = mod(affineX(c, multiply(c, k, [c.gx, c.gy, 1n])), c.n);
    if (r === 0n) continue;
    const s = mod(invert(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    return encodeDerSignature(r, s);
  }
}

/** The public point of a private key recomputed from its scalar; exposed so tests can check the curve arithmetic. */
export function derivePublicXY(privateKey: KeyObject): { x: bigint; y: bigint } {
  const c = curveOf(privateKey);
  const [x, y] = affine(c, multiply(c, b64urlToBigInt(privateKey.export({ format: 'jwk' }).d ?? ''), [c.gx, c.gy, 1n]));
  return { x, y };
}

/** True when (gx, gy) of each supported curve satisfies y² = x³ − 3x + b: guards the constants above. */
export function curveConstantsConsistent(): boolean {
  return [P256, P384].every((c) => mod(c.gy * c.gy - (c.gx * c.gx * c.gx - 3n * c.gx + c.b), c.p) === 0n);
}
