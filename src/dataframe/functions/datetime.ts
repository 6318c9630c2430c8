import { WeirError } from "../../errors/index.js";
import { mk } from "../../expr/index.js";
import { sparkToStrftime } from "../../util/index.js";
import { Column } from "../column.js";
import { c, callExprs, val, type ColumnLike } from "./helpers.js";

const part = (name: string) => (x: ColumnLike): Column<number> => callExprs(name, [c(x)]);

/** Today's date. @example `F.currentDate()` */
export const currentDate = (): Column<Date> => callExprs("current_date", []);
/** The current timestamp. @example `F.currentTimestamp()` */
export const currentTimestamp = (): Column<Date> => callExprs("current_timestamp", []);
/** Parse or cast to a date; with a Spark pattern (`"dd/MM/yyyy"`), unparsable values become null. @example `F.toDate("ts")` */
export const toDate = (x: ColumnLike, format?: string): Column<Date> => callExprs("to_date", format === undefined ? [c(x)] : [c(x), val(sparkToStrftime(format))]);
/** Parse or cast to a timestamp; with a Spark pattern. @example `F.toTimestamp("s", "yyyy-MM-dd HH:mm")` */
export const toTimestamp = (x: ColumnLike, format?: string): Column<Date> => callExprs("to_timestamp", format === undefined ? [c(x)] : [c(x), val(sparkToStrftime(format))]);
/** Format a date/timestamp with a Spark pattern. @example `F.dateFormat("ts", "yyyy-MM")` */
export const dateFormat = (x: ColumnLike, format: string): Column<string> => callExprs("date_format", [c(x), val(sparkToStrftime(format))]);
/** Year. @example `F.year("ts")` */
export const year = part("year");
/** Quarter (1–4). @example `F.quarter("ts")` */
export const quarter = part("quarter");
/** Month (1–12). @example `F.month("ts")` */
export const month = part("month");
/** Day of month. @example `F.dayofmonth("ts")` */
export const dayofmonth = part("dayofmonth");
/** Day of week, 1 = Sunday … 7 = Saturday (Spark). @example `F.dayofweek("ts")` */
export const dayofweek = part("dayofweek");
/** Day of year. @example `F.dayofyear("ts")` */
export const dayofyear = part("dayofyear");
/** ISO week of year. @example `F.weekofyear("ts")` */
export const weekofyear = part("weekofyear");
/** Hour. @example `F.hour("ts")` */
export const hour = part("hour");
/** Minute. @example `F.minute("ts")` */
export const minute = part("minute");
/** Second. @example `F.second("ts")` */
export const second = part("second");

const UNITS = new Set(["year", "yyyy", "yy", "quarter", "month", "mon", "mm", "week", "day", "dd", "hour", "minute", "second", "millisecond", "microsecond"]);
const UNIT_MAP: Record<string, string> = { yyyy: "year", yy: "year", mon: "month", mm: "month", dd: "day" };
function unit(u: string): string {
  const k = u.toLowerCase();
  if (!UNITS.has(k)) throw new WeirError("WEIR_INVALID_ARGUMENT", `Unknown date unit "${u}"`, { hint: `use one of ${[...UNITS].join(", ")}` });
  return UNIT_MAP[k] ?? k;
}
/** Truncate a timestamp to a unit (Spark's argument order: unit first). @example `F.dateTrunc("month", "ts")` */
export const dateTrunc = (u: string, x: ColumnLike): Column<Date> => callExprs("date_trunc", [val(unit(u)), c(x)]);
/** Truncate a date to a unit (Spark's `trunc(date, fmt)`). @example `F.trunc("d", "month")` */
export const trunc = (x: ColumnLike, u: string): Column<Date> => callExprs("trunc", [c(x), val(unit(u))]);
/** Date plus `days`. @example `F.dateAdd("d", 7)` */
export const dateAdd = (x: ColumnLike, days: number | Column<unknown, string>): Column<Date> => callExprs("date_add", [c(x), days instanceof Column ? days.expr : val(days)]);
/** Date minus `days`. @example `F.dateSub("d", 7)` */
export const dateSub = (x: ColumnLike, days: number | Column<unknown, string>): Column<Date> => callExprs("date_sub", [c(x), days instanceof Column ? days.expr : val(days)]);
/** Days from `start` to `end`. @example `F.datediff("end", "start")` */
export const datediff = (end: ColumnLike, start: ColumnLike): Column<number> => callExprs("datediff", [c(end), c(start)]);
/** Date plus months. @example `F.addMonths("d", 1)` */
export const addMonths = (x: ColumnLike, months: number): Column<Date> => callExprs("add_months", [c(x), val(months)]);
/**
 * Months from `start` to `end` as Spark computes them: whole when the days of month match (or both are month
 * ends), else with the remainder over 31-day months, rounded to 8 digits unless `roundOff` is false.
 * @example `F.monthsBetween(F.lit("1997-02-28 10:30:00"), F.lit("1996-10-30")) // 3.94959677`
 */
