/**
 * Date/time functions against Spark's documented results (session time zone UTC).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lit, F } from "../../../src/index.js";
import { iso, useSession, value, values } from "./eval.js";

const { spark } = useSession();
const day = (s: string): string => `${s}T00:00:00.000Z`;

test("toDate/toTimestamp cast ISO text, parse Spark patterns, and give null for unparsable input", async () => {
  const rows = [{ s: "2024-03-10" }, { s: "2024-03-10 12:34:56" }, { s: "garbage" }];
  assert.deepEqual((await values(spark(), rows, F.toDate("s"))).map(iso), [day("2024-03-10"), day("2024-03-10"), null]);
  assert.deepEqual((await values(spark(), rows, F.toTimestamp("s"))).map(iso), [day("2024-03-10"), "2024-03-10T12:34:56.000Z", null]);
  const eu = [{ s: "10/03/2024" }, { s: "5/3/2024" }, { s: "2024-03-10" }];
  assert.deepEqual((await values(spark(), eu, F.toDate("s", "d/M/yyyy"))).map(iso), [day("2024-03-10"), day("2024-03-05"), null]);
  assert.deepEqual((await values(spark(), [{ s: "2024-03-10T08:15:30.250" }], F.toTimestamp("s", "yyyy-MM-dd'T'HH:mm:ss.SSS"))).map(iso), ["2024-03-10T08:15:30.250Z"]);
  assert.deepEqual((await values(spark(), [{ s: "2024-03-10T12:00:00Z" }], F.toDate("s"))).map(iso), [day("2024-03-10")]);
});

test("dateFormat renders Spark patterns (names of days and months, 12-hour clock, millis)", async () => {
  const ts = lit(new Date("2024-03-10T15:04:05.123Z"));
  assert.equal(await value(spark(), F.dateFormat(ts, "yyyy-MM-dd HH:mm:ss")), "2024-03-10 15:04:05");
  assert.equal(await value(spark(), F.dateFormat(ts, "dd/MM/yy")), "10/03/24");
  assert.equal(await value(spark(), F.dateFormat(ts, "EEE, MMM d")), "Sun, Mar 10");
  assert.equal(await value(spark(), F.dateFormat(ts, "hh:mm a")), "03:04 PM");
  assert.equal(await value(spark(), F.dateFormat(ts, "HH:mm:ss.SSS")), "15:04:05.123");
  assert.equal(await value(spark(), F.dateFormat(F.toDate(lit("2024-03-10")), "yyyy-MM")), "2024-03");
});

test("date parts are ints; dayofweek is 1 = Sunday; weekofyear is ISO", async () => {
  const rows = [{ s: "2024-03-10 13:14:15" }, { s: "2024-12-30 00:00:00" }, { s: "2021-01-03 23:59:59" }];
  const ts = F.toTimestamp("s");
  assert.deepEqual(await values(spark(), rows, F.year(ts)), [2024, 2024, 2021]);
  assert.deepEqual(await values(spark(), rows, F.quarter(ts)), [1, 4, 1]);
  assert.deepEqual(await values(spark(), rows, F.month(ts)), [3, 12, 1]);
  assert.deepEqual(await values(spark(), rows, F.dayofmonth(ts)), [10, 30, 3]);
  assert.deepEqual(await values(spark(), rows, F.dayofweek(ts)), [1, 2, 1]);
  assert.deepEqual(await values(spark(), rows, F.weekday(ts)), [6, 0, 6]);
  assert.deepEqual(await values(spark(), rows, F.dayofyear(ts)), [70, 365, 3]);
  assert.deepEqual(await values(spark(), rows, F.weekofyear(ts)), [10, 1, 53]);
  assert.deepEqual(await values(spark(), rows, F.hour(ts)), [13, 0, 23]);
  assert.deepEqual(await values(spark(), rows, F.minute(ts)), [14, 0, 59]);
  assert.deepEqual(await values(spark(), rows, F.second(ts)), [15, 0, 59]);
  assert.deepEqual(await values(spark(), rows, F.dayofweek(F.toDate("s"))), [1, 2, 1]);
});

test("dateTrunc gives a timestamp (also for dates, weeks start Monday); trunc gives a date", async () => {
  const rows = [{ s: "2024-03-10 13:14:15" }];
  assert.deepEqual((await values(spark(), rows, F.dateTrunc("month", F.toDate("s")))).map(iso), [day("2024-03-01")]);
  assert.deepEqual((await values(spark(), rows, F.dateTrunc("year", "s"))).map(iso), [day("2024-01-01")]);
  assert.deepEqual((await values(spark(), rows, F.dateTrunc("week", "s"))).map(iso), [day("2024-03-04")]);
  assert.deepEqual((await values(spark(), rows, F.dateTrunc("quarter", "s"))).map(iso), [day("2024-01-01")]);
  assert.deepEqual((await values(spark(), rows, F.dateTrunc("hour", "s"))).map(iso), ["2024-03-10T13:00:00.000Z"]);
  assert.deepEqual((await values(spark(), rows, F.trunc("s", "mm"))).map(iso), [day("2024-03-01")]);
  const dtypes = await spark().createDataFrame(rows).select(F.dateTrunc("day", F.toDate("s")).alias("t"), F.trunc("s", "year").alias("d")).dtypes();
  assert.deepEqual(dtypes, [["t", "timestamp"], ["d", "date"]]);
  assert.throws(() => F.dateTrunc("fortnight", "s"), /Unknown date unit "fortnight"/);
});

test("dateAdd, dateSub, datediff (end - start, int), addMonths clamps to month end, lastDay", async () => {
  const rows = [{ d: "2024-01-31", e: "2024-03-01" }];
  assert.deepEqual((await values(spark(), rows, F.dateAdd("d", 30))).map(iso), [day("2024-03-01")]);
  assert.deepEqual((await values(spark(), rows, F.dateSub("d", 31))).map(iso), [day("2023-12-31")]);
  assert.deepEqual(await values(spark(), rows, F.datediff("e", "d")), [30]);
  assert.deepEqual(await values(spark(), rows, F.datediff("d", "e")), [-30]);
  assert.deepEqual((await values(spark(), rows, F.addMonths("d", 1))).map(iso), [day("2024-02-29")]);
  assert.deepEqual((await values(spark(), rows, F.lastDay("e"))).map(iso), [day("2024-03-31")]);
  assert.deepEqual(await values(spark(), [{ a: "2024-03-10 23:00:00", b: "2024-03-09 01:00:00" }], F.datediff("a", "b")), [1]);
});

test("monthsBetween follows Spark: whole months on equal days or month ends, else /31 rounded to 8 digits", async () => {
  assert.equal(await value(spark(), F.monthsBetween(lit("1997-02-28 10:30:00"), lit("1996-10-30"))), 3.94959677);
  assert.equal(await value(spark(), F.monthsBetween(lit("1997-02-28 10:30:00"), lit("1996-10-30"), false)), 3.9495967741935485);
  assert.equal(await value(spark(), F.monthsBetween(lit("2024-03-15"), lit("2024-01-15"))), 2);
  assert.equal(await value(spark(), F.monthsBetween(lit("2024-02-29"), lit("2024-01-31"))), 1);
  assert.equal(await value(spark(), F.monthsBetween(lit("2024-01-15"), lit("2024-03-15"))), -2);
});

test("unixTimestamp and fromUnixtime convert epoch seconds; strings parse with a pattern", async () => {
  const rows = [{ s: "2024-03-10 12:00:00" }, { s: "nope" }];
  assert.deepEqual(await values(spark(), rows, F.unixTimestamp("s")), [1710072000n, null]);
  assert.deepEqual(await values(spark(), [{ s: "10/03/2024" }], F.unixTimestamp("s", "dd/MM/yyyy")), [1710028800n]);
  assert.deepEqual(await values(spark(), rows.slice(0, 1), F.unixTimestamp(F.toTimestamp("s"))), [1710072000n]);
  assert.deepEqual(await values(spark(), [{ n: 1710072000 }], F.fromUnixtime("n")), ["2024-03-10 12:00:00"]);
  assert.deepEqual(await values(spark(), [{ n: 1710072000 }], F.fromUnixtime("n", "yyyy/MM/dd")), ["2024/03/10"]);
});

test("toUtcTimestamp/fromUtcTimestamp shift between UTC and a zone's wall clock (names and offsets)", async () => {
  const rows = [{ s: "2017-07-14 02:40:00" }];
  assert.deepEqual((await values(spark(), rows, F.fromUtcTimestamp("s", "GMT+1"))).map(iso), ["2017-07-14T03:40:00.000Z"]);
  assert.deepEqual((await values(spark(), rows, F.fromUtcTimestamp("s", "Asia/Seoul"))).map(iso), ["2017-07-14T11:40:00.000Z"]);
  assert.deepEqual((await values(spark(), rows, F.toUtcTimestamp("s", "Asia/Seoul"))).map(iso), ["2017-07-13T17:40:00.000Z"]);
  assert.deepEqual((await values(spark(), rows, F.toUtcTimestamp("s", "-05:30"))).map(iso), ["2017-07-14T08:10:00.000Z"]);
});

test("makeDate builds dates and is null for invalid ones; currentDate/currentTimestamp are today", async () => {
  assert.deepEqual((await values(spark(), [{ y: 2024, m: 2, d: 29 }, { y: 2023, m: 2, d: 29 }], F.makeDate("y", "m", "d"))).map(iso), [day("2024-02-29"), null]);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal((iso(await value(spark(), F.currentDate())) as string).slice(0, 10), today);
  assert.ok(Math.abs((await value(spark(), F.currentTimestamp()) as Date).getTime() - Date.now()) < 3_600_000);
});

test("window: tumbling windows are {start, end} structs and groupBy(F.window(...)) counts per window", async () => {
  const rows = ["2024-03-10 00:05:00", "2024-03-10 00:09:59", "2024-03-10 00:10:00", "2024-03-10 00:31:00"].map((s) => ({ ts: s }));
  const df = spark().createDataFrame(rows).withColumn("ts", F.toTimestamp("ts"));
  const w = await df.select(F.window("ts", "10 minutes")).collect();
  assert.deepEqual(iso(w[0]), { window: { start: "2024-03-10T00:00:00.000Z", end: "2024-03-10T00:10:00.000Z" } });
  const counts = await df.groupBy(F.window("ts", "10 minutes")).agg(F.count("*").alias("n")).orderBy("window").collect();
  assert.deepEqual(iso(counts), [
    { window: { start: "2024-03-10T00:00:00.000Z", end: "2024-03-10T00:10:00.000Z" }, n: 2n },
    { window: { start: "2024-03-10T00:10:00.000Z", end: "2024-03-10T00:20:00.000Z" }, n: 1n },
    { window: { start: "2024-03-10T00:30:00.000Z", end: "2024-03-10T00:40:00.000Z" }, n: 1n },
  ]);
  const shifted = await df.limit(1).select(F.window("ts", "10 minutes", undefined, "5 minutes").getField("start").alias("s")).collect();
  assert.deepEqual(iso(shifted), [{ s: "2024-03-10T00:05:00.000Z" }]);
});

test("window: sliding windows put each timestamp in every overlapping window; null timestamps are dropped", async () => {
  const rows = [{ ts: "2024-03-10 00:07:00" }, { ts: "2024-03-10 00:12:00" }, { ts: null }];
  const df = spark().createDataFrame(rows, "ts string").withColumn("ts", F.toTimestamp("ts"));
  const counts = await df.groupBy(F.window("ts", "10 minutes", "5 minutes")).agg(F.count("*").alias("n")).orderBy("window").collect();
  assert.deepEqual((iso(counts) as { window: { start: string; end: string }; n: bigint }[]).map((r) => [r.window.start.slice(11, 16), r.window.end.slice(11, 16), r.n]), [
    ["00:00", "00:10", 1n], ["00:05", "00:15", 2n], ["00:10", "00:20", 1n],
  ]);
  assert.throws(() => F.window("ts", "5 minutes", "10 minutes"), /slideDuration/);
  assert.throws(() => F.window("ts", "1 fortnight"), /Invalid window duration/);
});
