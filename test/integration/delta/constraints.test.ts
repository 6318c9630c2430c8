/**
 * Table constraints and properties on every write path: NOT NULL columns, column invariants (`delta.invariants`),
 * CHECK constraints (ALTER TABLE … ADD/DROP CONSTRAINT, protocol upgrade), `delta.appendOnly`, and the writer
 * protocol check. A violation names the constraint and a sample row and commits nothing.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { DeltaTable, Session, t, WeirError } from "../../../src/index.js";

type R = Record<string, unknown>;
const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-constraints-"));
let spark: Session;
let counter = 0;
before(async () => { spark = await Session.create({ warehouse: path.join(tmp, "wh"), threads: 2 }); });
after(async () => { await spark.close(); rmSync(tmp, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int64(), qty: t.int32(), day: t.string() });
const code = (c: string, also?: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof WeirError, String(e));
  assert.equal(e.code, c, e.message);
  if (also) assert.match(e.message, also);
  return true;
};
const df = (rows: R[]) => spark.createDataFrame(rows as never[], schema);
const logVersions = (root: string): number[] => readdirSync(path.join(root, "_delta_log")).filter((f) => /^\d{20}\.json$/.test(f)).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
const dataFiles = (root: string): string[] => (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".parquet") && !f.includes("_delta_log")).sort();
const lastVersion = (root: string): number => Math.max(...logVersions(root));
const commit = (root: string, v: number): R[] =>
  readFileSync(path.join(root, "_delta_log", `${String(v).padStart(20, "0")}.json`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as R);
const protocolOf = (root: string): R => {
  for (let v = lastVersion(root); v >= 0; v--) {
    const p = commit(root, v).find((a) => a.protocol);
    if (p) return p.protocol as R;
  }
  throw new Error("no protocol");
};
const count = async (root: string): Promise<number> => spark.read.format("delta").load(root).count();

/** Assert `work` fails with `c` and leaves the table's log and data files as they were. */
async function rejectsUnchanged(root: string, work: () => Promise<unknown>, c: string, also?: RegExp): Promise<void> {
  const versions = logVersions(root);
  const files = dataFiles(root);
  await assert.rejects(work, code(c, also));
  assert.deepEqual(logVersions(root), versions, "nothing committed");
  assert.deepEqual(dataFiles(root), files, "no data file left behind");
}

async function notNullTable(): Promise<string> {
  const name = `nn${++counter}`;
  await spark.sql(`CREATE TABLE ${name} (id BIGINT NOT NULL, qty INT, day STRING) USING DELTA PARTITIONED BY (day)`);
  await spark.sql(`INSERT INTO ${name} VALUES (1, 10, 'a'), (2, 20, 'b')`);
  return path.join(tmp, "wh", `${name}`);
}

test("NOT NULL: append, overwrite, INSERT, UPDATE and MERGE of a null fail naming the column and a sample row; nothing is committed", async () => {
  const name = `nn${counter + 1}`;
  await notNullTable();
  const root = (await DeltaTable.forName(spark, name)).path;
  const bad = [{ id: 5, qty: 1, day: "a" }, { id: null, qty: 7, day: "b" }];
  const violation = /NOT NULL column "id".*Sample row: \{"id":null,"qty":7,"day":"b"\}/;
  await rejectsUnchanged(root, () => df(bad).write.format("delta").mode("append").save(root), "WEIR_DELTA_CONSTRAINT_VIOLATION", violation);
  await rejectsUnchanged(root, () => df(bad).write.format("delta").mode("overwrite").save(root), "WEIR_DELTA_CONSTRAINT_VIOLATION", violation);
  await rejectsUnchanged(root, async () => { await spark.sql(`INSERT INTO ${name} VALUES (NULL, 3, 'c')`); }, "WEIR_DELTA_CONSTRAINT_VIOLATION", /"id"/);
  const table = await DeltaTable.forName(spark, name);
  await rejectsUnchanged(root, () => table.update("id = 2", { id: "NULL" }), "WEIR_DELTA_CONSTRAINT_VIOLATION", /NOT NULL column "id"/);
  await rejectsUnchanged(root, () => table.alias("t").merge(df([{ id: null, qty: 1, day: "a" }]).alias("s"), "t.id = s.id").whenNotMatchedInsertAll().execute(),
    "WEIR_DELTA_CONSTRAINT_VIOLATION", /NOT NULL column "id"/);
  await rejectsUnchanged(root, () => table.alias("t").merge(df([{ id: 1, qty: 1, day: "a" }]).alias("s"), "t.id = s.id").whenMatchedUpdate({ set: { id: "NULL" } }).execute(),
    "WEIR_DELTA_CONSTRAINT_VIOLATION", /NOT NULL column "id"/);
  // Valid writes still go through.
  await df([{ id: 3, qty: null, day: "c" }]).write.format("delta").mode("append").save(root);
  assert.equal(await count(root), 3);
});

