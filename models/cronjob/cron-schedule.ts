/**
 * Standard cron schedules as the CronJob controller reads them: github.com/robfig/cron/v3
 * parser.go ParseStandard (5 fields: minute hour day-of-month month day-of-week; lists, ranges,
 * steps, month and weekday names, `?`, the @yearly/@annually/@monthly/@weekly/@daily/@midnight/
 * @hourly descriptors) and spec.go SpecSchedule.Next (the next matching minute, walking month,
 * day, hour, minute in the schedule's time zone; when both day fields are restricted a day
 * matching either runs, as in cron).
 *
 * Time zones come from the runtime's IANA database (Intl), so "America/New_York" follows its
 * daylight-saving rules. A wall time skipped by a spring-forward gap runs at the same instant
 * shifted by the gap (Go's time.Date normalisation); a wall time repeated by a fall-back runs once.
 */

export class CronSyntaxError extends Error {}

interface Bounds {
  name: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIELDS: readonly Bounds[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES },
  { name: "day of week", min: 0, max: 6, names: DOW_NAMES },
];

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** A parsed schedule: the allowed values of each field, and whether each day field was `*`. */
export interface CronSchedule {
  minutes: boolean[];
  hours: boolean[];
  daysOfMonth: boolean[];
  months: boolean[];
  daysOfWeek: boolean[];
  /** robfig's starBit: a day field that is `*` or `?` (a step > 1 clears it). */
  domStar: boolean;
  dowStar: boolean;
  timeZone: string;
}

/** Parses `expr` (ParseStandard); throws CronSyntaxError naming the field at fault. */
export function parseCronSchedule(expr: string, timeZone = "UTC"): CronSchedule {
  let text = expr.trim();
  if (/^(CRON_)?TZ=/.test(text)) throw new CronSyntaxError("TZ and CRON_TZ are not allowed in the schedule; use the timeZone field");
  if (text.startsWith("@")) {
    const expanded = DESCRIPTORS[text.toLowerCase()];
    if (expanded === undefined) throw new CronSyntaxError(`unrecognized descriptor: ${text}`);
    text = expanded;
  }
  const parts = text.split(/\s+/).filter((p) => p !== "");
  if (parts.length !== 5) throw new CronSyntaxError(`expected exactly 5 fields, found ${parts.length}: ${expr}`);
  const sets: boolean[][] = [];
  const stars: boolean[] = [];
  parts.forEach((part, i) => {
    const { set, star } = parseField(part, FIELDS[i]);
    sets.push(set);
    stars.push(star);
  });
  checkTimeZone(timeZone);
  return { minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3], daysOfWeek: sets[4], domStar: stars[2], dowStar: stars[4], timeZone };
}

