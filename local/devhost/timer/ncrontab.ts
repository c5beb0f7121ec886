/**
 * NCRONTAB expressions as Azure Functions timer triggers read them: six fields
 * `{second} {minute} {hour} {day} {month} {day-of-week}` (learn.microsoft.com, "Timer trigger for Azure
 * Functions", NCRONTAB expressions), evaluated in UTC. Each field takes `*`, a value, a range `a-b`, a step
 * `*\/n`, `a-b/n` or `a/n`, and comma lists; months and days of week also by English three-letter names.
 * Day-of-month and day-of-week must both match (NCrontab's rule, unlike Vixie cron's "either").
 * A TimeSpan `hh:mm:ss` (App Service plans) means "every interval".
 */

export class ScheduleError extends Error {
  readonly code = 'ERR-DEVHOST-NCRONTAB';
  constructor(
    readonly expression: string,
    readonly field: string,
    detail: string,
  ) {
    super(
      `Invalid timer schedule "${expression}": ${field} ${detail}. Use six NCRONTAB fields "{second} {minute} {hour} {day} {month} {day-of-week}" (e.g. "0 */5 * * * *") or a TimeSpan "hh:mm:ss".`,
    );
    this.name = 'ScheduleError';
  }
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** A parsed schedule: either allowed values per field or a fixed interval. */
export type Schedule =
  | {
      kind: 'cron';
      expression: string;
      seconds: Set<number>;
      minutes: Set<number>;
      hours: Set<number>;
      days: Set<number>;
      months: Set<number>;
      daysOfWeek: Set<number>;
    }
  | { kind: 'interval'; expression: string; intervalMs: number };

/** Parses an NCRONTAB (6 fields) or TimeSpan schedule; throws ScheduleError naming the bad field. */
export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(text);
  if (span) {
    const [, d, h, m, s] = span;
    const intervalMs = (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
    if (intervalMs <= 0) throw new ScheduleError(expression, 'interval', 'must be longer than zero');
    return { kind: 'interval', expression: text, intervalMs };
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 6)
    throw new ScheduleError(
      expression,
      'expression',
      `has ${parts.length} fields; Azure Functions needs 6 (seconds first)`,
    );
  const sets = parts.map((p, i) => parseField(expression, p, FIELDS[i] as FieldSpec));
  const [seconds, minutes, hours, days, months, daysOfWeek] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  return { kind: 'cron', expression: text, seconds, minutes, hours, days, months, daysOfWeek };
}

function parseField(expression: string, text: string, spec: FieldSpec): Set<number> {
  const out = new Set<number>();
  const value = (v: string): number => {
    const byName = spec.names?.indexOf(v.toUpperCase()) ?? -1;
    const n = byName >= 0 ? spec.min + byName : /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < spec.min || n > spec.max)
      throw new ScheduleError(expression, spec.name, `value "${v}" is outside ${spec.min}-${spec.max}`);
    return n;
  };
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new ScheduleError(expression, spec.name, `step "${stepText}" must be a positive integer`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [spec.min, spec.max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [lo, hi] = [value(a), value(b)];
      if (lo > hi) throw new ScheduleError(expression, spec.name, `range "${range}" runs backwards`);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : spec.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Furthest search for a matching time: 5 years covers every valid schedule, Feb 29 included (4-year cycle). */
const SEARCH_LIMIT_MS = 5 * 366 * 24 * 3600 * 1000;

/** The first occurrence strictly after `afterMs` (UTC), in ms; for an interval, `afterMs + interval`. Throws when none exists. */
export function nextOccurrence(schedule: Schedule, afterMs: number): number {
  if (schedule.kind === 'interval') return afterMs + schedule.intervalMs;
  const t = new Date(Math.floor(afterMs / 1000) * 1000 + 1000);
  const limit = afterMs + SEARCH_LIMIT_MS;
  while (t.getTime() <= limit) {
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.days.has(t.getUTCDate()) || !schedule.daysOfWeek.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    if (!schedule.seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1, 0);
      continue;
    }
    return t.getTime();
  }
  throw new ScheduleError(schedule.expression, 'expression', 'never matches a real date (e.g. 31 February)');
}
