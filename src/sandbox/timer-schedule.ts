// When a timer trigger fires, from its cronExpression, as FC reads it: `@every 5m` / `@every 1h30m`
// (counted from the trigger's last change), or six cron fields `seconds minutes hours day-of-month
// month day-of-week` in UTC, or in the zone of a leading `CRON_TZ=Asia/Shanghai`. Fields take `*`,
// `?`, numbers, ranges `a-b`, steps `*/n` `a-b/n` `a/n`, lists, and month / weekday names. Pure.

export type Schedule =
  | { kind: 'every'; intervalMs: number }
  | { kind: 'cron'; sets: FieldSets; zone: string; domAny: boolean; dowAny: boolean };

interface FieldSets {
  second: Set<number>;
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The values one field allows, or undefined when it is not one the sandbox can read. */
function parseField(
  text: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = 0,
): Set<number> | undefined {
  const out = new Set<number>();
  const value = (token: string): number | undefined => {
    const named = names.indexOf(token.toUpperCase());
    if (named >= 0) return named + nameBase;
    return /^\d+$/.test(token) ? Number(token) : undefined;
  };
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*' || range === '?') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [value(a), value(b)];
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    if (from === undefined || to === undefined || from < min || to > max || from > to) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** The schedule of a cronExpression, or undefined when it is not one the sandbox can follow. */
export function parseSchedule(expression: string): Schedule | undefined {
  const text = expression.trim();
  const every = /^@every\s+(?:(\d+)h)?(?:(\d+)m)?$/.exec(text);
  if (every) {
    const minutes = Number(every[1] ?? 0) * 60 + Number(every[2] ?? 0);
    return minutes >= 1 ? { kind: 'every', intervalMs: minutes * 60_000 } : undefined;
  }
  const zoned = /^CRON_TZ=(\S+)\s+(.*)$/.exec(text);
  const zone = zoned?.[1] ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return undefined; // not a zone this Node.js knows
  }
  const fields = (zoned?.[2] ?? text).split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [s = '', mi = '', h = '', dom = '', mo = '', dow = ''] = fields;
  const sets = {
    second: parseField(s, 0, 59),
    minute: parseField(mi, 0, 59),
    hour: parseField(h, 0, 23),
    dom: parseField(dom, 1, 31),
    month: parseField(mo, 1, 12, MONTHS, 1),
    // 7 is Sunday too in most cron dialects.
    dow: parseField(dow.replace(/\b7\b/g, '0'), 0, 6, DAYS),
  };
  if (Object.values(sets).some((set) => set === undefined)) return undefined;
  return {
    kind: 'cron',
    sets: sets as FieldSets,
    zone,
    domAny: dom === '*' || dom === '?',
    dowAny: dow === '*' || dow === '?',
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(
  ms: number,
  zone: string,
): { month: number; dom: number; dow: number; hour: number; minute: number } {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts = format.formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    month: Number(get('month')),
    dom: Number(get('day')),
    dow: DAYS.indexOf(get('weekday').toUpperCase()),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
  };
}

/** How far ahead a cron schedule is searched; past it, the caller asks again later. */
export const CRON_LOOKAHEAD_MS = 8 * 24 * 3_600_000;

/**
 * The first time after `afterMs` the schedule fires, or undefined when none within the lookahead.
 * `anchorMs` is where `@every` intervals are counted from.
 */
export function nextFire(schedule: Schedule, afterMs: number, anchorMs: number): number | undefined {
  if (schedule.kind === 'every') {
    const n = Math.floor((afterMs - anchorMs) / schedule.intervalMs) + 1;
    return anchorMs + Math.max(1, n) * schedule.intervalMs;
  }
  const { sets, zone, domAny, dowAny } = schedule;
  // Minute by minute (zones are whole or half hours apart, so minutes line up), then the seconds.
  const firstMinute = Math.floor(afterMs / 60_000) * 60_000;
  for (let minute = firstMinute; minute <= afterMs + CRON_LOOKAHEAD_MS; minute += 60_000) {
    const t = wallClock(minute, zone);
    if (!sets.month.has(t.month) || !sets.hour.has(t.hour) || !sets.minute.has(t.minute)) continue;
    const domOk = sets.dom.has(t.dom);
    const dowOk = sets.dow.has(t.dow);
    // Both day fields restricted: either may match (cron's rule); one restricted: that one.
    const dayOk = domAny && dowAny ? true : domAny ? dowOk : dowAny ? domOk : domOk || dowOk;
    if (!dayOk) continue;
    for (const second of [...sets.second].sort((a, b) => a - b)) {
      const at = minute + second * 1000;
      if (at > afterMs) return at;
    }
  }
  return undefined;
}
