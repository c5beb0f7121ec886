import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { parseSchedule } from './ncrontab.js';
import { TimerScheduler, type TimerInfo } from './scheduler.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'devhost-timer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2030-01-01T06:02:30Z');
/** Lets the scheduler's promise chain (run → re-arm) settle after a clock move. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

it('fires on each occurrence with last/next schedule status and never past due', async () => {
  const clock = new ManualClock(T0);
  const fired: TimerInfo[] = [];
  const s = new TimerScheduler({
    schedule: parseSchedule('0 */5 * * * *'),
    clock,
    statusFile: path.join(dir, 'a.json'),
    fire: async (i) => void fired.push(i),
  });
  await s.start();
  clock.set(Date.parse('2030-01-01T06:05:00Z'));
  await settle();
  clock.set(Date.parse('2030-01-01T06:10:00Z'));
  await settle();
  await s.stop();
  expect(fired.map((f) => [f.ScheduleStatus?.Last, f.ScheduleStatus?.Next, f.IsPastDue])).toEqual([
    ['2030-01-01T06:05:00.000Z', '2030-01-01T06:10:00.000Z', false],
    ['2030-01-01T06:05:00.000Z', '2030-01-01T06:15:00.000Z', false],
  ]);
});

it('runs once on startup when runOnStartup is set', async () => {
  const clock = new ManualClock(T0);
  const fired: TimerInfo[] = [];
  const s = new TimerScheduler({
    schedule: parseSchedule('0 0 * * * *'),
    clock,
    runOnStartup: true,
    fire: async (i) => void fired.push(i),
  });
  await s.start();
  await s.stop();
  expect(fired).toHaveLength(1);
  expect(fired[0]?.IsPastDue).toBe(false);
});

it('runs a missed occurrence as past due after a restart (useMonitor), then keeps the schedule', async () => {
  const file = path.join(dir, 'b.json');
  writeFileSync(
    file,
    JSON.stringify({
      last: '2030-01-01T05:00:00.000Z',
      next: '2030-01-01T06:00:00.000Z',
      lastUpdated: '2030-01-01T05:00:00.000Z',
    }),
  );
  const clock = new ManualClock(T0);
  const fired: TimerInfo[] = [];
  const s = new TimerScheduler({
    schedule: parseSchedule('0 0 * * * *'),
    clock,
    statusFile: file,
    fire: async (i) => void fired.push(i),
  });
  await s.start();
  expect(fired.map((f) => f.IsPastDue)).toEqual([true]);
  clock.set(Date.parse('2030-01-01T07:00:00Z'));
  await settle();
  await s.stop();
  expect(fired.map((f) => f.IsPastDue)).toEqual([true, false]);
  expect(fired[1]?.ScheduleStatus?.Last).toBe('2030-01-01T06:00:00.000Z');
});

it('does not fire after stop', async () => {
  const clock = new ManualClock(T0);
  let count = 0;
  const s = new TimerScheduler({
    schedule: parseSchedule('*/1 * * * * *'),
    clock,
    fire: async () => void (count += 1),
  });
  await s.start();
  await s.stop();
  clock.advanceBy(10_000);
  await settle();
  expect(count).toBe(0);
});
