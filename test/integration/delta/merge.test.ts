/**
 * DeltaTable.merge: every clause type and their combinations against a plain-JS reference merge, Spark's
 * duplicate-source failure, file pruning (only files holding matched keys are rewritten) and the MERGE commit.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { col, DeltaTable, F, Session, t, WeirError } from "../../../src/index.js";

type R = Record<string, unknown>;
const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-merge-"));
let spark: Session;
let counter = 0;
before(async () => { spark = await Session.create({ threads: 2 }); });
after(async () => { await spark.close(); rmSync(tmp, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int32(), qty: t.int32(), note: t.string(), day: t.string() });
const norm = (rows: readonly R[]): R[] => rows.map((r) => ({ id: Number(r.id), qty: r.qty === null ? null : Number(r.qty), note: r.note ?? null, day: r.day ?? null }))
  .sort((a, b) => a.id - b.id);

/** A table written in `batches` appends (one file per batch and partition). */
async function table(rows: readonly R[], opts: { partitioned?: boolean; batches?: number } = {}): Promise<string> {
  const root = path.join(tmp, `t${++counter}`);
  const batches = opts.batches ?? 1;
  const size = Math.ceil(rows.length / batches);
  for (let b = 0; b < batches; b++) {
    const w = spark.createDataFrame(rows.slice(b * size, (b + 1) * size) as never[], schema).write.format("delta").mode("append");
    await (opts.partitioned ? w.partitionBy("day") : w).save(root);
  }
  return root;
}
const read = async (root: string): Promise<R[]> => norm(await spark.read.format("delta").load(root).collect() as R[]);
const version = (root: string): number => Math.max(...readdirSync(path.join(root, "_delta_log")).filter((f) => f.endsWith(".json")).map((f) => Number(f.slice(0, 20))));

interface JsClause {
  kind: "update" | "delete" | "insert" | "bySourceUpdate" | "bySourceDelete";
  cond?: (t: R | undefined, s: R | undefined) => boolean;
  set?: (t: R | undefined, s: R | undefined) => R;
}
/** The reference: Spark's MERGE semantics over arrays (first clause whose condition holds acts). */
function jsMerge(target: readonly R[], source: readonly R[], on: (t: R, s: R) => boolean, clauses: readonly JsClause[]): R[] {
  const out: R[] = [];
  const pick = (kinds: JsClause["kind"][], t: R | undefined, s: R | undefined): JsClause | undefined =>
    clauses.find((c) => kinds.includes(c.kind) && (!c.cond || c.cond(t, s)));
  for (const tr of target) {
    const s = source.find((x) => on(tr, x));
    const c = s ? pick(["update", "delete"], tr, s) : pick(["bySourceUpdate", "bySourceDelete"], tr, undefined);
    if (!c) out.push(tr);
    else if (c.kind === "update" || c.kind === "bySourceUpdate") out.push({ ...tr, ...c.set!(tr, s) });
  }
  for (const s of source) {
    if (target.some((x) => on(x, s))) continue;
    const c = pick(["insert"], undefined, s);
    if (c) out.push({ id: null, qty: null, note: null, day: null, ...c.set!(undefined, s) });
  }
  return norm(out);
}

const days = ["2024-01-01", "2024-01-02", "2024-01-03"];
const targetRows: R[] = Array.from({ length: 30 }, (_, i) => ({ id: i, qty: i * 10, note: `n${i}`, day: days[i % 3] }));
const sourceRows: R[] = [
  ...[2, 5, 9, 14, 21].map((id) => ({ id, qty: id * 10 + 1, note: id % 2 ? "odd" : "even", day: days[id % 3] })),
  ...[100, 101, 102].map((id) => ({ id, qty: id, note: "new", day: days[id % 3] })),
];
const byId = (t: R, s: R): boolean => t.id === s.id;
const src = () => spark.createDataFrame(sourceRows as never[], schema);

