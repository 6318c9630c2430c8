/**
 * Every action runs as a job of the session: timed, kept in spark.jobs.recent() (newest first, failures too),
 * and announced to onJob listeners when it starts and ends.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Session, WeirError, type JobRecord } from "../../src/index.js";

let spark: Session;
before(async () => { spark = await Session.create({ threads: 1 }); });
after(async () => { await spark.close(); });

test("collect and count are recorded as succeeded jobs with durations, newest first", async () => {
  const df = spark.range(10);
  await df.collect();
  await df.count();
  const [last, previous] = spark.jobs.recent();
  assert.equal(last?.description, "count");
  assert.equal(previous?.description, "collect");
  assert.equal(last?.status, "succeeded");
  assert.ok(typeof last?.durationMs === "number" && last.durationMs >= 0);
  assert.ok(last!.id > previous!.id);
});

test("a failing action is recorded as failed with its error, and listeners see start and end", async () => {
  const events: JobRecord[] = [];
  const stop = spark.jobs.onJob((j) => events.push(j));
  // Fails while running (row id = 2), not while compiling: analysis errors are raised before any job starts.
  const bad = spark.range(3).selectExpr("CAST(CASE WHEN id = 2 THEN 'not a number' ELSE '1' END AS INTEGER) AS v");
  await assert.rejects(bad.collect(), (e: unknown) => e instanceof WeirError);
  stop();
  await spark.range(1).collect();
  assert.deepEqual(events.map((e) => e.status), ["running", "failed"]);
  assert.equal(events[1]?.id, events[0]?.id);
  assert.match(events[1]?.error ?? "", /not a number/);
  assert.equal(spark.jobs.recent()[1]?.status, "failed");
});
