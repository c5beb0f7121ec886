import { describe, expect, it } from 'vitest';
import { nextOccurrence, parseSchedule, ScheduleError } from './ncrontab.js';

const at = (iso: string) => Date.parse(iso);
const next = (expr: string, after: string) => new Date(nextOccurrence(parseSchedule(expr), at(after))).toISOString();

describe('NCRONTAB next occurrence (hand-computed, UTC; 2030-01-01 is a Tuesday)', () => {
  it.each([
    ['0 */5 * * * *', '2030-01-01T06:02:30.000Z', '2030-01-01T06:05:00.000Z'],
    ['0 */5 * * * *', '2030-01-01T06:05:00.000Z', '2030-01-01T06:10:00.000Z'], // strictly after
    ['*/15 * * * * *', '2030-01-01T06:00:07.500Z', '2030-01-01T06:00:15.000Z'],
    ['5-10/2 * * * * *', '2030-01-01T00:00:06.000Z', '2030-01-01T00:00:07.000Z'],
    ['0 30 9 * * 1-5', '2030-01-04T10:00:00.000Z', '2030-01-07T09:30:00.000Z'], // Friday after 9:30 → Monday
    ['0 0 0 * * SUN', '2030-01-01T00:00:00.000Z', '2030-01-06T00:00:00.000Z'],
    ['0 0 12 1 JAN,jul *', '2030-02-01T00:00:00.000Z', '2030-07-01T12:00:00.000Z'],
    ['0 0 0 29 2 *', '2030-03-01T00:00:00.000Z', '2032-02-29T00:00:00.000Z'], // next leap day
    ['0 0 0 13 * FRI', '2030-01-01T00:00:00.000Z', '2030-09-13T00:00:00.000Z'], // day AND weekday: Friday 13th
    ['0 0 23 31 12 *', '2030-12-31T23:00:00.000Z', '2031-12-31T23:00:00.000Z'],
    ['0 15,45 * * * *', '2030-01-01T06:20:00.000Z', '2030-01-01T06:45:00.000Z'],
    ['00:05:00', '2030-01-01T06:02:30.000Z', '2030-01-01T06:07:30.000Z'], // TimeSpan: every 5 minutes
  ])('%s after %s is %s', (expr, after, expected) => {
    expect(next(expr, after)).toBe(expected);
  });

  it.each([
    ['* * * * *', 'expression'],
    ['61 * * * * *', 'second'],
    ['0 0 24 * * *', 'hour'],
    ['0 0 0 0 * *', 'day'],
    ['* * * * 13 *', 'month'],
    ['* * * * * 7', 'day-of-week'],
    ['*/0 * * * * *', 'second'],
    ['0 0 0 10-5 * *', 'day'],
  ])('rejects %s naming the %s field', (expr, field) => {
    let caught: unknown;
    try {
      parseSchedule(expr);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ScheduleError);
    expect((caught as ScheduleError).field).toBe(field);
    expect((caught as ScheduleError).code).toBe('ERR-DEVHOST-NCRONTAB');
  });

  it('reports a schedule that never matches (31 February)', () => {
    expect(() => nextOccurrence(parseSchedule('0 0 0 31 2 *'), at('2030-01-01T00:00:00Z'))).toThrow(/never matches/);
  });
});
