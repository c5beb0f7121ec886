/** Milliseconds of an ISO 8601 duration as Service Bus entity properties use it (`PT1M`, `P14D`, `PT0.5S`); throws naming `field`. */
export function isoDurationMs(value: string, field: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m || value === 'P' || value.endsWith('T'))
    throw new RangeError(`ERR-DEVHOST-DURATION: ${field} "${value}" is not an ISO 8601 duration such as PT1M or P14D`);
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}
