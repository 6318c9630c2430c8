/**
 * Crash safety of ingestFiles: per trial new JSON files land (some with a field the schema lacks, some with a
 * value that does not fit its column), a child ingesting them in batches of 3 files (one Delta commit each) is
 * SIGKILLed at a random moment, and the ingestion is rerun. After every trial the target holds every record of
 * every landed file exactly once — as a from-scratch ingestion would — and the ledger lists each file once.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { Session, ingestFiles } from "../../../src/index.js";
import { runAndKill } from "../run-and-kill.js";

const CHILD = path.join(import.meta.dirname, "fixtures", "pipeline-child.ts");
const TRIALS = 10;
const dir = mkdtempSync(path.join(os.tmpdir(), "weir-ingest-crash-"));
const warehouse = path.join(dir, "wh");
const landing = path.join(dir, "landing");
const target = path.join(dir, "bronze_events");
let spark: Session;
before(async () => { mkdirSync(landing); spark = await Session.create({ warehouse, threads: 1 }); });
after(async () => { await spark.close(); rmSync(dir, { recursive: true, force: true }); });

let seed = 11;
const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };

/** Run the child; kill it `delayMs` after it began loading. Resolves with whether it finished, and how long it ran. */
async function runChildAndKill(delayMs: number): Promise<{ done: boolean; ms: number }> {
  const { out, ms } = await runAndKill(CHILD, ["ingest", warehouse, landing, target, "3"], delayMs, "inherit");
  return { done: out.includes("done"), ms };
}

test(`ingestFiles killed at random points (${TRIALS} trials) then rerun ingests every file exactly once`, { timeout: 240_000 }, async (ctx) => {
  let id = 0;
  let files = 0;
  const expected: string[] = [];
  let loadMs = 1500;
  // The first files fix the schema (id, kind, qty).
  writeFileSync(path.join(landing, "f-0000.json"), `${JSON.stringify({ id: id, kind: "a", qty: 1 })}\n`);
  expected.push(`${id++}|a|1|null`);
  files++;
  await ingestFiles(spark, { source: landing, format: "json", target, schemaEvolution: "rescue", name: "crash_ingest" });
  for (let trial = 1; trial <= TRIALS; trial++) {
    const n = 4 + Math.floor(rand() * 5);
    for (let f = 0; f < n; f++) {
      const lines: string[] = [];
      for (let r = 0; r < 5; r++) {
        const odd = rand();
        if (odd < 0.1) { lines.push(JSON.stringify({ id, kind: "b", qty: "many" })); expected.push(`${id}|b|null|{"qty":"many"}`); }
        else if (odd < 0.2) { lines.push(JSON.stringify({ id, kind: "c", qty: 2, extra: "x" })); expected.push(`${id}|c|2|{"extra":"x"}`); }
        else { lines.push(JSON.stringify({ id, kind: "a", qty: 3 })); expected.push(`${id}|a|3|null`); }
        id++;
      }
      writeFileSync(path.join(landing, `f-${String(files++).padStart(4, "0")}.json`), `${lines.join("\n")}\n`);
    }
    const child = await runChildAndKill(Math.floor(rand() * loadMs));
    if (child.done) loadMs = child.ms;
    const rerun = await ingestFiles(spark, { source: landing, format: "json", target, schemaEvolution: "rescue", maxFilesPerBatch: 3, name: "crash_ingest" });
    ctx.diagnostic(`trial ${trial}: child ${child.done ? "finished" : "killed"}; rerun ingested ${rerun.files.length} files${rerun.recovered ? " after repairing the ledger" : ""}`);

    const rows = await spark.read.format("delta").load(target).orderBy("id").collect();
    const actual = rows.map((r) => `${r.id}|${r.kind}|${r.qty}|${r._rescued_data}`);
    assert.deepEqual(actual, expected, `trial ${trial}: every record once, as a from-scratch ingestion`);
    const [ledger] = await spark.sql("SELECT count(*) AS n, count(DISTINCT path) AS d FROM delta.`" + path.join(warehouse, "_weir.db", "ingested_files") + "` WHERE app = 'crash_ingest'").collect();
    assert.deepEqual([Number(ledger!.n), Number(ledger!.d)], [files, files], `trial ${trial}: the ledger lists each file once`);
  }
});
