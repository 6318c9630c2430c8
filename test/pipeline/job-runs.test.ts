import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, expectColumnValuesToNotBeNull, listJobRuns, runJob, t, validateExpectations } from "../../src/index.js";

describe("job run log", () => {
  let spark: Session;
  let warehouse: string;
  before(async () => {
    warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-jobs-"));
    spark = await Session.create({ warehouse, threads: 1, memoryLimit: "1GB" });
  });
  after(async () => {
    await spark.close();
    rmSync(warehouse, { recursive: true, force: true });
  });

  it("lists nothing before any run", async () => {
    assert.deepEqual(await listJobRuns(spark), []);
  });

  it("a successful run is recorded with masked parameters, rows and table versions", async () => {
    const out = path.join(warehouse, "silver", "daily");
    const result = await runJob(spark, { name: "daily", params: { day: "2024-01-01", url: "postgres://etl:hunter2@db/shop", apiToken: "abc" } }, async (ctx) => {
      const df = spark.range(5);
      ctx.addRowsRead(await df.count());
      await df.write.format("delta").save(out);
      ctx.addRowsWritten(5);
      ctx.addTableVersion(out, 0);
      return "done";
    });
    assert.equal(result, "done");
    const [run] = await listJobRuns(spark, { job: "daily" });
    assert.ok(run);
    assert.equal(run.status, "success");
    assert.deepEqual(run.params, { day: "2024-01-01", url: "postgres://etl:***@db/shop", apiToken: "***" });
    assert.deepEqual([run.rowsRead, run.rowsWritten], [5, 5]);
    assert.deepEqual(run.tableVersions, { [out]: 0 });
    assert.ok(run.endedAt && run.endedAt >= run.startedAt);
    assert.equal(run.error, null);
  });

  it("a failed run is recorded with its error (secrets masked) and the error is rethrown", async () => {
    const bad = spark.createDataFrame([{ id: null as number | null }, { id: 1 }], t.struct({ id: t.int32() }));
    await assert.rejects(runJob(spark, { name: "gated", params: { password: "pw-123" } }, async () => {
      await validateExpectations(spark, bad, [expectColumnValuesToNotBeNull("id", { policy: "fail" })], { suite: "gated" });
    }), /Quality suite gated failed/);
    await assert.rejects(runJob(spark, { name: "gated", params: { password: "pw-123" } }, async () => {
      throw new Error("connection refused for pw-123");
    }));
    const runs = await listJobRuns(spark, { job: "gated" });
    assert.equal(runs.length, 2);
    assert.ok(runs.every((r) => r.status === "failed" && r.params.password === "***"));
    assert.ok(runs.some((r) => /Quality suite gated failed: expectColumnValuesToNotBeNull\(id\): 1 of 2 rows unexpected/.test(r.error ?? "")));
    assert.ok(runs.some((r) => r.error === "connection refused for ***"));
    assert.equal((await listJobRuns(spark)).length, 3, "listing without a job shows every job's latest state");
    assert.equal((await listJobRuns(spark, { limit: 1 })).length, 1);
  });
});