test("CHECK constraints: ADD CONSTRAINT stores delta.constraints.<name>, upgrades the protocol to writer 3, and every write path enforces it (false or NULL violates)", async () => {
  const root = path.join(tmp, `chk${++counter}`);
  await df([{ id: 1, qty: 10, day: "a" }, { id: 2, qty: 20, day: "b" }]).write.format("delta").partitionBy("day").save(root);
  assert.equal(protocolOf(root).minWriterVersion, 2);
  await spark.sql(`ALTER TABLE delta.\`${root}\` ADD CONSTRAINT Positive_Qty CHECK (qty > 0)`);
  const v = lastVersion(root);
  const actions = commit(root, v);
  const meta = actions.find((a) => a.metaData)!.metaData as { configuration: Record<string, string> };
  assert.equal(meta.configuration["delta.constraints.positive_qty"], "qty > 0");
  assert.deepEqual(actions.find((a) => a.protocol)!.protocol, { minReaderVersion: 1, minWriterVersion: 3 });
  assert.equal((actions.find((a) => a.commitInfo)!.commitInfo as R).operation, "ADD CONSTRAINT");
  const [detail] = await (await (await DeltaTable.forPath(spark, root)).detail()).collect();
  assert.equal(detail!.minWriterVersion, 3);

  const violation = /CHECK constraint positive_qty \(qty > 0\).*Sample row: \{"id":3,"qty":-1,"day":"a"\}/;
  await rejectsUnchanged(root, () => df([{ id: 3, qty: -1, day: "a" }]).write.format("delta").mode("append").save(root), "WEIR_DELTA_CONSTRAINT_VIOLATION", violation);
  await rejectsUnchanged(root, () => df([{ id: 4, qty: null, day: "a" }]).write.format("delta").mode("append").save(root), "WEIR_DELTA_CONSTRAINT_VIOLATION", /positive_qty/);
  const table = await DeltaTable.forPath(spark, root);
  await rejectsUnchanged(root, () => table.update("id = 1", { qty: "qty - 100" }), "WEIR_DELTA_CONSTRAINT_VIOLATION", /positive_qty/);
  await rejectsUnchanged(root, () => table.alias("t").merge(df([{ id: 2, qty: -5, day: "b" }]).alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(),
    "WEIR_DELTA_CONSTRAINT_VIOLATION", /positive_qty/);
  await df([{ id: 5, qty: 5, day: "c" }]).write.format("delta").mode("append").save(root);
  assert.equal(await count(root), 3);

  // A second constraint with the same name is refused; one that existing rows violate is refused with their count.
  await assert.rejects(() => table.addConstraint("positive_qty", "qty > 1"), code("WEIR_INVALID_ARGUMENT", /already exists/));
  await rejectsUnchanged(root, () => table.addConstraint("big", "qty > 7"), "WEIR_DELTA_CONSTRAINT_VIOLATION", /1 existing row\(s\) violate it/);
  await assert.rejects(() => table.addConstraint("not_bool", "qty + 1"), code("WEIR_INVALID_ARGUMENT", /not boolean/));

  // DROP CONSTRAINT lifts it; dropping a missing one fails unless IF EXISTS.
  await spark.sql(`ALTER TABLE delta.\`${root}\` DROP CONSTRAINT positive_qty`);
  assert.equal((commit(root, lastVersion(root)).find((a) => a.commitInfo)!.commitInfo as R).operation, "DROP CONSTRAINT");
  await df([{ id: 6, qty: -6, day: "c" }]).write.format("delta").mode("append").save(root);
  await assert.rejects(() => table.dropConstraint("positive_qty"), code("WEIR_INVALID_ARGUMENT", /nonexistent constraint/));
  const before = lastVersion(root);
  await spark.sql(`ALTER TABLE delta.\`${root}\` DROP CONSTRAINT IF EXISTS positive_qty`);
  assert.equal(lastVersion(root), before);
});

/** A table as another engine writes it: hand-made log with the given protocol and schema field metadata. */
function handMadeTable(protocol: R, fieldMetadata: R = {}, configuration: R = {}): string {
  const root = path.join(tmp, `hand${++counter}`);
  mkdirSync(path.join(root, "_delta_log"), { recursive: true });
  const schemaString = JSON.stringify({ type: "struct", fields: [
    { name: "id", type: "long", nullable: true, metadata: {} }, { name: "qty", type: "integer", nullable: true, metadata: fieldMetadata },
    { name: "day", type: "string", nullable: true, metadata: {} },
  ] });
  const lines = [
    { commitInfo: { timestamp: Date.now(), operation: "CREATE TABLE" } }, { protocol },
    { metaData: { id: "hand", format: { provider: "parquet", options: {} }, schemaString, partitionColumns: [], configuration, createdTime: Date.now() } },
  ];
  writeFileSync(path.join(root, "_delta_log", "00000000000000000000.json"), `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  return root;
}

test("column invariants (delta.invariants in the schema) are enforced on append and UPDATE", async () => {
  const root = handMadeTable({ minReaderVersion: 1, minWriterVersion: 2 }, { "delta.invariants": JSON.stringify({ expression: { expression: "qty < 100" } }) });
  await df([{ id: 1, qty: 5, day: "a" }]).write.format("delta").mode("append").save(root);
  await rejectsUnchanged(root, () => df([{ id: 2, qty: 500, day: "a" }]).write.format("delta").mode("append").save(root),
    "WEIR_DELTA_CONSTRAINT_VIOLATION", /invariant of column "qty" \(qty < 100\).*"qty":500/);
  await rejectsUnchanged(root, async () => (await DeltaTable.forPath(spark, root)).update({ qty: "qty * 1000" }), "WEIR_DELTA_CONSTRAINT_VIOLATION", /invariant/);
  assert.equal(await count(root), 1);
});

test("delta.appendOnly: appends, insert-only MERGE and OPTIMIZE work; DELETE, UPDATE, MERGE updates and overwrite fail and commit nothing", async () => {
  const name = `ao${++counter}`;
  await spark.sql(`CREATE TABLE ${name} (id BIGINT, qty INT, day STRING) USING DELTA TBLPROPERTIES ('delta.appendOnly' = 'true')`);
  const table = await DeltaTable.forName(spark, name);
  const root = table.path;
  await df([{ id: 1, qty: 1, day: "a" }]).write.format("delta").mode("append").save(root);
  await spark.sql(`INSERT INTO ${name} VALUES (2, 2, 'b')`);
  const m = await table.alias("t").merge(df([{ id: 3, qty: 3, day: "c" }]).alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
  assert.equal(m.numTargetRowsInserted, 1);
  const appendOnly = /append-only \(delta.appendOnly = true\)/;
  await rejectsUnchanged(root, () => table.delete("id = 1"), "WEIR_DELTA_APPEND_ONLY", appendOnly);
  await rejectsUnchanged(root, async () => { await spark.sql(`DELETE FROM ${name} WHERE id = 2`); }, "WEIR_DELTA_APPEND_ONLY", /DELETE/);
  await rejectsUnchanged(root, () => table.update("id = 1", { qty: "9" }), "WEIR_DELTA_APPEND_ONLY", /UPDATE/);
  await rejectsUnchanged(root, () => table.alias("t").merge(df([{ id: 1, qty: 9, day: "a" }]).alias("s"), "t.id = s.id").whenMatchedUpdateAll().execute(), "WEIR_DELTA_APPEND_ONLY", /MERGE/);
  await rejectsUnchanged(root, () => table.alias("t").merge(df([{ id: 1, qty: 9, day: "a" }]).alias("s"), "t.id = s.id").whenMatchedDelete().execute(), "WEIR_DELTA_APPEND_ONLY", /MERGE/);
  await rejectsUnchanged(root, () => df([{ id: 9, qty: 9, day: "z" }]).write.format("delta").mode("overwrite").save(root), "WEIR_DELTA_APPEND_ONLY", /WRITE/);
  const o = await table.optimize().executeCompaction();
  assert.equal(o.numFilesRemoved, 3, "OPTIMIZE removes files with dataChange = false");
  assert.equal(await count(root), 3);
  // Turning the property off allows changes again.
  await spark.sql(`ALTER TABLE ${name} SET TBLPROPERTIES ('delta.appendOnly' = 'false')`);
  assert.equal((await table.delete("id = 1")).numDeletedRows, 1);
});

test("table features: ADD CONSTRAINT adds checkConstraints to writerFeatures; unsupported writer features and versions are refused", async () => {
  const featured = handMadeTable({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz", "appendOnly"] });
  await df([{ id: 1, qty: 5, day: "a" }]).write.format("delta").mode("append").save(featured);
  await (await DeltaTable.forPath(spark, featured)).addConstraint("q", "qty >= 0");
  assert.deepEqual(protocolOf(featured), { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz", "appendOnly", "checkConstraints"] });
  await rejectsUnchanged(featured, () => df([{ id: 2, qty: -1, day: "a" }]).write.format("delta").mode("append").save(featured), "WEIR_DELTA_CONSTRAINT_VIOLATION");

  const cdf = handMadeTable({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["changeDataFeed"] });
  await assert.rejects(() => df([{ id: 1, qty: 5, day: "a" }]).write.format("delta").mode("append").save(cdf), (e: unknown) =>
    code("WEIR_DELTA_UNSUPPORTED_FEATURE", /changeDataFeed/)(e) && (e as WeirError).details?.feature === "changeDataFeed");
  const v4 = handMadeTable({ minReaderVersion: 1, minWriterVersion: 4 });
  await assert.rejects(() => df([{ id: 1, qty: 5, day: "a" }]).write.format("delta").mode("append").save(v4), code("WEIR_DELTA_UNSUPPORTED_FEATURE", /writer protocol version 4/));
  assert.deepEqual(logVersions(v4), [0]);
  assert.deepEqual(dataFiles(v4), []);
});