export const monthsBetween = (end: ColumnLike, start: ColumnLike, roundOff = true): Column<number> =>
  callExprs("months_between", [c(end), c(start)], { roundOff });
/** Last day of the month. @example `F.lastDay("d")` */
export const lastDay = (x: ColumnLike): Column<Date> => callExprs("last_day", [c(x)]);
/**
 * Seconds since the epoch: of now (no argument), of a date/timestamp, or of a string parsed with a Spark pattern
 * (default `"yyyy-MM-dd HH:mm:ss"`; unparsable → null).
 * @example `F.unixTimestamp("ts")`
 */
export const unixTimestamp = (x?: ColumnLike, format = "yyyy-MM-dd HH:mm:ss"): Column<bigint> =>
  callExprs("unix_timestamp", x === undefined ? [] : [c(x), val(sparkToStrftime(format))]);
/** Format epoch seconds as a string. @example `F.fromUnixtime("secs")` */
export const fromUnixtime = (x: ColumnLike, format = "yyyy-MM-dd HH:mm:ss"): Column<string> => callExprs("from_unixtime", [c(x), val(sparkToStrftime(format))]);
/** Day of week, 0 = Monday … 6 = Sunday (Spark's `weekday`). @example `F.weekday("d")` */
export const weekday = part("weekday");

/** Spark's fixed-offset zone forms (`+01:00`, `GMT+1`, `UTC-05:30`) as minutes east of UTC; undefined for zone names. */
function offsetMinutes(tz: string): number | undefined {
  const m = /^(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(tz.trim());
  if (!m) return /^(Z|UTC|GMT)$/i.test(tz.trim()) ? 0 : undefined;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}
function zoneShift(name: string, x: ColumnLike, tz: string): Column<Date> {
  const offset = offsetMinutes(tz);
  return offset === undefined ? callExprs(name, [c(x), val(tz)]) : callExprs(name, [c(x), val(offset)], { offsetMinutes: true });
}
/**
 * Interpret a timestamp as wall-clock time in `tz` and return that instant in UTC (Spark's `to_utc_timestamp`).
 * `tz` is a zone name (`"Asia/Seoul"`) or an offset (`"+01:00"`, `"GMT+1"`).
 * @example `F.toUtcTimestamp("local_ts", "Asia/Seoul") // 2017-07-14 02:40 → 2017-07-13 17:40`
 */
export const toUtcTimestamp = (x: ColumnLike, tz: string): Column<Date> => zoneShift("to_utc_timestamp", x, tz);
/**
 * Render a UTC timestamp as wall-clock time in `tz` (Spark's `from_utc_timestamp`).
 * @example `F.fromUtcTimestamp("ts", "GMT+1") // 2017-07-14 02:40 → 2017-07-14 03:40`
 */
export const fromUtcTimestamp = (x: ColumnLike, tz: string): Column<Date> => zoneShift("from_utc_timestamp", x, tz);
/** Build a date (null when invalid, as Spark with ANSI off). @example `F.makeDate("y", "m", "d")` */
export const makeDate = (y: ColumnLike, m: ColumnLike, d: ColumnLike): Column<Date> => callExprs("make_date", [c(y), c(m), c(d)]);

const DURATION = /^\s*(\d+)\s*(microsecond|millisecond|second|minute|hour|day|week)s?\s*$/i;
function intervalMicros(text: string, what: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new WeirError("WEIR_INVALID_ARGUMENT", `Invalid ${what} "${text}"`, { hint: 'use e.g. "1 day", "10 minutes", "1 hour"' });
  const n = Number(m[1]);
  const per: Record<string, number> = { microsecond: 1, millisecond: 1e3, second: 1e6, minute: 6e7, hour: 3.6e9, day: 8.64e10, week: 6.048e11 };
  return n * per[m[2]!.toLowerCase()]!;
}

/**
 * Spark's time window: a struct `{ start, end }` of the tumbling (or, with `slideDuration`, sliding) window
 * containing each timestamp. Sliding windows produce one row per window (like Spark's expansion).
 * @example `df.groupBy(F.window("ts", "1 day")).agg(F.count("*"))`
 */
export function window(timeColumn: ColumnLike, windowDuration: string, slideDuration?: string, startTime = "0 seconds"): Column<{ start: Date; end: Date }, "window"> {
  const size = intervalMicros(windowDuration, "window duration");
  const slide = slideDuration === undefined ? size : intervalMicros(slideDuration, "slide duration");
  const offset = intervalMicros(startTime, "start time");
  if (slide > size) throw new WeirError("WEIR_INVALID_ARGUMENT", `slideDuration (${slideDuration}) must not exceed windowDuration (${windowDuration})`, { hint: "use a slide <= the window" });
  const args = [c(timeColumn), val(size), val(slide), val(offset)];
  return new Column(mk({ kind: "alias", expr: mk({ kind: "call", name: "time_window", args, options: { tumbling: slide === size } }), name: "window" }));
}
