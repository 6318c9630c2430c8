import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { DuckDBInstance } from "@duckdb/node-api";
import { col, F, Session } from "../src/index.js";
import { ensureOrdersJsonl } from "./gen-orders.js";
import { formatTable, ratio, sameChecksum, secs, timed } from "./report.js";

/** Per-day totals of completed orders, as every implementation returns them. */
interface DailyTotals {
  readonly days: number;
  readonly orders: number;
  readonly revenue: number;
  readonly avgSum: number;
}

/** The result of the JSON-lines benchmark. @example `const r = await runJsonDaily(3_000_000); r.speedup` */
export interface JsonDailyResult {
  readonly table: string;
  readonly seconds: Readonly<Record<string, number>>;
  /** Hand-written loop time / Weir time. */
  readonly speedup: number;
  readonly checksumsEqual: boolean;
  readonly mismatches: readonly string[];
}

/**
 * Daily aggregation of JSON-lines orders: for status = completed, per calendar day (UTC) the number of orders,
 * sum of quantity × price and its average. Weir (`read.json` → filter → groupBy(toDate) → agg) against the
 * hand-written Node loop (readline + JSON.parse + Map), with raw DuckDB SQL as a second reference.
 * Each is run `runs` times; the table shows the best run (cold file cache effects are not the point).
 *
 * @example `const r = await runJsonDaily(50_000); console.log(r.table)`
 */
export async function runJsonDaily(n: number, runs = 2, log: (line: string) => void = console.log): Promise<JsonDailyResult> {
  const file = await ensureOrdersJsonl(n);
  const impls: Record<string, (file: string) => Promise<DailyTotals>> = { weir: weirDaily, "node loop": nodeLoopDaily, duckdb: duckdbDaily };
  const seconds: Record<string, number> = {};
  const totals: Record<string, DailyTotals> = {};
  for (const [name, impl] of Object.entries(impls)) {
    for (let r = 0; r < runs; r++) {
      const [s, out] = await timed(() => impl(file));
      seconds[name] = Math.min(seconds[name] ?? Infinity, s);
      totals[name] = out;
    }
    log(`  ${name}: ${secs(seconds[name]!)} s (best of ${runs})`);
  }
  const ref = totals["node loop"]!;
  const mismatches: string[] = [];
  for (const [name, t] of Object.entries(totals)) {
    for (const k of ["days", "orders", "revenue", "avgSum"] as const) {
      if (!sameChecksum(t[k], ref[k])) mismatches.push(`${name}.${k} = ${t[k]}, node loop ${ref[k]}`);
    }
  }
  const rows = Object.keys(impls).map((name) => [
    name, secs(seconds[name]!), ratio(seconds["node loop"]!, seconds[name]!), String(totals[name]!.days), String(totals[name]!.orders),
    totals[name]!.revenue.toFixed(2), mismatches.some((m) => m.startsWith(`${name}.`)) ? "DIFF" : "equal",
  ]);
  const table = formatTable(["implementation", "seconds", "speedup vs loop", "days", "orders", "revenue", "checksums"], rows);
  return { table, seconds, speedup: seconds["node loop"]! / seconds.weir!, checksumsEqual: mismatches.length === 0, mismatches };
}

async function weirDaily(file: string): Promise<DailyTotals> {
  await using session = await Session.create();
  const amount = col("quantity").multiply(col("price"));
  const rows = await session.read.json(file)
    .filter(col("status").equalTo("completed"))
    .groupBy(F.toDate("orderDate").alias("day"))
    .agg(F.count("*").alias("orders"), F.sum(amount).alias("revenue"), F.avg(amount).alias("avg_amount"))
    .orderBy("day")
    .collect();
  return summarize(rows.map((r) => ({ orders: Number(r.orders), revenue: Number(r.revenue), avg: Number(r.avg_amount) })));
}

/** The way Node teams write this job today: stream lines, parse each, accumulate per day in a Map. */
async function nodeLoopDaily(file: string): Promise<DailyTotals> {
  const days = new Map<string, { orders: number; revenue: number }>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length === 0) continue;
    const o = JSON.parse(line) as { status: string; orderDate: string; quantity: number; price: number };
    if (o.status !== "completed") continue;
    const day = o.orderDate.slice(0, 10); // ISO timestamps in UTC: the calendar day
    let acc = days.get(day);
    if (!acc) days.set(day, (acc = { orders: 0, revenue: 0 }));
    acc.orders += 1;
    acc.revenue += o.quantity * o.price;
  }
  return summarize([...days.values()].map((a) => ({ orders: a.orders, revenue: a.revenue, avg: a.revenue / a.orders })));
}

async function duckdbDaily(file: string): Promise<DailyTotals> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    const reader = await conn.runAndReadAll(`
      SELECT CAST(orderDate AS DATE) AS day, count(*) AS orders, sum(quantity * price) AS revenue, avg(quantity * price) AS avg_amount
      FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited')
      WHERE status = 'completed' GROUP BY day ORDER BY day`);
    return summarize(reader.getRowObjects().map((r) => ({ orders: Number(r.orders), revenue: Number(r.revenue), avg: Number(r.avg_amount) })));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

function summarize(days: readonly { orders: number; revenue: number; avg: number }[]): DailyTotals {
  let orders = 0, revenue = 0, avgSum = 0;
  for (const d of days) {
    orders += d.orders;
    revenue += d.revenue;
    avgSum += d.avg;
  }
  return { days: days.length, orders, revenue, avgSum };
}
