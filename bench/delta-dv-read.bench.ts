// Delta reads of files with deletion vectors: a table of N rows in F files where every file carries a DV, read in
// full, in four shapes: large files with
//   - scattered: 1% of the rows, spread evenly (what MERGE/UPDATE of scattered keys leave);
//   - runs:      10% of the rows as one contiguous run per file (what a DELETE of a key range leaves);
// N/10 rows in 2F small files, scattered 1%; and N rows in one file, scattered 1% (a deleted span too wide for a mask).
// Compares, in the same run (median of R repetitions, engines alternating within each repetition):
//   - raw DuckDB read_parquet over the same files without applying deletions (the engine's floor, 1.00);
//   - Weir reading a copy of the table taken before the DELETE (same files, no DVs);
//   - Weir reading the table with DVs (each DV file filtered by its deleted runs, or a bit mask over its deleted span);
//   - hand-written DuckDB: one read_parquet over all files, hash-anti-joined with (file_index * 2^32 + position) keys
//     (the best single-scan formulation measured);
//   - hand-written DuckDB in the form Weir used before: one read_parquet per file UNION ALL'ed, each filtered by
//     `file_row_number NOT IN (SELECT unnest($positions))`.
// Checks that everything reading with deletions agrees, and that the no-DV reads agree.
//
//   tsx bench/delta-dv-read.bench.ts [--smoke]      (full: 10M rows in 100 files + 1M in 200 + 10M in 1; smoke: 20k in 10 + 2k in 20 + 20k in 1)
import { cpSync } from "node:fs";
import path from "node:path";
import { LIST, DOUBLE, listValue, type DuckDBConnection } from "@duckdb/node-api";
import { readDeletionVector, Snapshot } from "../src/delta/index.js";
import { DuckDBParquetReader } from "../src/engine/index.js";
import { DeltaTable, F, type DataFrame } from "../src/index.js";
import { openBenchEnv, rowsSql } from "./bench-env.js";
import { formatTable, median, ratio, secs, timed, type BenchTable } from "./report.js";

const AGG_SQL = "count(*) AS n, sum(id) AS s, sum(qty) AS q, sum(length(note)) AS l";

const lit = (paths: readonly string[]): string => `[${paths.map((p) => `'${p.replaceAll("'", "''")}'`).join(", ")}]`;
const show = (r: Record<string, unknown> | undefined): string => [r?.n, r?.s, r?.q, r?.l].map(String).join("/");

/** The files of the latest version and each one's deleted positions (ascending). */
async function deletions(root: string): Promise<{ paths: string[]; deleted: number[][] }> {
  const snap = await Snapshot.load(root, { parquetReader: new DuckDBParquetReader() });
  const files = [...snap.files].sort((a, b) => a.path.localeCompare(b.path));
  const deleted = await Promise.all(files.map(async (f) => (f.add.deletionVector ? readDeletionVector(root, f.add.deletionVector) : [])));
  return { paths: files.map((f) => f.path), deleted };
}

async function query(conn: DuckDBConnection, sql: string, lists: Record<string, number[]> = {}): Promise<string> {
  const values = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, listValue(v)]));
  const types = Object.fromEntries(Object.keys(lists).map((k) => [k, LIST(DOUBLE)]));
  return show((await conn.runAndReadAll(sql, values, types)).getRowObjects()[0]);
}

/** The hand-written anti-join: one scan, one key per deleted row. */
function antiJoin(conn: DuckDBConnection, d: { paths: string[]; deleted: number[][] }): Promise<string> {
  const keys = d.deleted.flatMap((rows, i) => rows.map((p) => i * 2 ** 32 + p));
  return query(conn, `SELECT ${AGG_SQL} FROM read_parquet(${lit(d.paths)}, file_row_number = true) ANTI JOIN ` +
    `(SELECT unnest(CAST($k AS BIGINT[])) AS k) AS d ON CAST(file_index AS BIGINT) * ${2 ** 32} + file_row_number = d.k`, { k: keys });
}

/** Weir's former formulation: a branch per file with a NOT IN filter. */
function perFileNotIn(conn: DuckDBConnection, d: { paths: string[]; deleted: number[][] }): Promise<string> {
  const lists: Record<string, number[]> = {};
  const branches = d.paths.map((p, i) => {
    lists[`p${i}`] = d.deleted[i]!;
    return `SELECT * FROM read_parquet(${lit([p])}, file_row_number = true) WHERE file_row_number NOT IN (SELECT unnest(CAST($p${i} AS BIGINT[])))`;
  });
  return query(conn, `SELECT ${AGG_SQL} FROM (${branches.map((b) => `(${b})`).join(" UNION ALL ")})`, lists);
}

/**
 * Run the benchmark and return its table.
 *
 * @example `console.log((await run({ smoke: true })).text)`
 */
