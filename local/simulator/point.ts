/**
 * The telemetry point the simulated plant emits (DESIGN §4): `{ lineId, cellId, tag, ts, value, unit, quality, seq? }`.
 */
import { z } from 'zod';

export const EmittedPoint = z.object({
  lineId: z.string().regex(/^L\d+$/),
  cellId: z.string().regex(/^L\d+-(C\d{3,}|LINE)$/),
  tag: z.string().min(1),
  ts: z.union([z.iso.datetime(), z.number().int().nonnegative()]),
  value: z.number(),
  unit: z.string().min(1),
  quality: z.union([z.enum(['good', 'uncertain', 'bad']), z.number().int().min(0).max(0xffffffff)]),
  seq: z.number().int().nonnegative().optional(),
});
export type EmittedPoint = z.infer<typeof EmittedPoint>;

/** Good quality as sources report it: the word, or OPC DA 192 (0xC0). OPC UA Good (0) is never sent, since 0 is also DA Bad. */
export const GOOD_QUALITIES = ['good', 192] as const;
/**
 * Bad quality as sources report it: the word, OPC DA 24 (0x18, bad – comm failure), OPC UA 0x80000000 (Bad) and
 * 0x80310000 (BadNoCommunication).
 */
export const BAD_QUALITIES = ['bad', 24, 0x80000000, 0x80310000] as const;

/** Event time of a point in epoch ms. */
export function pointTsMs(point: Pick<EmittedPoint, 'ts'>): number {
  return typeof point.ts === 'number' ? point.ts : Date.parse(point.ts);
}
