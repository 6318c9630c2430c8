/**
 * Reading tables where many files carry deletion vectors, mixed with files that carry none: each DV file is
 * filtered by its deleted runs (few) or a bit mask over its deleted span. Checked against the exact rows a plain
 * model of the operations expects, partitioned (by string, date and int) and not, with scattered and
 * contiguous deletions; DML on top of DV files checks that the row positions the scan reports
 * (`rowIndex`) are the files' physical positions, and a direct `deltaRelation` read checks every position.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { readDeletionVector, Snapshot } from "../../../src/delta/index.js";
import { DuckDBExecutor, DuckDBParquetReader, ParamCollector } from "../../../src/engine/index.js";
import { deltaRelation } from "../../../src/engine/duckdb/delta-scan.js";
import { col, DeltaTable, lit, Session, t } from "../../../src/index.js";

type R = Record<string, unknown>;
let spark: Session;
let executor: DuckDBExecutor;
let tmp: string;
before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "weir-dv-read-"));
  spark = await Session.create({ threads: 2 });
  executor = await DuckDBExecutor.create({ threads: 2 });
});
after(async () => {
  await spark.close();
  await executor.close();
  rmSync(tmp, { recursive: true, force: true });
});

const schema = t.struct({ id: t.int64(), p: t.string(), d: t.date(), n: t.int32(), qty: t.int32(), note: t.string() });
interface Row { id: number; p: string; d: string; n: number; qty: number; note: string }
const model = (from: number, count: number): Row[] => Array.from({ length: count }, (_, i) => {
  const id = from + i;
  return { id, p: `p${id % 3}`, d: `2024-01-0${1 + (id % 2)}`, n: id % 4 === 0 ? 10 : 20, qty: id % 7, note: `n${id}` };
});
const line = (r: Row): string => `${r.id}|${r.p}|${r.d}|${r.n}|${r.qty}|${r.note}`;
const day = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
const read = async (root: string): Promise<string[]> =>
  ((await spark.read.format("delta").load(root).collect()) as R[])
    .map((r) => line({ id: Number(r.id), p: String(r.p), d: day(r.d), n: Number(r.n), qty: Number(r.qty), note: String(r.note) })).sort();
const expected = (rows: readonly Row[]): string[] => rows.map(line).sort();
const snapshot = (root: string): Promise<Snapshot> => Snapshot.load(root, { parquetReader: new DuckDBParquetReader() });

/** 10 appends of 300 rows with DVs enabled: 10 files, or 10 × 9 partition files by (p, d, n). */
async function table(name: string, partitioned: boolean): Promise<{ root: string; rows: Row[] }> {
  const root = path.join(tmp, name);
  const rows: Row[] = [];
  for (let b = 0; b < 10; b++) {
    const batch = model(b * 300, 300);
    rows.push(...batch);
    const df = spark.createDataFrame(batch.map((r) => ({ ...r, id: BigInt(r.id), d: new Date(`${r.d}T00:00:00Z`) })), schema);
    const w = df.write.format("delta").mode("append").option("delta.enableDeletionVectors", "true");
    await (partitioned ? w.partitionBy("p", "d", "n") : w).save(root);
  }
  return { root, rows };
}

/** The SQL of the table's scan (to see which form the deleted keys took). */
async function scanSql(root: string): Promise<string> {
  const snap = await snapshot(root);
  return (await deltaRelation(snap, snap.files, "t", executor, new ParamCollector())).sql;
}

/**
 * Every row of a direct `deltaRelation` read with `rowIndex` is the row at that physical position of its file,
 * and the positions read are exactly each file's positions minus its DV.
 */
async function assertRowPositions(root: string): Promise<void> {
  const snap = await snapshot(root);
  const params = new ParamCollector();
  const rel = await deltaRelation(snap, snap.files, "t", executor, params, { rowIndex: true });
  const [file, row] = rel.fields.filter((f) => f.hidden).map((f) => `"${f.sqlName}"`);
  const got = (await executor.query(`SELECT ${file} AS f, ${row} AS r, id FROM (${rel.sql}) ORDER BY 1, 2`, params.bound)).rows;
  const raw = new ParamCollector();
  const all = (await executor.query(`SELECT filename AS f, file_row_number AS r, id FROM read_parquet(${raw.bind(snap.files.map((f) => f.path))}, filename = true, file_row_number = true) ORDER BY 1, 2`, raw.bound)).rows;
  const gone = new Set<string>();
  for (const f of snap.files) {
    if (f.add.deletionVector) for (const p of await readDeletionVector(root, f.add.deletionVector)) gone.add(`${f.path}#${p}`);
  }
  const want = all.filter((r) => !gone.has(`${String(r.f)}#${Number(r.r)}`)).map((r) => `${String(r.f)}#${Number(r.r)}=${Number(r.id)}`);
  assert.deepEqual(got.map((r) => `${String(r.f)}#${Number(r.r)}=${Number(r.id)}`), want);
  // Without rowIndex: the same rows, and no position column.
  const plainParams = new ParamCollector();
  const plain = await deltaRelation(snap, snap.files, "t", executor, plainParams);
  assert.equal(plain.fields.filter((f) => f.hidden).length, 1);
  const ids = (await executor.query(`SELECT id FROM (${plain.sql}) ORDER BY 1`, plainParams.bound)).rows.map((r) => Number(r.id));
  assert.deepEqual(ids, got.map((r) => Number(r.id)).sort((a, b) => a - b));
}