// parser.go getField / getRange.
function parseField(field: string, bounds: Bounds): { set: boolean[]; star: boolean } {
  const set = new Array<boolean>(bounds.max + 1).fill(false);
  let star = false;
  for (const expr of field.split(",")) {
    const [rangePart, stepPart, extra] = expr.split("/");
    if (extra !== undefined) throw new CronSyntaxError(`too many slashes in ${bounds.name}: ${expr}`);
    let start: number;
    let end: number;
    let isStar = false;
    if (rangePart === "*" || rangePart === "?") {
      start = bounds.min;
      end = bounds.max;
      isStar = true;
    } else {
      const [lo, hi, more] = rangePart.split("-");
      if (more !== undefined) throw new CronSyntaxError(`too many hyphens in ${bounds.name}: ${expr}`);
      start = parseValue(lo, bounds, expr);
      end = hi === undefined ? start : parseValue(hi, bounds, expr);
    }
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^[0-9]+$/.test(stepPart)) throw new CronSyntaxError(`invalid step in ${bounds.name}: ${expr}`);
      step = Number(stepPart);
      if (step === 0) throw new CronSyntaxError(`step of range should be a positive number in ${bounds.name}: ${expr}`);
      // "N/step" means N through the field's maximum.
      if (!isStar && !rangePart.includes("-")) end = bounds.max;
      if (step > 1) isStar = false;
    }
    if (start < bounds.min) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${bounds.min}) in ${bounds.name}: ${expr}`);
    if (end > bounds.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${bounds.max}) in ${bounds.name}: ${expr}`);
    if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}) in ${bounds.name}: ${expr}`);
    for (let v = start; v <= end; v += step) set[v] = true;
    if (isStar) star = true;
  }
  return { set, star };
}

function parseValue(text: string, bounds: Bounds, expr: string): number {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^[0-9]+$/.test(text)) throw new CronSyntaxError(`failed to parse ${bounds.name} value ${JSON.stringify(text)} in ${expr}`);
  return Number(text);
}

// ---- time zones -----------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws CronSyntaxError unless `timeZone` is a zone of the IANA database (time.LoadLocation). */
export function checkTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new CronSyntaxError(`unknown time zone ${timeZone}`);
  }
}

/** The zone's offset from UTC at instant `utc_ms`, in ms (local = utc + offset). */
function offset_ms(timeZone: string, utc_ms: number): number {
  if (timeZone === "UTC") return 0;
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(utc_ms)) if (part.type !== "literal") p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (utc_ms - (((utc_ms % 1000) + 1000) % 1000));
}

/** The instant of local wall time `wall_ms` (expressed as if it were UTC) in the zone. */
function wallToUtc(timeZone: string, wall_ms: number): number {
  const guess = wall_ms - offset_ms(timeZone, wall_ms);
  const utc = wall_ms - offset_ms(timeZone, guess);
  if (utc + offset_ms(timeZone, utc) === wall_ms) return utc;
  // In a spring-forward gap no instant has this wall time: the offset before the gap gives the
  // later of the two candidates, the wall time shifted forward by the gap.
  return Math.max(guess, utc);
}

// ---- SpecSchedule.Next ---------------------------------------------------------------------------

const MINUTE_MS = 60_000;
/** spec.go: give up after five years of finding nothing (e.g. "0 0 30 2 *"). */
const YEARS_SEARCHED = 5;

/** The first activation strictly after `after_ms` (Unix ms), or null if none within five years. */
export function nextScheduleTime(schedule: CronSchedule, after_ms: number): number | null {
  const tz = schedule.timeZone;
  // Start at the next whole minute of local time.
  const localAfter_ms = after_ms + offset_ms(tz, after_ms);
  let wall = Math.floor(localAfter_ms / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const limitYear = civil(wall).year + YEARS_SEARCHED;
  for (let d = civil(wall); d.year <= limitYear; d = civil(wall)) {
    if (!schedule.months[d.month]) {
      wall = Date.UTC(d.year, d.month, 1);
      continue;
    }
    if (!dayMatches(schedule, d)) {
      wall = Date.UTC(d.year, d.month - 1, d.day + 1);
      continue;
    }
    if (!schedule.hours[d.hour]) {
      wall = Date.UTC(d.year, d.month - 1, d.day, d.hour + 1);
      continue;
    }
    if (!schedule.minutes[d.minute]) {
      wall += MINUTE_MS;
      continue;
    }
    const utc = wallToUtc(tz, wall);
    // A fall-back hour repeats wall times: an instant not after `after_ms` already ran.
    if (utc > after_ms) return utc;
    wall += MINUTE_MS;
  }
  return null;
}

/** Calendar fields of a UTC instant (month 1-12, dayOfWeek 0 = Sunday). */
export interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  dayOfWeek: number;
}

const DAY_MS = 86_400_000;

/** The calendar fields of `ms` since the Unix epoch (proleptic Gregorian; Hinnant's civil_from_days). */
export function civil(ms: number): CivilTime {
  const days = Math.floor(ms / DAY_MS);
  const inDay = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {
    year, month, day,
    hour: Math.floor(inDay / 3_600_000),
    minute: Math.floor((inDay % 3_600_000) / MINUTE_MS),
    second: Math.floor((inDay % MINUTE_MS) / 1000),
    // 1970-01-01 was a Thursday.
    dayOfWeek: (((days + 4) % 7) + 7) % 7,
  };
}

/** RFC 3339 in UTC to the second ("2025-01-01T00:05:00Z"), as metav1.Time marshals. */
export function formatRfc3339(ms: number): string {
  const c = civil(ms);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${String(c.year).padStart(4, "0")}-${p2(c.month)}-${p2(c.day)}T${p2(c.hour)}:${p2(c.minute)}:${p2(c.second)}Z`;
}

// spec.go dayMatches: both day fields must match when either is `*`, else either may.
function dayMatches(s: CronSchedule, d: CivilTime): boolean {
  const dom = s.daysOfMonth[d.day];
  const dow = s.daysOfWeek[d.dayOfWeek];
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}
