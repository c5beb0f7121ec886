/** The query of today's KPIs so far (UTC day, by hour): from midnight to the start of the next hour. */
export function todayKpiQuery(nowMs: number): string {
  const HOUR = 3_600_000;
  const from = Math.floor(nowMs / (24 * HOUR)) * 24 * HOUR;
  const to = Math.floor(nowMs / HOUR) * HOUR + HOUR;
  return `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&grain=hour`;
}
