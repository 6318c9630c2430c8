/**
 * Crash safety of incrementalLoad: per trial the source grows (new keys, updates of old keys, rows tied with the
 * current watermark), a child process running the load (bronze → transform → MERGE) is SIGKILLed at a random
 * moment, and the load is rerun. After every trial the target equals a from-scratch load of the source (the
 * latest row per key), no key is duplicated, bronze holds every (key, watermark) once, and _weir.watermarks
 * agrees with the target's commits.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { Session, col, getWatermark, incrementalLoad, readCommittedState, t } from "../../../src/index.js";
import { runAndKill } from "../run-and-kill.js";

type R = Record<string, unknown>;
const CHILD = path.join(import.meta.dirname, "fixtures", "pipeline-child.ts");
const TRIALS = 10;
const dir = mkdtempSync(path.join(os.tmpdir(), "weir-il-crash-"));
const warehouse = path.join(dir, "wh");
const source = path.join(dir, "source");
const target = path.join(dir, "silver");
const bronze = path.join(dir, "bronze");
let spark: Session;
before(async () => { spark = await Session.create({ warehouse, threads: 1 }); });
after(async () => { await spark.close(); rmSync(dir, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int32(), amount: t.int32(), updated_at: t.timestamp() });
let seed = 7;
const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };

/** Run the child; kill it `delayMs` after it began loading. Resolves with whether it finished, and how long it ran. */
async function runChildAndKill(delayMs: number): Promise<{ done: boolean; ms: number }> {
  const { out, ms } = await runAndKill(CHILD, ["incremental", warehouse, source, target, bronze], delayMs, "inherit");
  return { done: out.includes("done"), ms };
}

const load = (): ReturnType<typeof incrementalLoad> => incrementalLoad(spark, {
  name: "crash_orders", source: spark.read.format("delta").load(source), target, bronze, watermarkColumn: "updated_at", keys: ["id"],
  transform: (b) => b.withColumn("amount_x2", col("amount").multiply(2)),
});

test(`incrementalLoad killed at random points (${TRIALS} trials) then rerun equals a from-scratch load`, { timeout: 240_000 }, async (ctx) => {
  let clock = Date.UTC(2024, 0, 1);
  let nextId = 0;
  let completedByChild = 0;
  // Kill points are drawn over the duration of a whole load, learned from the children that finished.
  let loadMs = 800;
  for (let trial = 1; trial <= TRIALS; trial++) {
    const rows: R[] = [];
    const last = new Date(clock);
    for (let i = 0; i < 40; i++) rows.push({ id: nextId++, amount: trial, updated_at: new Date(clock += 1000 * (1 + Math.floor(rand() * 3))) });
    for (let i = 0; i < 15 && nextId > 0; i++) rows.push({ id: Math.floor(rand() * nextId), amount: 100 * trial + i, updated_at: new Date(clock += 1000) });
    // Late rows tied with the previous batch's highest watermark (they reach the source after it was loaded).
    if (trial > 1) rows.push({ id: nextId++, amount: -trial, updated_at: last });
    await spark.createDataFrame(rows, schema).write.format("delta").mode("append").save(source);

    const child = await runChildAndKill(Math.floor(rand() * loadMs));
    if (child.done) { completedByChild++; loadMs = child.ms; }
    const rerun = await load();
    ctx.diagnostic(`trial ${trial}: child ${child.done ? "finished" : "killed"}; rerun ${rerun.recovered ? "recovered a committed batch" : rerun.rowsExtracted ? `loaded ${rerun.rowsExtracted} rows` : "found nothing new"}`);

    const expected = await spark.sql("SELECT id, amount, updated_at, amount * 2 AS amount_x2 FROM {s} QUALIFY row_number() OVER (PARTITION BY id ORDER BY updated_at DESC) = 1", {
      s: spark.read.format("delta").load(source),
    }).orderBy("id").collect();
    const actual = await spark.read.format("delta").load(target).orderBy("id").collect();
    assert.deepEqual(actual, expected, `trial ${trial}: target equals a from-scratch load`);
    const [b] = await spark.sql("SELECT count(*) AS n, count(DISTINCT (id, updated_at)) AS d FROM {b}", { b: spark.read.format("delta").load(bronze) }).collect();
    assert.equal(b!.n, b!.d, `trial ${trial}: bronze holds every (key, watermark) once`);
    const state = await readCommittedState<unknown>(target, "crash_orders");
    assert.equal((await getWatermark(spark, "crash_orders"))?.seq, state?.seq, `trial ${trial}: _weir.watermarks agrees with the target log`);
  }
  // Most kills should land mid-load; a child that finished is fine too (the rerun is then an empty increment).
  assert.ok(completedByChild < TRIALS, "at least one kill interrupted a load");
});
