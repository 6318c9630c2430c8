import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Session, runJob } from "../../src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "bin", "weir.js");
let dir = "";

function weir(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, "--warehouse", path.join(dir, "wh"), ...args], { cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "weir-cli-runs-"));
  await using spark = await Session.create({ warehouse: path.join(dir, "wh"), threads: 1 });
  await runJob(spark, { name: "load_orders", params: { day: "2024-01-01" } }, async (ctx) => { ctx.addRowsWritten(7); });
  await runJob(spark, { name: "load_orders", params: { day: "2024-01-02" } }, async () => { throw new Error("source table orders is missing"); }).catch(() => undefined);
  await runJob(spark, { name: "other", params: {} }, async () => undefined);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("weir runs --job lists that job's runs newest first, a failed run with its error", async () => {
  const r = await weir(["runs", "--job", "load_orders", "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(rows.map((x) => [x.job, x.status, x.error]), [["load_orders", "failed", "source table orders is missing"], ["load_orders", "success", null]]);
  assert.equal(rows[1]!.rows_written, 7);
});

test("weir runs -n 1 shows only the newest run as a table", async () => {
  const r = await weir(["runs", "-n", "1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\| *other *\|/);
  assert.doesNotMatch(r.stdout, /load_orders/);
});

test("weir runs on an empty warehouse says nothing was recorded", async () => {
  const r = await weir(["--warehouse", path.join(dir, "empty"), "runs"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /No runs recorded/);
});
