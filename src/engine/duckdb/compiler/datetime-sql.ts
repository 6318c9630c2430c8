import { t } from "../../../types/index.js";
import { compileCast } from "./compile-cast.js";
import type { FunctionRenderer } from "./function-sql.js";

const arg = (a: readonly string[], i: number): string => a[i] ?? "NULL";
/** Spark returns INT for date parts; DuckDB returns BIGINT. */
const part = (sqlName: string): FunctionRenderer => (a) => `CAST(${sqlName}(${arg(a, 0)}) AS INTEGER)`;
const asTimestamp = (x: string): string => compileCast(x, t.timestamp(), false);
const asDate = (x: string): string => compileCast(x, t.date(), false);

/**
 * Spark's date/time functions as DuckDB SQL. Timestamps are TIMESTAMPTZ in the session zone (UTC), as Spark's
 * TimestampType; Spark patterns arrive already translated to strftime patterns by the F functions.
 *
 * @example `DATETIME_FUNCTIONS.dayofweek!(['"d"'], { distinct: false, options: {} }) // 1 = Sunday, as Spark`
 */
export const DATETIME_FUNCTIONS: Readonly<Record<string, FunctionRenderer>> = {
  current_date: () => "current_date",
  current_timestamp: () => "current_timestamp",
  now: () => "current_timestamp",
  to_date: (a) => (a.length > 1 ? `CAST(try_strptime(CAST(${arg(a, 0)} AS VARCHAR), ${arg(a, 1)}) AS DATE)` : asDate(arg(a, 0))),
  to_timestamp: (a) => (a.length > 1 ? `CAST(try_strptime(CAST(${arg(a, 0)} AS VARCHAR), ${arg(a, 1)}) AS TIMESTAMPTZ)` : asTimestamp(arg(a, 0))),
  date_format: (a) => `strftime(${asTimestamp(arg(a, 0))}, ${arg(a, 1)})`,
  year: part("year"),
  quarter: part("quarter"),
  month: part("month"),
  dayofmonth: part("dayofmonth"),
  // Spark: 1 = Sunday … 7 = Saturday (DuckDB's dayofweek is 0 = Sunday).
  dayofweek: (a) => `CAST(dayofweek(${arg(a, 0)}) + 1 AS INTEGER)`,
  weekday: (a) => `CAST(isodow(${arg(a, 0)}) - 1 AS INTEGER)`,
  dayofyear: part("dayofyear"),
  weekofyear: part("weekofyear"),
  hour: part("hour"),
  minute: part("minute"),
  second: part("second"),
  date_trunc: (a) => `CAST(date_trunc(${arg(a, 0)}, ${asTimestamp(arg(a, 1))}) AS TIMESTAMPTZ)`,
  trunc: (a) => `CAST(date_trunc(${arg(a, 1)}, ${asDate(arg(a, 0))}) AS DATE)`,
  date_add: (a) => `CAST(${asDate(arg(a, 0))} + CAST(${arg(a, 1)} AS INTEGER) AS DATE)`,
  date_sub: (a) => `CAST(${asDate(arg(a, 0))} - CAST(${arg(a, 1)} AS INTEGER) AS DATE)`,
  datediff: (a) => `CAST(datediff('day', ${asDate(arg(a, 1))}, ${asDate(arg(a, 0))}) AS INTEGER)`,
  add_months: (a) => `CAST(${asDate(arg(a, 0))} + to_months(CAST(${arg(a, 1)} AS INTEGER)) AS DATE)`,
  months_between: (a, o) => renderMonthsBetween(asTimestamp(arg(a, 0)), asTimestamp(arg(a, 1)), o.options.roundOff !== false),
  last_day: (a) => `last_day(${asDate(arg(a, 0))})`,
  // A string is parsed with the pattern (Spark's default "yyyy-MM-dd HH:mm:ss"); dates and timestamps give their epoch.
  unix_timestamp: (a) => (a.length === 0
    ? "CAST(floor(epoch(current_timestamp)) AS BIGINT)"
    : `CAST(floor(CASE WHEN typeof(${arg(a, 0)}) = 'VARCHAR' THEN epoch(try_strptime(CAST(${arg(a, 0)} AS VARCHAR), ${a[1] ?? "'%Y-%m-%d %H:%M:%S'"})) ELSE epoch(TRY_CAST(${arg(a, 0)} AS TIMESTAMPTZ)) END) AS BIGINT)`),
  from_unixtime: (a) => `strftime(to_timestamp(CAST(${arg(a, 0)} AS DOUBLE)), ${a[1] ?? "'%Y-%m-%d %H:%M:%S'"})`,
  // Shift an instant between UTC and a zone's wall clock (the session zone is UTC).
  // A fixed offset arrives as minutes east of UTC (ICU mis-parses half-hour offsets such as "UTC-05:30").
  to_utc_timestamp: (a, o) => (o.options.offsetMinutes
    ? `(${asTimestamp(arg(a, 0))} - to_minutes(CAST(${arg(a, 1)} AS BIGINT)))`
    : `timezone(${arg(a, 1)}, CAST(${asTimestamp(arg(a, 0))} AS TIMESTAMP))`),
  from_utc_timestamp: (a, o) => (o.options.offsetMinutes
    ? `(${asTimestamp(arg(a, 0))} + to_minutes(CAST(${arg(a, 1)} AS BIGINT)))`
    : `CAST(timezone(${arg(a, 1)}, ${asTimestamp(arg(a, 0))}) AS TIMESTAMPTZ)`),
  make_date: (a) => `try(make_date(CAST(${arg(a, 0)} AS BIGINT), CAST(${arg(a, 1)} AS BIGINT), CAST(${arg(a, 2)} AS BIGINT)))`,
  time_window: (a, o) => renderTimeWindow(asTimestamp(arg(a, 0)), arg(a, 1), arg(a, 2), arg(a, 3), o.options.tumbling === true),
};