for (const partitioned of [false, true]) {
  const p = partitioned ? "partitioned" : "unpartitioned";

  test(`${p}: upsert (whenMatchedUpdate + whenNotMatchedInsertAll) equals the JS reference and reports Spark's metrics`, async () => {
    const root = await table(targetRows, { partitioned, batches: 3 });
    const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(src().alias("s"), "t.id = s.id")
      .whenMatchedUpdate({ set: { qty: "s.qty", note: "concat(t.note, '+', s.note)" } }).whenNotMatchedInsertAll().execute();
    const expected = jsMerge(targetRows, sourceRows, byId, [
      { kind: "update", set: (t, s) => ({ qty: s!.qty, note: `${t!.note}+${s!.note}` }) }, { kind: "insert", set: (_, s) => s! },
    ]);
    assert.deepEqual(await read(root), expected);
    assert.equal(m.numSourceRows, 8);
    assert.equal(m.numTargetRowsUpdated, 5);
    assert.equal(m.numTargetRowsInserted, 3);
    assert.equal(m.numTargetRowsDeleted, 0);
    assert.equal(m.numOutputRows, m.numTargetRowsUpdated + m.numTargetRowsInserted + m.numTargetRowsCopied);
    assert.equal(m.version, version(root));
  });

  test(`${p}: conditional clauses in order (first match wins), delete, insert with values subset, Column expressions`, async () => {
    const root = await table(targetRows, { partitioned, batches: 2 });
    const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(src().alias("s"), col("t.id").equalTo(col("s.id")))
      .whenMatchedDelete("s.id = 9")
      .whenMatchedUpdate({ condition: col("s.note").equalTo("odd"), set: { qty: col("s.qty").plus(col("t.qty")) } })
      .whenMatchedUpdate({ condition: "s.id > 3", set: { note: F.lit("matched-late") } })
      .whenNotMatchedInsert({ condition: "s.id <> 101", values: { id: "s.id", day: col("s.day"), note: "'ins'" } })
      .execute();
    const expected = jsMerge(targetRows, sourceRows, byId, [
      { kind: "delete", cond: (_, s) => s!.id === 9 },
      { kind: "update", cond: (_, s) => s!.note === "odd", set: (t, s) => ({ qty: Number(s!.qty) + Number(t!.qty) }) },
      { kind: "update", cond: (_, s) => Number(s!.id) > 3, set: () => ({ note: "matched-late" }) },
      { kind: "insert", cond: (_, s) => s!.id !== 101, set: (_, s) => ({ id: s!.id, day: s!.day, note: "ins" }) },
    ]);
    assert.deepEqual(await read(root), expected);
    assert.equal(m.numTargetRowsDeleted, 1);
    assert.equal(m.numTargetRowsMatchedDeleted, 1);
    assert.equal(m.numTargetRowsUpdated, 3); // 5 odd, 21 odd, 14 late; 2 matches no clause
    assert.equal(m.numTargetRowsInserted, 2);
  });

  test(`${p}: whenNotMatchedBySource update and delete act on target rows without a source match`, async () => {
    const root = await table(targetRows, { partitioned, batches: 2 });
    const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(src().alias("s"), "t.id = s.id")
      .whenMatchedUpdateAll()
      .whenNotMatchedBySourceDelete("t.id < 10")
      .whenNotMatchedBySourceUpdate({ condition: "t.id % 2 = 0", set: { note: "'stale'" } })
      .execute();
    const expected = jsMerge(targetRows, sourceRows, byId, [
      { kind: "update", set: (_, s) => s! },
      { kind: "bySourceDelete", cond: (t) => Number(t!.id) < 10 },
      { kind: "bySourceUpdate", cond: (t) => Number(t!.id) % 2 === 0, set: () => ({ note: "stale" }) },
    ]);
    assert.deepEqual(await read(root), expected);
    assert.equal(m.numTargetRowsNotMatchedBySourceDeleted, 7);
    assert.equal(m.numTargetRowsNotMatchedBySourceUpdated, 9);
    assert.equal(m.numTargetRowsInserted, 0);
  });
}

