import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, WeirError, ingestFiles, t } from "../../src/index.js";

describe("ingestFiles", () => {
  let spark: Session;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "weir-ingest-"));
    spark = await Session.create({ warehouse: path.join(dir, "wh"), threads: 1, memoryLimit: "1GB" });
  });
  after(async () => {
    await spark.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const landing = (name: string, files: Record<string, string>): string => {
    const p = path.join(dir, name);
    mkdirSync(p, { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(path.join(p, f), text);
    return p;
  };
  const read = async (p: string): Promise<Record<string, unknown>[]> => spark.read.format("delta").load(p).orderBy("id").collect();

  it("ingests each file once: a rerun finds nothing new, a new file is added, the ledger lists path, size and mtime", async () => {
    const src = landing("once", { "a.json": '{"id":1,"v":"x"}\n{"id":2,"v":"y"}\n' });
    const target = path.join(dir, "once-t");
    const first = await ingestFiles(spark, { source: src, format: "json", target });
    assert.deepEqual([first.batches, first.files.length, first.rows, first.targetVersion], [1, 1, 2, 0]);
    const rerun = await ingestFiles(spark, { source: src, format: "json", target });
    assert.deepEqual([rerun.batches, rerun.files, rerun.rows, rerun.targetVersion], [0, [], 0, 0]);
    writeFileSync(path.join(src, "b.json"), '{"id":3,"v":"z"}\n');
    const added = await ingestFiles(spark, { source: src, format: "json", target });
    assert.deepEqual([added.files, added.rows, added.targetVersion], [[path.join(src, "b.json")], 1, 1]);
    assert.deepEqual((await read(target)).map((r) => r.id), [1n, 2n, 3n]);
    const ledger = await spark.sql("SELECT path, size, seq FROM delta.`" + path.join(dir, "wh", "_weir.db", "ingested_files") + "` WHERE app = $app ORDER BY seq", { app: `ingest:${target}` }).collect();
    assert.deepEqual(ledger.map((r) => [path.basename(String(r.path)), Number(r.size), Number(r.seq)]), [["a.json", 34, 1], ["b.json", 17, 2]]);
  });

  it("two concurrent runs of one job with different batch sizes, then a rerun: every file's rows land exactly once and the ledger holds exactly the committed files", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`f${String(i).padStart(2, "0")}.json`] = `{"id":${i},"v":"a"}\n{"id":${100 + i},"v":"b"}\n`;
    const target = path.join(dir, "concurrent-t");
    const opts = (n: number) => ({ source: path.join(dir, "concurrent"), format: "json", schema: "id BIGINT, v STRING", target, maxFilesPerBatch: n }) as const;
    // The table exists first (two runs creating it at once conflict, as in Spark); then 11 more files land.
    landing("concurrent", { "f00.json": files["f00.json"]! });
    const first = await ingestFiles(spark, opts(1));
    landing("concurrent", files);
    // Batch n of the two runs holds different files. Each batch number commits once: the other run either fails
    // with a commit conflict (it read the log before the winner committed) or finds the batch already committed
    // and must take the winner's files, not its own, as that batch's.
    const settled = await Promise.allSettled([2, 3].map((n) => ingestFiles(spark, opts(n))));
    for (const r of settled) if (r.status === "rejected") assert.equal((r.reason as WeirError).code, "WEIR_DELTA_CONCURRENT_MODIFICATION", String(r.reason));
    const rerun = await ingestFiles(spark, opts(4));
    const runs = [first, ...settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])), rerun];
    const ids = (await read(target)).map((r) => Number(r.id));
    assert.deepEqual(ids, [...Array.from({ length: 12 }, (_, i) => i), ...Array.from({ length: 12 }, (_, i) => 100 + i)], "every file's rows once");
    assert.equal(runs.reduce((n, r) => n + r.rows, 0), 24, "the runs' reported rows add up to what was loaded");
    assert.deepEqual(runs.flatMap((r) => r.files).map((f) => path.basename(f)).sort(), Object.keys(files), "each file reported once, by the run that committed it");
    const ledger = await spark.sql("SELECT DISTINCT path FROM delta.`" + path.join(dir, "wh", "_weir.db", "ingested_files") + "` WHERE app = $app", { app: `ingest:${target}` }).collect();
    assert.deepEqual(ledger.map((r) => path.basename(String(r.path))).sort(), Object.keys(files));
  });

  it("CSV files with a schema, in batches of 2 files, into a new partitioned catalog table: the rows and version of the batches' commits", async () => {
    await spark.sql("CREATE DATABASE IF NOT EXISTS bronze");
    const lines = (from: number, n: number): string => `id,qty,day\n${Array.from({ length: n }, (_, i) => `${from + i},${(from + i) % 7},2024-01-0${1 + ((from + i) % 3)}`).join("\n")}\n`;
    const src = landing("csv-batches", { "a.csv": lines(0, 40), "b.csv": lines(40, 25), "c.csv": lines(65, 10) });
    const opts = { source: src, format: "csv", schema: "id INT, qty INT, day DATE", options: { header: true }, target: "bronze.csv_batches", maxFilesPerBatch: 2, partitionBy: ["day"] } as const;
    const res = await ingestFiles(spark, opts);
    assert.deepEqual([res.batches, res.files.length, res.rows, res.targetVersion], [2, 3, 75, 1]);
    const [table] = await spark.sql("SELECT count(*) AS n, count(DISTINCT id) AS d, sum(qty) AS q FROM bronze.csv_batches").collect();
    assert.deepEqual([Number(table!.n), Number(table!.d), Number(table!.q)], [75, 75, Array.from({ length: 75 }, (_, i) => i % 7).reduce((a, b) => a + b, 0)]);
    writeFileSync(path.join(src, "d.csv"), lines(75, 5));
    const more = await ingestFiles(spark, opts);
    assert.deepEqual([more.batches, more.rows, more.targetVersion], [1, 5, 2]);
  });

  it("schema drift: addNewColumns evolves the target and records the change; failOnNewColumns fails and ingests nothing; none ignores the column", async () => {
    const base = { "1.json": '{"id":1,"v":"x"}\n' };
    const drift = '{"id":2,"v":"y","country":"FR"}\n';
    for (const mode of ["addNewColumns", "failOnNewColumns", "none"] as const) {
      const src = landing(`drift-${mode}`, base);
      const target = path.join(dir, `drift-${mode}-t`);
      await ingestFiles(spark, { source: src, format: "json", target, schemaEvolution: mode });
      writeFileSync(path.join(src, "2.json"), drift);
      if (mode === "failOnNewColumns") {
        await assert.rejects(ingestFiles(spark, { source: src, format: "json", target, schemaEvolution: mode }),
          (e: unknown) => e instanceof WeirError && e.code === "WEIR_PIPELINE_NEW_COLUMNS" && /column country/.test(e.message));
        assert.equal((await read(target)).length, 1);
        continue;
      }
      const res = await ingestFiles(spark, { source: src, format: "json", target, schemaEvolution: mode });
      const rows = await read(target);
      if (mode === "addNewColumns") {
        assert.deepEqual(res.schemaChanges, ["added columns: country string"]);
        assert.deepEqual(rows.map((r) => r.country), [null, "FR"]);
      } else {
        assert.deepEqual(Object.keys(rows[1]!).sort(), ["id", "v"]);
      }
    }
  });

  it("rescue keeps the schema: unknown fields and values that do not fit go to _rescued_data as JSON", async () => {
    const schema = t.struct({ id: t.int64(), qty: t.int32() });
    const src = landing("rescue", { "a.json": '{"id":1,"qty":5}\n{"id":2,"qty":"lots","note":"n"}\n{"id":3,"qty":7,"note":null}\n' });
    const target = path.join(dir, "rescue-t");
    await ingestFiles(spark, { source: src, format: "json", schema, target, schemaEvolution: "rescue" });
    const rows = await read(target);
    assert.deepEqual(rows.map((r) => [r.id, r.qty, r._rescued_data === null ? null : JSON.parse(String(r._rescued_data))]), [
      [1n, 5, null], [2n, null, { qty: "lots", note: "n" }], [3n, 7, null],
    ]);
  });

  it("a malformed JSON record fails the batch naming file and line, and nothing is ingested; with badRecordsPath it is set aside", async () => {
    const src = landing("malformed-json", { "a.json": '{"id":1}\n{"id":2,\n{"id":3}\n' });
    const target = path.join(dir, "malformed-json-t");
    await assert.rejects(ingestFiles(spark, { source: src, format: "json", target }), (e: unknown) => e instanceof WeirError && /a\.json:2/.test(e.message));
    assert.equal(existsDelta(target), false);
    const bad = path.join(dir, "bad-json");
    const res = await ingestFiles(spark, { source: src, format: "json", target, badRecordsPath: bad, schema: "id BIGINT" });
    assert.equal(res.rows, 2);
    assert.deepEqual((await read(target)).map((r) => r.id), [1n, 3n]);
    assert.match(readBadRecords(bad), /"record":"\{\\"id\\":2,"/);
  });

  it("a malformed CSV line fails the batch naming the file; with badRecordsPath the good lines are ingested", async () => {
    const src = landing("malformed-csv", { "a.csv": "id,qty\n1,2\n2,notanumber\n3,4\n" });
    const target = path.join(dir, "malformed-csv-t");
    const schema = t.struct({ id: t.int32(), qty: t.int32() });
    await assert.rejects(ingestFiles(spark, { source: src, format: "csv", schema, options: { header: true }, target }), /a\.csv/);
    const res = await ingestFiles(spark, { source: src, format: "csv", schema, options: { header: true }, target, badRecordsPath: path.join(dir, "bad-csv") });
    assert.equal(res.rows, 2);
    assert.deepEqual((await read(target)).map((r) => r.id), [1, 3]);
  });
});

function existsDelta(p: string): boolean {
  try { return readdirSync(path.join(p, "_delta_log")).some((f) => f.endsWith(".json")); } catch { return false; }
}

function readBadRecords(root: string): string {
  const out: string[] = [];
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) if (e.isFile() && e.name.endsWith(".json")) out.push(readFileSync(path.join(e.parentPath, e.name), "utf8"));
  return out.join("");
}