/**
 * Spark's months_between: whole months when the days of month match or both are month ends, else the month
 * difference plus the day-and-time difference over 31-day months, rounded to 8 digits by default.
 */
function renderMonthsBetween(end: string, start: string, roundOff: boolean): string {
  const months = `((year(${end}) * 12 + month(${end})) - (year(${start}) * 12 + month(${start})))`;
  const secs = (ts: string): string => `(day(${ts}) * 86400 + epoch(${ts}) - epoch(date_trunc('day', ${ts})))`;
  const isLast = (ts: string): string => `(day(${ts}) = day(last_day(${ts})))`;
  const frac = `(${months} + (${secs(end)} - ${secs(start)}) / 2678400.0)`;
  return `CASE WHEN day(${end}) = day(${start}) OR (${isLast(end)} AND ${isLast(start)}) THEN CAST(${months} AS DOUBLE) ELSE ${roundOff ? `round(${frac}, 8)` : frac} END`;
}

/**
 * Spark's window(ts, size, slide, startTime) as a struct {start, end}. Sizes are microseconds. A tumbling window
 * is one struct per row; sliding windows unnest into one row per window containing the timestamp, every
 * window start st with st <= ts < st + size, as Spark's expansion.
 */
function renderTimeWindow(ts: string, size: string, slide: string, offset: string, tumbling: boolean): string {
  const us = `epoch_us(${ts})`;
  const latest = `(CAST(floor((${us} - ${offset}) / ${slide}) AS BIGINT) * ${slide} + ${offset})`;
  const win = (start: string): string => `struct_pack("start" := make_timestamptz(${start}), "end" := make_timestamptz(${start} + ${size}))`;
  if (tumbling) return `CASE WHEN ${ts} IS NULL THEN NULL ELSE ${win(latest)} END`;
  const starts = `list_filter(list_transform(range(0, CAST(ceil(${size} / ${slide}) AS BIGINT)), lambda __i: ${latest} - __i * ${slide}), lambda __st: __st + ${size} > ${us})`;
  // A null timestamp gives no window start, so the row is dropped, as Spark's sliding-window filter does.
  return `unnest(list_reverse(list_transform(${starts}, lambda __st: ${win("__st")})))`;
}
