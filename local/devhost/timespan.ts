/**
 * .NET TimeSpan text as host.json writes durations (`functionTimeout`, `maxWaitTime`, `maxAutoLockRenewalDuration`):
 * `[d.]hh:mm:ss[.fffffff]` (learn.microsoft.com, "host.json reference for Azure Functions 2.x and later").
 */
const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** Milliseconds of a TimeSpan such as `00:05:00` or `1.00:00:00`, or undefined when the text is not one. */
export function timeSpanMs(text: string): number | undefined {
  const m = TIME_SPAN.exec(text.trim());
  if (!m) return undefined;
  const [, d, h, min, s, frac] = m;
  if (Number(min) > 59 || Number(s) > 59) return undefined;
  const fractionMs = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  return (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000 + fractionMs;
}

/** `ms` as `hh:mm:ss` (what Azure's messages quote). */
export function formatTimeSpan(ms: number): string {
  const total = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}
