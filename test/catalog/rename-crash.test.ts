import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Session } from "../../src/index.js";

const LOOP = path.join(import.meta.dirname, "fixtures", "rename-loop.ts");
const TRIALS = 10;

/** Start the rename loop, wait until it runs, let it rename for a random while, then SIGKILL it. */
async function killDuringRenames(warehouse: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", LOOP, warehouse], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => { if (d.toString().includes("ready")) resolve(); });
    child.on("exit", (code) => reject(new Error(`rename loop exited early (${code}): ${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGKILL");
  await exited;
}

test(`SIGKILL during ALTER TABLE RENAME (${TRIALS} trials): the table is always resolvable under exactly one name with all its rows`, async () => {
  const warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-rename-crash-"));
  {
    await using spark = await Session.create({ warehouse, threads: 1 });
    await spark.createDataFrame([{ id: 1, v: "a" }, { id: 2, v: "b" }, { id: 3, v: "c" }]).write.saveAsTable("t1");
  }
  for (let trial = 0; trial < TRIALS; trial++) {
    await killDuringRenames(warehouse, Math.floor(Math.random() * 400));
    await using spark = await Session.create({ warehouse, threads: 1 });
    const t1 = await spark.catalog.tableExists("t1");
    const t2 = await spark.catalog.tableExists("t2");
    assert.notEqual(t1, t2, `trial ${trial}: t1 exists ${t1}, t2 exists ${t2}`);
    const name = t1 ? "t1" : "t2";
    // Readers see the table before any recovery ran.
    assert.equal(await spark.read.table(name).count(), 3, `trial ${trial}: rows of ${name}`);
    // The next catalog change finishes an interrupted rename; the table stays readable and in its own directory.
    const other = name === "t1" ? "t2" : "t1";
    await spark.sql(`ALTER TABLE ${name} RENAME TO ${other}`);
    assert.equal(await spark.read.table(other).count(), 3);
    assert.ok(existsSync(path.join(warehouse, other, "_delta_log")), `trial ${trial}: directory of ${other}`);
    assert.ok(!existsSync(path.join(warehouse, name)), `trial ${trial}: stale directory ${name}`);
  }
});
