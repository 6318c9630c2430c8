// Delta data-skipping benchmark (issue 3): a table of F files clustered by `id` (each append writes a contiguous
// id range, so each file's min/max stats cover a narrow slice), queried with a selective range filter on `id`.
// Compares, in the same run (median of R repetitions):
//   - Weir with data skipping (files pruned by the log's min/max stats before DuckDB opens them);
//   - the same filter written so Weir cannot prune files ((id + 0)): every file is opened, DuckDB still skips
//     row groups inside each file by their Parquet statistics;
//   - the full scan: the same aggregate over every row (no filter);
//   - raw DuckDB read_parquet over all files with the plain filter (its own row-group pruning, opening every
//     file's footer) as the engine baseline.
// Reports files scanned / total (from explain()) and seconds, and checks all three agree.
//
//   tsx bench/delta-skipping.bench.ts [--smoke]      (full: 10M rows in 200 files; smoke: 20k rows in 20 files)
import path from "node:path";
import { col, F } from "../src/index.js";
import { openBenchEnv, rowsSql } from "./bench-env.js";
import { formatTable, median, ratio, secs, timed, type BenchTable } from "./report.js";

/** Files scanned and total, parsed from explain()'s "== Scans ==" section. */
function scanned(explain: string): { scanned: number; total: number } {
  const m = /delta .*: (\d+) of (\d+) files/.exec(explain);
  return m ? { scanned: Number(m[1]), total: Number(m[2]) } : { scanned: -1, total: -1 };
}

/**
 * Run the benchmark and return its table.
 *
 * @example `console.log((await run({ smoke: true })).text)`
 */
export async function run(opts: { smoke: boolean }): Promise<BenchTable> {
  const n = opts.smoke ? 20_000 : 10_000_000;
  const files = opts.smoke ? 20 : 200;
  const reps = opts.smoke ? 1 : 5;
  const { dir, spark, conn, close } = await openBenchEnv("skipping");
  const root = path.join(dir, "events");
  const rows: string[][] = [];
  let ok = true;
  try {
    const per = Math.ceil(n / files);
    for (let f = 0; f < files; f++) await spark.sql(rowsSql(f * per, Math.min(n, (f + 1) * per))).write.format("delta").mode("append").save(root);
    // 0.1% of the ids, in the middle of the table.
    const lo = Math.floor(n * 0.6);
    const hi = lo + Math.max(1, Math.floor(n / 1000));
    const table = spark.read.format("delta").load(root);
    const agg = [F.count("*").alias("n"), F.sum("qty").alias("q")] as const;
    const selective = table.filter(col("id").geq(lo).and(col("id").lt(hi))).agg(...agg);
    const unprunable = table.filter(col("id").plus(0).geq(lo).and(col("id").plus(0).lt(hi))).agg(...agg);
    const everything = table.agg(...agg);
    const skipInfo = scanned(await selective.explain({ print: false }));
    const openInfo = scanned(await unprunable.explain({ print: false }));
    const fullInfo = scanned(await everything.explain({ print: false }));

    const measure = async (work: () => Promise<string>): Promise<{ s: number; result: string }> => {
      const times: number[] = [];
      let result = "";
      for (let r = 0; r < reps + 1; r++) {
        const [t, out] = await timed(work);
        if (r > 0 || reps === 1) times.push(t); // the first run warms the OS cache and DuckDB
        result = out;
      }
      return { s: median(times), result };
    };
    const show = (r: Record<string, unknown> | undefined): string => `${String(r?.n)}/${String(r?.q)}`;
    const skip = await measure(async () => show((await selective.collect())[0]));
    const open = await measure(async () => show((await unprunable.collect())[0]));
    const full = await measure(async () => show((await everything.collect())[0]));
    const glob = path.join(root, "*.parquet");
    const duckdb = await measure(async () => show((await conn.runAndReadAll(
      `SELECT count(*) AS n, sum(qty) AS q FROM read_parquet('${glob.replaceAll("'", "''")}') WHERE id >= ${lo} AND id < ${hi}`)).getRowObjects()[0]));
    const same = skip.result === open.result && skip.result === duckdb.result;
    ok = same && full.result.startsWith(`${n}/`) && skipInfo.scanned > 0 && skipInfo.scanned < skipInfo.total && openInfo.scanned === openInfo.total;
    const mark = same ? "yes" : "NO";
    rows.push(["Weir, data skipping", `${skipInfo.scanned}/${skipInfo.total}`, secs(skip.s), ratio(skip.s, full.s), mark]);
    rows.push(["Weir, same filter without file skipping", `${openInfo.scanned}/${openInfo.total}`, secs(open.s), ratio(open.s, full.s), mark]);
    rows.push(["Weir, full scan (no filter)", `${fullInfo.scanned}/${fullInfo.total}`, secs(full.s), "1.00", "-"]);
    rows.push(["DuckDB read_parquet(all files) + filter", `${files}/${files} opened`, secs(duckdb.s), ratio(duckdb.s, full.s), mark]);
  } finally {
    await close();
  }
  const title = `Delta data skipping: 0.1% id range of ${n.toLocaleString("en")} rows in ${files} files clustered by id`;
  const header = ["query", "files scanned", "s (median)", "vs full scan", "same result"];
  return { title, header, rows, ok, text: `${title}\n${formatTable(header, rows)}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ smoke: process.argv.includes("--smoke") });
  console.log(r.text);
  if (!r.ok) process.exitCode = 1;
}
