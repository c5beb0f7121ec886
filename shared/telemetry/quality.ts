/** Point quality as the contract names it. */
export type Quality = 'good' | 'uncertain' | 'bad';

/**
 * Largest OPC DA quality word (16 bits). Numbers up to it are read as OPC DA, larger ones as OPC UA status codes.
 * Source: OPC DA 2.05a §6.8 (quality is a 16-bit word QQSSSSLL in its low byte); OPC UA Part 4 §7.39 (StatusCode
 * is a 32-bit word whose top two bits are the severity).
 * Consequence: 0 means DA "bad", never UA "Good" — the conservative reading (the point stays in silver, out of gold).
 */
const OPC_DA_MAX_WORD = 0xffff;

/** Maps an OPC DA quality word or OPC UA status code to good/uncertain/bad; undefined for a negative or non-integer code. */
export function qualityFromOpcCode(code: number): Quality | undefined {
  if (!Number.isInteger(code) || code < 0 || code > 0xffffffff) return undefined;
  if (code <= OPC_DA_MAX_WORD) {
    // DA: bits 7..6 of the low byte — 11 good, 01 uncertain, 00 bad, 10 not used (read as bad).
    const qq = (code & 0xc0) >>> 6;
    return qq === 3 ? 'good' : qq === 1 ? 'uncertain' : 'bad';
  }
  // UA: bits 31..30 — 00 good, 01 uncertain, 10 bad, 11 reserved (read as bad).
  const severity = Math.floor(code / 0x40000000);
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

/** Maps the contract's quality field (name or OPC code) to good/uncertain/bad; undefined when it is neither. */
export function normaliseQuality(q: unknown): Quality | undefined {
  if (q === 'good' || q === 'uncertain' || q === 'bad') return q;
  if (typeof q === 'number') return qualityFromOpcCode(q);
  return undefined;
}
