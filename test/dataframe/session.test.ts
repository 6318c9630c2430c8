import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, WeirError } from "../../src/index.js";

test("Session.create applies threads, memoryLimit and tempDir to DuckDB", async () => {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-session-"));
  const spark = await Session.create({ threads: 1, memoryLimit: "512MB", tempDir });
  try {
    const [s] = await spark.sql("SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS mem, current_setting('temp_directory') AS tmp").collect();
    assert.equal(s!.threads, 1n);
    assert.match(String(s!.mem), /^48\d(\.\d+)? MiB$/); // DuckDB reports 512 MB as 488.2 MiB
    assert.ok(String(s!.tmp).startsWith(tempDir), `spill directory ${String(s!.tmp)} is under ${tempDir}`);
  } finally {
    await spark.close();
  }
  assert.ok(fs.existsSync(tempDir), "a caller-provided tempDir is kept after close");
});

test("a sort larger than the memory limit spills to tempDir and completes", async () => {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-spill-"));
  await using spark = await Session.create({ threads: 1, memoryLimit: "64MB", tempDir });
  const rows = await spark.sql("SELECT i, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS s FROM range(1500000) t(i) ORDER BY s LIMIT 1").collect();
  assert.equal(rows.length, 1);
});

test("invalid threads is rejected with WEIR_INVALID_ARGUMENT", async () => {
  await assert.rejects(Session.create({ threads: 0 }), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT" && /threads/.test(e.message));
});

test("close() is idempotent and later work fails with WEIR_SESSION_CLOSED", async () => {
  const spark = await Session.create({ threads: 1 });
  const df = spark.range(3);
  await spark.close();
  await spark.close();
  assert.throws(() => spark.range(1), (e: WeirError) => e.code === "WEIR_SESSION_CLOSED");
  await assert.rejects(df.collect(), (e: WeirError) => e.code === "WEIR_SESSION_CLOSED");
});

test("await using closes the session and removes its own temp directory", async () => {
  let dir = "";
  {
    await using spark = await Session.create({ threads: 1 });
    dir = spark.tempDir;
    assert.equal(await spark.range(5).count(), 5);
    assert.ok(fs.existsSync(dir));
  }
  assert.ok(!fs.existsSync(dir), "the session's temp directory is deleted on dispose");
});

test("conf get/set/unset with defaults and initial values", async () => {
  await using spark = await Session.create({ threads: 1, conf: { "my.flag": true } });
  assert.equal(spark.conf.get("my.flag"), "true");
  spark.conf.set("weir.sql.shuffle.partitions", 8);
  assert.equal(spark.conf.get("weir.sql.shuffle.partitions"), "8");
  assert.equal(spark.conf.get("missing.key", "fallback"), "fallback");
  assert.throws(() => spark.conf.get("missing.key"), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT" && /missing\.key/.test(e.message));
  spark.conf.unset("my.flag");
  assert.equal(spark.conf.isSet("my.flag"), false);
  assert.equal(spark.conf.getAll()["weir.sql.shuffle.partitions"], "8");
});
