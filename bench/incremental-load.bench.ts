// Incremental load benchmark (issue 5): M new rows in a Postgres table of N + M rows, loaded by incrementalLoad
// (watermark pushed down to Postgres, MERGE by key into an N-row Delta table, watermark in the same commit) vs a
// hand-built path measured in the same run: pg COPY (SELECT … WHERE updated_at > W) TO STDOUT as CSV → a file →
// DuckDB read_csv → Parquet. The hand-built path only extracts and lands; Weir's time includes the MERGE, so two
// more rows compare like with like: Weir's extract + land phases of the same run (from `phaseMs`), and the same
// extract → Parquet done with Weir's DataFrame API (read.postgres → filter → write.parquet). The phase breakdown
// of the incremental run is printed below the table.
//
//   tsx bench/incremental-load.bench.ts [--smoke]      (full: N = 10M, M = 1M; smoke: N = 2k, M = 200)
// Needs Postgres (PGURL, default postgres://postgres@127.0.0.1:5432/test); without it the table says so.
import { createWriteStream } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { col, incrementalLoad } from "../src/index.js";
import { openBenchEnv } from "./bench-env.js";
import { formatTable, ratio, secs, timed, type BenchTable as ReportTable } from "./report.js";

/** A printable result table (see report.ts), with the phase timings. */
export interface BenchTable extends ReportTable {
  /** Milliseconds per phase of the measured incrementalLoad run. */
  readonly phaseMs?: Readonly<Record<string, number>>;
}

const PG_URL = process.env.PGURL ?? "postgres://postgres@127.0.0.1:5432/test";
const TABLE = "weir_bench_incremental";

async function pgRun(text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: PG_URL });
  c.on("error", () => undefined);
  await c.connect();
  try { return await c.query(text); } finally { await c.end(); }
}

/** Rows: id, customer_id, amount, status, note, updated_at (one second apart from 2025-01-01). */
const rowsSql = (from: number, to: number): string =>
  `SELECT g::int8 AS id, (g % 5000)::int4 AS customer_id, ((g % 10000) / 100.0)::numeric(12,2) AS amount, CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'open' END AS status, ` +
  `'note ' || (g % 97) AS note, timestamptz '2025-01-01' + g * interval '1 second' AS updated_at FROM generate_series(${from}, ${to - 1}) g`;

/**
 * Run the benchmark and return its table.
 *
 * @example `console.log((await run({ smoke: true })).text)`
 */
export async function run(opts: { smoke: boolean }): Promise<BenchTable> {
  const n = opts.smoke ? 2_000 : 10_000_000;
  const m = opts.smoke ? 200 : 1_000_000;
  const title = `Incremental load: ${m.toLocaleString("en")} new rows from Postgres into a ${n.toLocaleString("en")}-row Delta table`;
  const header = ["path", "seconds", "rows/s", "ratio to hand-built", "same rows"];
  try {
    await pgRun("SELECT 1");
  } catch {
    if (process.env.CI === "true") throw new Error(`Postgres is not reachable at ${PG_URL} (CI=true)`);
    const rows = [["(skipped: Postgres not running)", "", "", "", ""]];
    return { title, header, rows, ok: true, text: `${title}\n${formatTable(header, rows)}` };
  }
  const { dir, spark, conn, close } = await openBenchEnv("incremental");
  const rows: string[][] = [];
  let ok = true;
  let phaseMs: Readonly<Record<string, number>> | undefined;
  try {
    await pgRun(`DROP TABLE IF EXISTS ${TABLE}`);
    await pgRun(`CREATE UNLOGGED TABLE ${TABLE} AS ${rowsSql(0, n)}`);
    await pgRun(`CREATE INDEX ON ${TABLE} (updated_at)`);
    const source = spark.read.postgres({ url: PG_URL, table: TABLE });
    const target = path.join(dir, "silver");
    // The first (full) run builds the N-row target and its watermark; not measured.
    await incrementalLoad(spark, { name: "bench", source, target, watermarkColumn: "updated_at", keys: ["id"] });
    await pgRun(`INSERT INTO ${TABLE} ${rowsSql(n, n + m)}`);
    await pgRun(`ANALYZE ${TABLE}`);

    const [weirSecs, res] = await timed(() => incrementalLoad(spark, { name: "bench", source, target, watermarkColumn: "updated_at", keys: ["id"] }));
    const [total] = await spark.read.format("delta").load(target).groupBy().count().collect();

    const csv = path.join(dir, "extract.csv");
    const parquet = path.join(dir, "landed.parquet");
    const watermark = `timestamptz '2025-01-01' + ${n - 1} * interval '1 second'`;
    const [handSecs] = await timed(async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await pipeline(c.query(copyStreams.to(`COPY (SELECT * FROM ${TABLE} WHERE updated_at > ${watermark}) TO STDOUT (FORMAT csv, HEADER)`)), createWriteStream(csv));
      } finally { await c.end(); }
      await conn.run(`COPY (SELECT * FROM read_csv('${csv}', header = true)) TO '${parquet}' (FORMAT parquet)`);
    });
    const handRows = Number((await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${parquet}')`)).getRowObjects()[0]!.n);

    // The hand-built path's work through Weir's DataFrame API: pushed-down filter, Postgres COPY, Parquet out.
    const weirParquet = path.join(dir, "weir-landed");
    const since = new Date(Date.UTC(2025, 0, 1) + (n - 1) * 1000);
    const [dfSecs] = await timed(() => source.filter(col("updated_at").gt(since)).write.parquet(weirParquet));
    const [dfCount] = await spark.read.parquet(weirParquet).groupBy().count().collect();

    phaseMs = res.phaseMs;
    const p = (k: string): number => res.phaseMs[k] ?? 0;
    // Extract (Postgres → DuckDB, anti-join against the target) + land (the MERGE's write of the new data file).
    const landSecs = (p("extract") + p("merge.rewrite") + p("write")) / 1000;
    const same = res.rowsExtracted === m && handRows === m && Number(total!.count) === n + m && Number(dfCount!.count) === m;
    ok &&= same;
    const yes = same ? "yes" : "NO";
    const row = (name: string, s: number, r: string): string[] => [name, secs(s), Math.round(m / s).toLocaleString("en"), r, yes];
    rows.push(row("weir incrementalLoad (extract + MERGE + watermark)", weirSecs, ratio(weirSecs, handSecs)));
    rows.push(row("  of which extract + land phases (phaseMs: extract + merge.rewrite)", landSecs, ratio(landSecs, handSecs)));
    rows.push(row("weir DataFrame read.postgres → filter → write.parquet", dfSecs, ratio(dfSecs, handSecs)));
    rows.push(row("hand-built pg COPY → CSV → DuckDB → Parquet", handSecs, "1.00"));
  } finally {
    await pgRun(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
    await close();
  }
  const phases = phaseMs ? `\nincrementalLoad phases (ms): ${Object.entries(phaseMs).map(([k, v]) => `${k} ${v}`).join(", ")}` : "";
  return { title, header, rows, ok, ...(phaseMs ? { phaseMs } : {}), text: `${title}\n${formatTable(header, rows)}${phases}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ smoke: process.argv.includes("--smoke") });
  console.log(r.text);
  if (!r.ok) process.exitCode = 1;
}
