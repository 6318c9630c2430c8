// Delta MERGE benchmark (issue 3): upsert of C changed rows — half updates of existing keys (recent days, as a
// change feed brings), half inserts of new keys — into an N-row Delta table, unpartitioned (files of
// consecutive ids) and partitioned by day, with DeltaTable.merge vs DuckDB's native MERGE INTO (DuckDB ≥ 1.4)
// on an equivalent DuckDB table, in the same run. Each layout runs twice in Weir: copy-on-write (the default)
// and merge-on-read (`delta.enableDeletionVectors = true`, on a copy of the same table). Reports time, files
// rewritten vs files holding matched keys (the pruning bound), deletion vectors written, and checks every
// engine ends with the same count and sums.
//
//   tsx bench/delta-merge.bench.ts [--smoke] [--reps 3]   (full: N = 10M, C = 100k, median of 3; smoke: N = 20k, C = 1k, once)
import { cpSync } from "node:fs";
import path from "node:path";
import { DeltaTable, F } from "../src/index.js";
import { openBenchEnv } from "./bench-env.js";
import { formatTable, median, ratio, secs, timed, type BenchTable } from "./report.js";

const DAYS = 100;
const FILES_UNPARTITIONED = 40;

/** Target rows (id, day, qty, price, note) as SQL over range(); `day` = id's position in 100 days from 2024-01-01. */
function targetSql(from: number, to: number, n: number): string {
  return `SELECT CAST(range AS BIGINT) AS id, CAST(DATE '2024-01-01' + CAST(floor(range * ${DAYS} / ${n}) AS INTEGER) AS DATE) AS day, ` +
    `CAST(range % 1000 AS INTEGER) AS qty, CAST((range % 997) / 10.0 AS DOUBLE) AS price, 'n' || CAST(range % 50 AS VARCHAR) AS note FROM range(${from}, ${to})`;
}

/** Changes: C/2 updates spread over the last 10 days' ids, C/2 inserts of new ids on the last day. */
function changesSql(n: number, c: number): string {
  const recent = Math.floor(n * 0.9);
  const stride = Math.max(1, Math.floor((n - recent) / (c / 2)));
  const last = `DATE '2024-01-01' + ${DAYS - 1}`;
  return `SELECT CAST(${recent} + range * ${stride} AS BIGINT) AS id, CAST(DATE '2024-01-01' + CAST(floor((${recent} + range * ${stride}) * ${DAYS} / ${n}) AS INTEGER) AS DATE) AS day, ` +
    `CAST(-1 AS INTEGER) AS qty, CAST(1.5 AS DOUBLE) AS price, 'updated' AS note FROM range(0, ${c / 2}) ` +
    `UNION ALL SELECT CAST(${n} + range AS BIGINT), CAST(${last} AS DATE), CAST(7 AS INTEGER), CAST(2.5 AS DOUBLE), 'inserted' FROM range(0, ${c / 2})`;
}

/**
 * Run the benchmark and return its table.
 *
 * @example `console.log((await run({ smoke: true })).text)`
 */
