import t from "tap";
import { CronSyntaxError, nextScheduleTime, parseCronSchedule } from "../../../models/cronjob/cron-schedule.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const at = (text: string) => Date.parse(text);

/** The next `n` activations after `from`. */
function runs(expr: string, from: string, n: number, tz = "UTC"): (string | null)[] {
  const s = parseCronSchedule(expr, tz);
  const out: (string | null)[] = [];
  let t0: number | null = at(from);
  for (let i = 0; i < n && t0 !== null; i++) {
    t0 = nextScheduleTime(s, t0);
    out.push(iso(t0));
  }
  return out;
}

t.test("Next over the syntax (robfig/cron spec_test.go TestNext shapes)", async (t) => {
  const cases: [string, string, string[]][] = [
    ["*/5 * * * *", "2025-01-01T00:00:00Z", ["2025-01-01T00:05:00.000Z", "2025-01-01T00:10:00.000Z"]],
    ["*/5 * * * *", "2025-01-01T00:04:59Z", ["2025-01-01T00:05:00.000Z"]],
    ["0 9-17/4 * * *", "2025-01-01T10:00:00Z", ["2025-01-01T13:00:00.000Z", "2025-01-01T17:00:00.000Z", "2025-01-02T09:00:00.000Z"]],
    ["30 2 * * MON-FRI", "2025-01-03T03:00:00Z", ["2025-01-06T02:30:00.000Z"]], // Fri after 02:30 -> Mon
    ["0 0 1,15 * *", "2025-01-02T00:00:00Z", ["2025-01-15T00:00:00.000Z", "2025-02-01T00:00:00.000Z"]],
    ["0 0 * FEB *", "2025-01-02T00:00:00Z", ["2025-02-01T00:00:00.000Z"]],
    ["@hourly", "2025-01-01T00:00:00Z", ["2025-01-01T01:00:00.000Z"]],
    ["@weekly", "2025-01-01T00:00:00Z", ["2025-01-05T00:00:00.000Z"]], // 2025-01-05 is a Sunday
    ["@yearly", "2025-01-01T00:00:00Z", ["2026-01-01T00:00:00.000Z"]],
    ["0 0 29 2 *", "2025-01-01T00:00:00Z", ["2028-02-29T00:00:00.000Z"]],
    ["5/20 * * * *", "2025-01-01T00:00:00Z", ["2025-01-01T00:05:00.000Z", "2025-01-01T00:25:00.000Z", "2025-01-01T00:45:00.000Z"]],
    // Both day fields restricted: either matches (the 13th, or any Friday).
    ["0 0 13 * 5", "2025-01-01T00:00:00Z", ["2025-01-03T00:00:00.000Z", "2025-01-10T00:00:00.000Z", "2025-01-13T00:00:00.000Z"]],
    // A stepped star is no longer a star: still OR.
    ["0 0 */10 * 5", "2025-01-01T00:00:00Z", ["2025-01-03T00:00:00.000Z", "2025-01-10T00:00:00.000Z", "2025-01-11T00:00:00.000Z"]],
  ];
  for (const [expr, from, want] of cases) t.same(runs(expr, from, want.length), want, `${expr} after ${from}`);
  t.equal(nextScheduleTime(parseCronSchedule("0 0 30 2 *"), at("2025-01-01T00:00:00Z")), null, "never: February 30th");
});

t.test("time zones follow daylight saving", async (t) => {
  // 09:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer (DST began 2025-03-09).
  t.same(runs("0 9 * * *", "2025-03-07T00:00:00Z", 3, "America/New_York"), [
    "2025-03-07T14:00:00.000Z", "2025-03-08T14:00:00.000Z", "2025-03-09T13:00:00.000Z",
  ]);
  // 02:30 does not exist on 2025-03-09 in New York: it runs an hour later (03:30 EDT = 07:30 UTC).
  t.same(runs("30 2 * * *", "2025-03-08T12:00:00Z", 2, "America/New_York"), ["2025-03-09T07:30:00.000Z", "2025-03-10T06:30:00.000Z"]);
  // 01:30 happens twice on 2025-11-02: it runs once.
  t.same(runs("30 1 * * *", "2025-11-02T04:00:00Z", 2, "America/New_York"), ["2025-11-02T05:30:00.000Z", "2025-11-03T06:30:00.000Z"]);
});

t.test("invalid schedules name the field", async (t) => {
  const bad: [string, RegExp][] = [
    ["* * * *", /expected exactly 5 fields, found 4/],
    ["60 * * * *", /end of range \(60\) above maximum \(59\) in minute: 60/],
    ["* 5-2 * * *", /beginning of range \(5\) beyond end of range \(2\) in hour/],
    ["* * 0 * *", /beginning of range \(0\) below minimum \(1\) in day of month/],
    ["* * * FOO *", /failed to parse month value "FOO"/],
    ["* * * * 7", /above maximum \(6\) in day of week/],
    ["*/0 * * * *", /step of range should be a positive number in minute/],
    ["@every 5m", /unrecognized descriptor/],
    ["CRON_TZ=UTC * * * * *", /use the timeZone field/],
  ];
  for (const [expr, message] of bad) t.throws(() => parseCronSchedule(expr), { constructor: CronSyntaxError, message }, expr);
  t.throws(() => parseCronSchedule("* * * * *", "Mars/Olympus"), { message: "unknown time zone Mars/Olympus" });
});

t.test("civil fields and RFC 3339 agree with the platform's calendar", async (t) => {
  const { civil, formatRfc3339 } = await import("../../../models/cronjob/cron-schedule.js");
  // Every 7 days and 13 minutes from 1899 to 2101, across leap years and centuries.
  for (let ms = Date.UTC(1899, 0, 1); ms < Date.UTC(2101, 0, 1); ms += 7 * 86_400_000 + 13 * 60_000) {
    const d = new Date(ms);
    const c = civil(ms);
    if (c.year !== d.getUTCFullYear() || c.month !== d.getUTCMonth() + 1 || c.day !== d.getUTCDate() || c.hour !== d.getUTCHours() || c.minute !== d.getUTCMinutes() || c.dayOfWeek !== d.getUTCDay()) {
      t.fail(`civil(${ms}) = ${JSON.stringify(c)}, want ${d.toISOString()}`);
      return;
    }
    if (formatRfc3339(ms) !== d.toISOString().replace(/\.\d{3}Z$/, "Z")) {
      t.fail(`formatRfc3339(${ms}) = ${formatRfc3339(ms)}`);
      return;
    }
  }
  t.pass("10,500 instants agree");
});
