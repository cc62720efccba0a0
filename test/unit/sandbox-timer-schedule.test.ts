// Timer triggers' schedules: @every intervals and six-field cron, in UTC or a CRON_TZ zone.
import { describe, expect, it } from 'vitest';

import { nextFire, parseSchedule, type Schedule } from '../../src/sandbox/timer-schedule.js';

const at = (iso: string) => Date.parse(iso);
const next = (expr: string, after: string, anchor = after) => {
  const schedule = parseSchedule(expr) as Schedule;
  expect(schedule, expr).toBeDefined();
  const ms = nextFire(schedule, at(after), at(anchor));
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

describe('timer schedules', () => {
  it('@every counts whole intervals from the anchor', () => {
    expect(next('@every 5m', '2024-01-01T00:07:00Z', '2024-01-01T00:00:00Z')).toBe('2024-01-01T00:10:00.000Z');
    expect(next('@every 1h30m', '2024-01-01T00:00:00Z')).toBe('2024-01-01T01:30:00.000Z');
    expect(parseSchedule('@every 0m')).toBeUndefined();
  });

  it('six cron fields in UTC: steps, ranges, lists, names', () => {
    expect(next('0 0/5 * * * *', '2024-01-01T00:07:30Z')).toBe('2024-01-01T00:10:00.000Z');
    expect(next('30 15 10 * * ?', '2024-01-01T11:00:00Z')).toBe('2024-01-02T10:15:30.000Z');
    expect(next('0 0 9 ? * MON-FRI', '2024-01-06T12:00:00Z')).toBe('2024-01-08T09:00:00.000Z'); // Sat -> Mon
    expect(next('0 0 0 1 JAN,FEB ?', '2024-01-28T00:00:00Z')).toBe('2024-02-01T00:00:00.000Z');
    // Beyond the lookahead: none yet (the runner asks again later).
    expect(next('0 0 0 1 JAN,JUL ?', '2024-02-01T00:00:00Z')).toBeUndefined();
  });

  it('CRON_TZ: the fields are wall-clock time in that zone', () => {
    // 08:00 in Shanghai (UTC+8) is 00:00 UTC.
    expect(next('CRON_TZ=Asia/Shanghai 0 0 8 * * *', '2024-01-01T01:00:00Z')).toBe('2024-01-02T00:00:00.000Z');
  });

  it('refuses what it cannot follow', () => {
    for (const expr of ['0 0 L * * *', '* * *', 'CRON_TZ=Nowhere/Land 0 * * * * *', '0 61 * * * *', '@daily']) {
      expect(parseSchedule(expr), expr).toBeUndefined();
    }
  });
});