for (const partitioned of [false, true]) {
  test(`many files with deletion vectors among files without (${partitioned ? "partitioned by string, date, int" : "unpartitioned"}): reads, DML and row positions are exact`, async () => {
    let { root, rows } = await table(partitioned ? "parts" : "flat", partitioned);
    const dt = await DeltaTable.forPath(spark, root);
    // Scattered deletions in the first 6 appends' files (small files: read together, anti-joined) …
    await dt.delete("id % 7 = 3 AND id < 1800");
    rows = rows.filter((r) => !(r.id % 7 === 3 && r.id < 1800));
    assert.deepEqual(await read(root), expected(rows));
    assert.match(await scanSql(root), /ANTI JOIN/);
    // … then contiguous runs, one in a file that had no DV.
    await dt.delete("id BETWEEN 100 AND 250 OR id BETWEEN 2400 AND 2599");
    rows = rows.filter((r) => !((r.id >= 100 && r.id <= 250) || (r.id >= 2400 && r.id <= 2599)));
    const snap = await snapshot(root);
    const withDv = snap.files.filter((f) => f.add.deletionVector).length;
    assert.ok(withDv >= (partitioned ? 30 : 6), `many files carry a DV (${withDv})`);
    assert.ok(snap.files.length - withDv >= (partitioned ? 27 : 3), "and many do not");
    assert.deepEqual(await read(root), expected(rows));
    await assertRowPositions(root);

    // UPDATE and DELETE over DV and DV-free files: their positions come from the scan's row index.
    await dt.update(col("id").mod(5).equalTo(0), { qty: col("qty").plus(100), note: lit("u") });
    rows = rows.map((r) => (r.id % 5 === 0 ? { ...r, qty: r.qty + 100, note: "u" } : r));
    assert.deepEqual(await read(root), expected(rows));
    await dt.delete("id % 11 = 0 OR id BETWEEN 2000 AND 2100");
    rows = rows.filter((r) => !(r.id % 11 === 0 || (r.id >= 2000 && r.id <= 2100)));
    assert.deepEqual(await read(root), expected(rows));
    await assertRowPositions(root);

    // MERGE: matched keys in DV files are updated once (a wrong position would duplicate or lose a row).
    const source = spark.createDataFrame([5, 6, 301, 1799, 2999, 4000].map((id) => ({ id: BigInt(id), qty: 999 })), t.struct({ id: t.int64(), qty: t.int32() }));
    await dt.alias("t").merge(source.alias("s"), "t.id = s.id").whenMatchedUpdate({ set: { qty: col("s.qty") } }).execute();
    const keys = new Set([5, 6, 301, 1799, 2999]);
    rows = rows.map((r) => (keys.has(r.id) ? { ...r, qty: 999 } : r));
    assert.deepEqual(await read(root), expected(rows));
    assert.equal((await spark.read.format("delta").load(root).filter(col("qty").equalTo(999)).count()), rows.filter((r) => r.qty === 999).length);
  });
}