export async function run(opts: { smoke: boolean }): Promise<BenchTable> {
  const n = opts.smoke ? 20_000 : 10_000_000;
  const files = opts.smoke ? 10 : 100;
  const reps = opts.smoke ? 1 : 5;
  const { dir, spark, conn, close } = await openBenchEnv("dvread");
  const rows: string[][] = [];
  let ok = true;
  try {
    const agg = (df: DataFrame) => df.agg(F.count("*").alias("n"), F.sum("id").alias("s"), F.sum("qty").alias("q"), F.sum(F.length("note")).alias("l"));
    // Large files (each read alone with a row filter), with a tenth of the rows small files (read together), and one
    // file whose scattered deletions span more positions than a bit mask may (anti-joined with its positions).
    const layouts = [{ name: "large", rows: n, files }, { name: "small", rows: n / 10, files: files * 2 }, { name: "single", rows: n, files: 1 }];
    const shapes = layouts.flatMap((l) => {
      const per = Math.ceil(l.rows / l.files);
      return [
        { layout: l, per, name: `${l.files} files of ${per.toLocaleString("en")} rows, scattered 1%`, condition: "id % 100 = 37" },
        ...(l.name === "large" ? [{ layout: l, per, name: `${l.files} files of ${per.toLocaleString("en")} rows, runs 10%`, condition: `id % ${per} < ${Math.floor(per / 10)}` }] : []),
      ];
    });
    const plains = new Map<string, string>();
    for (const shape of shapes) {
      const l = shape.layout;
      let plain = plains.get(l.name);
      if (!plain) {
        plain = path.join(dir, `plain-${l.name}`);
        for (let f = 0; f < l.files; f++) {
          await spark.sql(rowsSql(f * shape.per, Math.min(l.rows, (f + 1) * shape.per))).write.format("delta").mode("append").option("delta.enableDeletionVectors", "true").save(plain);
        }
        plains.set(l.name, plain);
      }
      const weirPlain = agg(spark.read.format("delta").load(plain));
      const root = path.join(dir, shape.name.replace(/\W+/g, "-"));
      cpSync(plain, root, { recursive: true });
      await (await DeltaTable.forPath(spark, root)).delete(shape.condition);
      const d = await deletions(root);
      const weir = agg(spark.read.format("delta").load(root));
      const work: Record<string, () => Promise<string>> = {
        duckdb: () => query(conn, `SELECT ${AGG_SQL} FROM read_parquet(${lit(d.paths)})`),
        weirPlain: async () => show((await weirPlain.collect())[0]),
        weir: async () => show((await weir.collect())[0]),
        anti: () => antiJoin(conn, d),
        before: () => perFileNotIn(conn, d),
      };
      const times: Record<string, number[]> = {};
      const results: Record<string, string> = {};
      for (let r = 0; r < reps + 1; r++) {
        for (const [name, fn] of Object.entries(work)) {
          const [s, out] = await timed(fn);
          if (r > 0 || reps === 1) (times[name] ??= []).push(s); // the first round warms the OS cache and DuckDB
          results[name] = out;
        }
      }
      const s = (name: string): number => median(times[name] ?? []);
      const deletedRows = d.deleted.reduce((a, x) => a + x.length, 0);
      const withDeletes = results.weir === results.anti && results.weir === results.before && results.weir!.startsWith(`${shape.layout.rows - deletedRows}/`);
      const without = results.weirPlain === results.duckdb && results.duckdb!.startsWith(`${shape.layout.rows}/`);
      const filesWithDv = d.deleted.filter((x) => x.length > 0).length;
      ok &&= withDeletes && without && filesWithDv === shape.layout.files;
      const mark = (same: boolean): string => (same ? "yes" : "NO");
      const label = `${shape.name} (${deletedRows.toLocaleString("en")} rows)`;
      rows.push([label, "DuckDB read_parquet, deletions ignored", secs(s("duckdb")), "1.00", mark(without)]);
      rows.push([label, "Weir, copy without DVs", secs(s("weirPlain")), ratio(s("weirPlain"), s("duckdb")), mark(without)]);
      rows.push([label, `Weir, ${filesWithDv}/${shape.layout.files} files with DVs`, secs(s("weir")), ratio(s("weir"), s("duckdb")), mark(withDeletes)]);
      rows.push([label, "DuckDB one scan ANTI JOIN keys", secs(s("anti")), ratio(s("anti"), s("duckdb")), mark(withDeletes)]);
      rows.push([label, "DuckDB per-file NOT IN (Weir before)", secs(s("before")), ratio(s("before"), s("duckdb")), mark(withDeletes)]);
    }
  } finally {
    await close();
  }
  const title = `Delta read with deletion vectors (every file has one): full read (count, sums of id, qty and length(note))`;
  const header = ["deletions", "reader", "s (median)", "vs DuckDB without deletions", "same result"];
  return { title, header, rows, ok, text: `${title}\n${formatTable(header, rows, 2)}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ smoke: process.argv.includes("--smoke") });
  console.log(r.text);
  if (!r.ok) process.exitCode = 1;
}