test("several source rows matching one target row fail with WEIR_DELTA_MERGE_DUPLICATE_SOURCE and leave the version unchanged", async () => {
  const root = await table(targetRows, { batches: 2 });
  const before = version(root);
  const files = readdirSync(root).length;
  const dup = spark.createDataFrame([{ id: 3, qty: 1, note: "a", day: days[0] }, { id: 3, qty: 2, note: "b", day: days[0] }] as never[], schema);
  await assert.rejects(
    (await DeltaTable.forPath(spark, root)).alias("t").merge(dup.alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(),
    (e: unknown) => e instanceof WeirError && e.code === "WEIR_DELTA_MERGE_DUPLICATE_SOURCE" && /multiple source rows matched/.test(e.message),
  );
  assert.equal(version(root), before);
  assert.equal(readdirSync(root).length, files, "no data file was written");
  assert.deepEqual(await read(root), norm(targetRows));
  // A lone unconditional delete is unambiguous: Spark allows it.
  const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(dup.alias("s"), "t.id = s.id").whenMatchedDelete().execute();
  assert.equal(m.numTargetRowsDeleted, 1);
  assert.equal((await read(root)).length, targetRows.length - 1);
});

test("merge rewrites only the files holding matched keys; other files keep their paths", async () => {
  const rows: R[] = Array.from({ length: 200 }, (_, i) => ({ id: i, qty: i, note: "x", day: days[0] }));
  const root = await table(rows, { batches: 10 }); // ids 0-19, 20-39, … one file each
  const before = new Set((await spark.read.format("delta").load(root).select(F.inputFileName().alias("f")).distinct().collect()).map((r) => String(r.f)));
  const upd = spark.createDataFrame([{ id: 25, qty: -1, note: "u", day: days[0] }, { id: 31, qty: -1, note: "u", day: days[0] }, { id: 500, qty: 5, note: "i", day: days[0] }] as never[], schema);
  const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(upd.alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
  assert.equal(m.numTargetFilesRemoved, 1, "only the file holding ids 20-39 is rewritten");
  assert.equal(m.numTargetFilesScanned, 1, `min/max stats prune the files scanned (${m.numTargetFilesScanned} of ${m.numTargetFilesTotal})`);
  const after = new Set((await spark.read.format("delta").load(root).select(F.inputFileName().alias("f")).distinct().collect()).map((r) => String(r.f)));
  assert.equal([...before].filter((f) => after.has(f)).length, before.size - 1, "nine files untouched");
  const got = await read(root);
  assert.equal(got.length, 201);
  assert.deepEqual(got.filter((r) => r.qty === -1).map((r) => r.id), [25, 31]);
});

test("a partitioned merge whose keys include the partition column scans only that partition's files", async () => {
  const root = await table(targetRows, { partitioned: true, batches: 2 });
  const upd = spark.createDataFrame([{ id: 3, qty: 0, note: "u", day: days[0] }] as never[], schema);
  const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(upd.alias("s"), "t.day = s.day AND t.id = s.id").whenMatchedUpdateAll().execute();
  assert.equal(m.numTargetFilesTotal, 6);
  assert.ok(m.numTargetFilesScanned <= 2, `only ${days[0]} files are read (${m.numTargetFilesScanned})`);
  assert.equal(m.numTargetFilesRemoved, 1);
  assert.equal((await read(root)).find((r) => r.id === 3)?.qty, 0);
});

test("the MERGE commit carries Spark's operation, predicates and metrics", async () => {
  const root = await table(targetRows);
  await (await DeltaTable.forPath(spark, root)).alias("t").merge(src().alias("s"), "t.id = s.id").whenMatchedDelete("s.qty > 0").whenNotMatchedInsertAll().execute();
  const log = readFileSync(path.join(root, "_delta_log", `${String(version(root)).padStart(20, "0")}.json`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as R);
  const info = log[0]!.commitInfo as { operation: string; operationParameters: Record<string, string>; operationMetrics: Record<string, string>; isBlindAppend: boolean };
  assert.equal(info.operation, "MERGE");
  assert.equal(info.operationParameters.predicate, "t.id = s.id");
  assert.deepEqual(JSON.parse(info.operationParameters.matchedPredicates!), [{ predicate: "s.qty > 0", actionType: "delete" }]);
  assert.equal(info.operationMetrics.numTargetRowsDeleted, "5");
  assert.equal(info.operationMetrics.numTargetRowsInserted, "3");
  assert.equal(info.isBlindAppend, false);
  const [h] = await (await (await DeltaTable.forPath(spark, root)).history(1)).collect();
  assert.equal(h!.operation, "MERGE");
});

test("merge into an empty source changes nothing and commits nothing; an insert-only merge never inserts matched keys", async () => {
  const root = await table(targetRows);
  const v = version(root);
  const empty = spark.createDataFrame([] as never[], schema);
  const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(empty.alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
  assert.equal(m.version, undefined);
  assert.equal(version(root), v);
  await (await DeltaTable.forPath(spark, root)).alias("t").merge(src().alias("s"), "t.id = s.id").whenNotMatchedInsertAll().execute();
  assert.deepEqual(await read(root), jsMerge(targetRows, sourceRows, byId, [{ kind: "insert", set: (_, s) => s! }]));
});

test("unknown columns in assignments and updateAll without a source column fail with did-you-mean errors", async () => {
  const root = await table(targetRows);
  const tbl = (await DeltaTable.forPath(spark, root)).alias("t");
  await assert.rejects(tbl.merge(src().alias("s"), "t.id = s.id").whenMatchedUpdate({ set: { qtty: "s.qty" } }).execute(),
    (e: unknown) => e instanceof WeirError && e.code === "WEIR_UNKNOWN_COLUMN" && /Did you mean "qty"/.test(e.message));
  const narrow = spark.createDataFrame([{ id: 1 }], t.struct({ id: t.int32() }));
  await assert.rejects(tbl.merge(narrow.alias("s"), "t.id = s.id").whenMatchedUpdateAll().execute(),
    (e: unknown) => e instanceof WeirError && e.code === "WEIR_UNKNOWN_COLUMN" && /source has no column "qty"/.test(e.message));
});