test("large DV files read alone: the bit mask and range filters keep first and last positions, rows just outside the deleted span, 4 vs 5 runs", async () => {
  const root = path.join(tmp, "edges");
  const per = 60_000; // above the size below which DV files are read together
  for (let b = 0; b < 3; b++) {
    await spark.sql(`SELECT CAST(range AS BIGINT) AS id FROM range(${b * per}, ${(b + 1) * per})`)
      .write.format("delta").mode("append").option("delta.enableDeletionVectors", "true").save(root);
  }
  const p2 = per;
  const p3 = 2 * per;
  const gone = (id: number): boolean =>
    [0, 10, 20, 30, 40, 50, per - 1].includes(id) // file 1: the first and last rows, 7 runs (a mask spanning the file)
    || (id >= p2 && id <= p2 + 9) || id === p2 + 100 || (id >= p2 + 500 && id <= p2 + 600) || id === p3 - 1 // file 2: 4 runs (ranges)
    || [p3 + 1, p3 + 3, p3 + 5, p3 + 7, p3 + per - 2].includes(id); // file 3: 5 runs (a mask over its span; p3 and the last row stay)
  let ids = Array.from({ length: 3 * per }, (_, id) => id).filter((id) => !gone(id));
  const dt = await DeltaTable.forPath(spark, root);
  await dt.delete(`id IN (${Array.from({ length: 3 * per }, (_, id) => id).filter(gone).join(", ")})`);
  const readIds = async (): Promise<number[]> => ((await spark.read.format("delta").load(root).collect()) as R[]).map((r) => Number(r.id)).sort((a, b) => a - b);
  assert.deepEqual(await readIds(), ids);
  const sql = await scanSql(root);
  assert.equal(sql.match(/get_bit\(/g)?.length, 2, "two files filtered by a mask");
  assert.match(sql, /NOT \(file_row_number BETWEEN \$\w+ AND \$\w+ OR file_row_number = \$\w+ OR file_row_number BETWEEN \$\w+ AND \$\w+ OR file_row_number = \$\w+\)/);
  assert.doesNotMatch(sql, /ANTI JOIN/);
  await assertRowPositions(root);
  // DML through the row filters: the positions it marks are the right rows.
  await dt.delete(`id IN (1, ${p2 + 10}, ${p3}, ${p3 + per - 1})`);
  ids = ids.filter((id) => ![1, p2 + 10, p3, p3 + per - 1].includes(id));
  assert.deepEqual(await readIds(), ids);
  await assertRowPositions(root);
});

test("a data column named file_index keeps small DV files apart (it would hide DuckDB's virtual column)", async () => {
  const root = path.join(tmp, "file-index-column");
  for (let b = 0; b < 3; b++) {
    await spark.sql(`SELECT CAST(range AS BIGINT) AS id, CAST(${7 - b} AS BIGINT) AS file_index FROM range(${b * 100}, ${b * 100 + 100})`)
      .write.format("delta").mode("append").option("delta.enableDeletionVectors", "true").save(root);
  }
  await (await DeltaTable.forPath(spark, root)).delete("id % 10 = 0 AND id < 200");
  const got = ((await spark.read.format("delta").load(root).collect()) as R[]).map((r) => `${Number(r.id)}:${Number(r.file_index)}`).sort();
  const want = Array.from({ length: 300 }, (_, id) => id).filter((id) => !(id % 10 === 0 && id < 200)).map((id) => `${id}:${7 - Math.floor(id / 100)}`).sort();
  assert.deepEqual(got, want);
  assert.doesNotMatch(await scanSql(root), /ANTI JOIN/);
  await assertRowPositions(root);
});

test("a large file with many deleted rows spread over more than 2^22 positions is anti-joined with its positions: no bit mask (copied into every vector, its cost grows with the square of the file) and no list of ranges", async () => {
  const root = path.join(tmp, "wide-span");
  const n = 4_400_000;
  await spark.sql(`SELECT CAST(range AS BIGINT) AS id FROM range(${n})`).write.format("delta").option("delta.enableDeletionVectors", "true").save(root);
  const dt = await DeltaTable.forPath(spark, root);
  await dt.delete("id % 1000 = 7"); // 4,400 runs of one row over positions 7 … 4,399,007
  const gone = new Set(Array.from({ length: n / 1000 }, (_, i) => i * 1000 + 7));
  const totals = async (): Promise<number[]> => {
    const [r] = await spark.sql(`SELECT count(*) AS c, sum(id) AS s FROM delta.\`${root}\``).collect();
    return [Number(r!.c), Number(r!.s)];
  };
  const want = (): number[] => [n - gone.size, (n * (n - 1)) / 2 - [...gone].reduce((a, b) => a + b, 0)];
  assert.deepEqual(await totals(), want());
  const snap = await snapshot(root);
  const params = new ParamCollector();
  const sql = (await deltaRelation(snap, snap.files, "t", executor, params)).sql;
  assert.doesNotMatch(sql, /get_bit|BETWEEN/);
  assert.match(sql, /ANTI JOIN/);
  assert.ok(Object.keys(params.bound.values).length <= 3, `a few bound values, not one per run: ${Object.keys(params.bound.values).length}`);
  // DML through that filter: the row positions it reports are the rows' own.
  await dt.delete("id IN (0, 8, 2000006, 4399999)");
  for (const id of [0, 8, 2_000_006, 4_399_999]) gone.add(id);
  assert.deepEqual(await totals(), want());
  const near = ((await spark.sql(`SELECT id FROM delta.\`${root}\` WHERE id IN (0, 1, 6, 7, 8, 9, 2000005, 2000006, 2000007, 2000008, 4399998, 4399999) ORDER BY id`).collect()) as R[]).map((r) => Number(r.id));
  assert.deepEqual(near, [1, 6, 9, 2_000_005, 2_000_008, 4_399_998]);
});
