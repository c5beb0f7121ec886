/**
 * Sparkplug B payloads (specification §6) through Eclipse Tahu's codec (`sparkplug-payload`), with one typed shape on
 * our side: 64-bit integers become numbers (every counter, timestamp and version here fits in 2^53), and a payload
 * that does not decode, or decodes to something the specification does not allow, is one error with a reason.
 */
import spPayload from 'sparkplug-payload';
import { z } from 'zod';
import { DomainError } from '../kernel/errors.js';

const sparkplug = spPayload.get('spBv1.0')!;

/** The metric datatypes this plant uses (a subset of §6.4.16). */
export const DataType = z.enum(['Int32', 'Int64', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean', 'String']);
export type DataType = z.infer<typeof DataType>;

const Scalar = z.union([z.number(), z.boolean(), z.string()]);
export type Scalar = z.infer<typeof Scalar>;

export const Metric = z.object({
  name: z.string().min(1).optional(),
  alias: z.number().int().nonnegative().optional(),
  /** Epoch ms the value was read or set. */
  timestamp: z.number().int().nonnegative().optional(),
  datatype: DataType,
  value: Scalar.nullable(),
  /** Property set (engUnit, Quality, readOnly, …), values only. */
  properties: z.record(z.string(), Scalar).default({}),
});
export type Metric = z.infer<typeof Metric>;
export type MetricInput = z.input<typeof Metric>;

export const Payload = z.object({
  timestamp: z.number().int().nonnegative().optional(),
  /** 0–255 on every message of an edge node except NDEATH. */
  seq: z.number().int().min(0).max(255).optional(),
  metrics: z.array(Metric).default([]),
});
export type Payload = z.infer<typeof Payload>;
export type PayloadInput = z.input<typeof Payload>;

/** A payload that is not a Sparkplug B payload we can read: `reason` says why, for the counters and quarantine. */
export class SparkplugPayloadError extends DomainError {
  constructor(
    readonly reason: 'malformed-protobuf' | 'unsupported-datatype' | 'invalid-value',
    detail: string,
  ) {
    super('invalid-input', 'ERR-SPARKPLUG-PAYLOAD', `Sparkplug payload refused (${reason}): ${detail}`, 'payload');
  }
}

/** Datatypes of the properties this plant uses: Quality is Int32 by §6.4.9.1; the rest are Ignition's conventions. */
const PROPERTY_TYPE: Record<string, DataType> = {
  Quality: 'Int32',
  engUnit: 'String',
  engLow: 'Double',
  engHigh: 'Double',
  readOnly: 'Boolean',
  seq: 'Int64',
};

function typeOfProperty(value: Scalar, key: string): DataType {
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'string') return 'String';
  return PROPERTY_TYPE[key] ?? (Number.isInteger(value) ? 'Int64' : 'Double');
}

/** Encodes a payload (validated first: a bad one is our bug, not the plant's). */
export function encodePayload(input: PayloadInput): Uint8Array {
  const p = Payload.parse(input);
  return sparkplug.encodePayload({
    ...(p.timestamp !== undefined ? { timestamp: p.timestamp } : {}),
    ...(p.seq !== undefined ? { seq: p.seq } : {}),
    metrics: p.metrics.map((m) => ({
      ...(m.name !== undefined ? { name: m.name } : {}),
      ...(m.alias !== undefined ? { alias: m.alias } : {}),
      ...(m.timestamp !== undefined ? { timestamp: m.timestamp } : {}),
      type: m.datatype,
      value: m.value,
      ...(Object.keys(m.properties).length > 0
        ? {
            properties: Object.fromEntries(
              Object.entries(m.properties).map(([k, v]) => [k, { type: typeOfProperty(v, k), value: v }]),
            ),
          }
        : {}),
    })),
  });
}

/** Decodes a payload; throws SparkplugPayloadError naming why it cannot be read. */
export function decodePayload(bytes: Uint8Array): Payload {
  let raw: ReturnType<typeof sparkplug.decodePayload>;
  try {
    raw = sparkplug.decodePayload(bytes);
  } catch (e) {
    throw new SparkplugPayloadError('malformed-protobuf', e instanceof Error ? e.message : String(e));
  }
  const metrics = (raw.metrics ?? []).map((m, i) => {
    const datatype = DataType.safeParse(m.type);
    if (!datatype.success)
      throw new SparkplugPayloadError('unsupported-datatype', `metric ${m.name ?? `#${i}`} has datatype ${m.type}`);
    const properties: Record<string, Scalar> = {};
    for (const [k, pv] of Object.entries(m.properties ?? {})) {
      const v = toScalar(pv.value);
      if (v !== undefined && v !== null) properties[k] = v;
    }
    return {
      ...(m.name ? { name: m.name } : {}),
      ...(m.alias !== undefined && m.alias !== null ? { alias: toNumber(m.alias) } : {}),
      ...(m.timestamp !== undefined && m.timestamp !== null ? { timestamp: toNumber(m.timestamp) } : {}),
      datatype: datatype.data,
      value: m.isNull ? null : (toScalar(m.value) ?? null),
      properties,
    };
  });
  const parsed = Payload.safeParse({
    ...(raw.timestamp !== undefined && raw.timestamp !== null ? { timestamp: toNumber(raw.timestamp) } : {}),
    ...(raw.seq !== undefined && raw.seq !== null ? { seq: toNumber(raw.seq) } : {}),
    metrics,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SparkplugPayloadError('invalid-value', `${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

function toScalar(v: unknown): Scalar | null | undefined {
  if (v === null || v === undefined) return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return undefined;
}

/** True when `value` is of a kind `datatype` can carry. */
export function valueFits(datatype: DataType, value: Scalar | null): boolean {
  if (value === null) return true;
  if (datatype === 'Boolean') return typeof value === 'boolean';
  if (datatype === 'String') return typeof value === 'string';
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (datatype === 'Float' || datatype === 'Double') return true;
  if (!Number.isInteger(value)) return false;
  return datatype.startsWith('U') ? value >= 0 : true;
}