export async function run(opts: { smoke: boolean; reps?: number }): Promise<BenchTable> {
  const reps = opts.reps ?? (opts.smoke ? 1 : 3);
  const n = opts.smoke ? 20_000 : 10_000_000;
  const c = opts.smoke ? 1_000 : 100_000;
  const { dir, spark, conn, close } = await openBenchEnv("merge");
  const rows: string[][] = [];
  let ok = true;
  try {
    // Materialized before timing, as DuckDB's `changes` table is: both MERGEs read a ready source.
    const changes = await spark.sql(changesSql(n, c)).cache();
    for (const partitioned of [false, true]) {
      const root = path.join(dir, partitioned ? "by_day" : "flat");
      if (partitioned) await spark.sql(targetSql(0, n, n)).write.format("delta").partitionBy("day").save(root);
      else {
        const per = Math.ceil(n / FILES_UNPARTITIONED);
        for (let f = 0; f < FILES_UNPARTITIONED; f++) await spark.sql(targetSql(f * per, Math.min(n, (f + 1) * per), n)).write.format("delta").mode("append").save(root);
      }
      // The same table with deletion vectors enabled (merge-on-read).
      const rootDv = `${root}_dv`;
      cpSync(root, rootDv, { recursive: true });
      await spark.sql(`ALTER TABLE delta.\`${rootDv}\` SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')`).collect();
      const table = await DeltaTable.forPath(spark, root);
      // The pruning bound: files that hold a key the changes update.
      const holding = await table.toDF().select(F.inputFileName().alias("f"), "id").join(changes.select("id"), "id", "left_semi").select("f").distinct().count();
      const condition = partitioned ? "t.day = s.day AND t.id = s.id" : "t.id = s.id";
      type Metrics = Awaited<ReturnType<ReturnType<DeltaTable["merge"]>["execute"]>>;
      const merged = (["copy-on-write", "deletion vectors"] as const).map((mode) => ({ mode, base: mode === "copy-on-write" ? root : rootDv, table: undefined as DeltaTable | undefined, secs: [] as number[], m: undefined as Metrics | undefined }));
      const duckSecs: number[] = [];
      // Each repetition merges into fresh copies of the tables; engines interleave so background load spreads over all.
      for (let r = 0; r < reps; r++) {
        for (const x of merged) {
          const copy = `${x.base}_run${r}`;
          cpSync(x.base, copy, { recursive: true });
          x.table = await DeltaTable.forPath(spark, copy);
          const [s, m] = await timed(() => x.table!.alias("t").merge(changes.alias("s"), condition).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute());
          if (process.env.WEIR_BENCH_DEBUG) console.log(x.mode, m);
          x.secs.push(s);
          x.m = m;
        }
        await conn.run(`DROP TABLE IF EXISTS target; CREATE TABLE target AS ${targetSql(0, n, n)}; DROP TABLE IF EXISTS changes; CREATE TABLE changes AS ${changesSql(n, c)}`);
        const [d] = await timed(() => conn.run(
          `MERGE INTO target USING changes ON ${partitioned ? "target.day = changes.day AND " : ""}target.id = changes.id ` +
          "WHEN MATCHED THEN UPDATE SET day = changes.day, qty = changes.qty, price = changes.price, note = changes.note WHEN NOT MATCHED THEN INSERT *"));
        duckSecs.push(d);
      }
      const duckCheck = (await conn.runAndReadAll("SELECT count(*) AS n, sum(qty) AS q, sum(price) AS p FROM target")).getRowObjects()[0]!;

      for (const { mode, table: t, secs: times, m } of merged) {
        const weirSecs = median(times);
        const [weirCheck] = await t!.toDF().agg(F.count("*").alias("n"), F.sum("qty").alias("q"), F.sum("price").alias("p")).collect();
        const same = String(weirCheck!.n) === String(duckCheck.n) && String(weirCheck!.q) === String(duckCheck.q) && Math.abs(Number(weirCheck!.p) - Number(duckCheck.p)) < 1e-6 * Math.abs(Number(duckCheck.p));
        const dvs = m!.numTargetDeletionVectorsAdded + m!.numTargetDeletionVectorsUpdated;
        ok &&= same && m!.numTargetFilesRemoved <= holding && dvs <= holding && m!.numTargetRowsUpdated === c / 2 && m!.numTargetRowsInserted === c / 2;
        rows.push([
          `${partitioned ? "partitioned by day" : "unpartitioned"}, ${mode}`, secs(weirSecs), secs(median(duckSecs)), ratio(weirSecs, median(duckSecs)),
          String(m!.numTargetFilesRemoved), String(dvs), String(holding), `${m!.numTargetFilesScanned}/${m!.numTargetFilesTotal}`, same ? "yes" : "NO",
        ]);
      }
    }
  } finally {
    await close();
  }
  const title = `Delta MERGE: ${c.toLocaleString("en")} changes (half updates, half inserts) into ${n.toLocaleString("en")} rows (median of ${reps})`;
  const header = ["table, Weir mode", "weir s", "duckdb MERGE s", "ratio", "files rewritten", "DVs written", "files w/ matched keys", "files scanned", "same result"];
  return { title, header, rows, ok, text: `${title}\n${formatTable(header, rows)}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--reps");
  const r = await run({ smoke: process.argv.includes("--smoke"), ...(at > 0 ? { reps: Number(process.argv[at + 1]) } : {}) });
  console.log(r.text);
  if (!r.ok) process.exitCode = 1;
}
