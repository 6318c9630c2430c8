import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DeltaTable, Session, WeirError, readCommittedState } from "../../src/index.js";

describe("state committed with the data", () => {
  let spark: Session;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "weir-committed-state-"));
    spark = await Session.create({ threads: 1 });
  });
  after(async () => {
    await spark.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a MERGE with txnAppId/txnVersion commits the txn and userMetadata once; the same version again is skipped", async () => {
    const root = path.join(dir, "t");
    await spark.createDataFrame([{ id: 1, v: "a" }]).write.format("delta").save(root);
    const merge = async (v: string, version: number): Promise<number | undefined> => (await (await DeltaTable.forPath(spark, root)).alias("t")
      .merge(spark.createDataFrame([{ id: 1, v }]).alias("s"), "t.id = s.id").whenMatchedUpdateAll()
      .option("txnAppId", "job").option("txnVersion", version).option("userMetadata", JSON.stringify({ weir: { app: "job", seq: version, state: { v } } })).execute()).version;
    assert.equal(await merge("b", 1), 1);
    assert.equal(await merge("c", 1), undefined, "an applied txn version is skipped");
    assert.deepEqual(await spark.read.format("delta").load(root).collect(), [{ id: 1, v: "b" }]);
    assert.deepEqual(await readCommittedState(root, "job"), { seq: 1, version: 1, state: { v: "b" } });
    assert.equal(await readCommittedState(root, "other"), undefined);
  });

  it("a MERGE option other than txnAppId, txnVersion and userMetadata is rejected", async () => {
    const root = path.join(dir, "t");
    const builder = (await DeltaTable.forPath(spark, root)).alias("t").merge(spark.createDataFrame([{ id: 1, v: "x" }]).alias("s"), "t.id = s.id");
    assert.throws(() => builder.option("mergeSchema" as never, "true"), (e: unknown) => e instanceof WeirError && e.code === "WEIR_UNSUPPORTED_OPTION");
  });
});
