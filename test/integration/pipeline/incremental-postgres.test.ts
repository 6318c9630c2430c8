/**
 * incrementalLoad from a real Postgres: timestamptz watermarks keep their microseconds, and a connection dropped
 * in the middle of the extract fails the run without committing anything; the rerun loads everything once.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, WeirError, col, getWatermark, incrementalLoad } from "../../../src/index.js";
import { PG_URL, postgresAvailable, sql, tableName } from "../postgres/helpers.js";

const available = await postgresAvailable();
const skip = available === true ? false : available;

describe("incrementalLoad from Postgres", { skip }, () => {
  let spark: Session;
  let dir: string;
  const src = tableName("il_src");
  const big = tableName("il_big");
  const gate = tableName("il_gate");
  const gated = tableName("il_gated");
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "weir-il-pg-"));
    spark = await Session.create({ warehouse: path.join(dir, "wh"), threads: 1, memoryLimit: "1GB" });
    await sql(`DROP VIEW IF EXISTS ${gated}`);
    await sql(`DROP TABLE IF EXISTS ${src}, ${big}, ${gate}`);
    await sql(`CREATE TABLE ${src} (id int8 PRIMARY KEY, v text, updated_at timestamptz NOT NULL)`);
  });
  after(async () => {
    await spark.close();
    await sql(`DROP VIEW IF EXISTS ${gated}`);
    await sql(`DROP TABLE IF EXISTS ${src}, ${big}, ${gate}`);
    rmSync(dir, { recursive: true, force: true });
  });
  const load = (name: string, table: string): ReturnType<typeof incrementalLoad> => incrementalLoad(spark, {
    name, source: spark.read.postgres({ url: PG_URL, table }), target: path.join(dir, name), watermarkColumn: "updated_at", keys: ["id"],
  });

  it("a row one microsecond after the watermark is loaded, a tie inserted later is loaded, nothing twice", async () => {
    await sql(`INSERT INTO ${src} VALUES (1, 'a', '2025-01-01 00:00:00.000001+00'), (2, 'b', '2025-01-01 00:00:00.000005+00')`);
    const first = await load("pg_micro", src);
    assert.equal(first.watermark?.text, "2025-01-01 00:00:00.000005+00");
    await sql(`INSERT INTO ${src} VALUES (3, 'tie', '2025-01-01 00:00:00.000005+00'), (4, 'next', '2025-01-01 00:00:00.000006+00')`);
    await sql(`UPDATE ${src} SET v = 'a2', updated_at = '2025-01-01 00:00:00.000007+00' WHERE id = 1`);
    const second = await load("pg_micro", src);
    assert.deepEqual([second.rowsExtracted, second.rowsInserted, second.rowsUpdated], [3, 2, 1]);
    const rows = await spark.read.format("delta").load(path.join(dir, "pg_micro")).orderBy("id").collect();
    assert.deepEqual(rows.map((r) => `${r.id}:${r.v}`), ["1:a2", "2:b", "3:tie", "4:next"]);
    assert.equal((await load("pg_micro", src)).rowsExtracted, 0);
  });

  it("a filtered Postgres DataFrame used inside session.sql (as incrementalLoad's anti-join does) pushes its filter into the COPY", async () => {
    const filtered = spark.read.postgres({ url: PG_URL, table: src }).filter(col("updated_at").geq(new Date("2025-01-01T00:00:00Z")));
    const text = await spark.sql("SELECT s.* FROM {s} AS s", { s: filtered }).explain({ print: false });
    assert.match(text, /== Scans ==[\s\S]*WHERE "updated_at" >= \$1/, "the watermark predicate reaches Postgres instead of reading the whole table");
  });

  it("a Postgres connection dropped mid-read fails the run, commits nothing, and the rerun loads every row once", async () => {
    const rows = 50_000;
    await sql(`CREATE TABLE ${big} AS SELECT g::int8 AS id, repeat('x', 200) AS v, timestamptz '2025-01-01' + g * interval '1 second' AS updated_at FROM generate_series(1, ${rows}) g`);
    await sql(`ALTER TABLE ${big} SET (parallel_workers = 0)`); // the sleep below runs in the COPY's own backend
    // While the gate holds a row, a COPY of the view streams every row of the table and then sleeps inside the
    // same statement (pg_sleep(...) IS NULL is false, so the gate adds no row): the read is certainly under way,
    // rows already sent, when the killer finds it. Without the gate the view is just the table.
    await sql(`CREATE TABLE ${gate} (closed boolean); INSERT INTO ${gate} VALUES (true)`);
    await sql(`CREATE VIEW ${gated} AS SELECT id, v, updated_at FROM ${big}
      UNION ALL SELECT NULL::int8, NULL::text, NULL::timestamptz FROM ${gate} WHERE pg_sleep(600) IS NULL`);
    const copyOfView = `backend_type = 'client backend' AND pid <> pg_backend_pid() AND query ILIKE 'COPY%${gated}%'`;
    const killer = (async () => {
      for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
        const killed = await sql<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE ${copyOfView} AND wait_event = 'PgSleep'`);
        if (killed.some((k) => k.ok)) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${copyOfView}`); // never leave the run sleeping
      return false;
    })();
    const run = load("pg_drop", gated).then(() => "ok" as const, (e: unknown) => e);
    const [terminated, outcome] = await Promise.all([killer, run]);
    await sql(`DELETE FROM ${gate}`);
    assert.equal(terminated, true, "the COPY was found sleeping in the gate and its backend terminated");
    assert.ok(outcome instanceof WeirError, `the run fails when its connection is terminated, got ${String(outcome)}`);
    assert.equal(outcome.code, "WEIR_POSTGRES_CONNECTION");
    assert.match(outcome.message, /Reading from Postgres .* failed; no rows were returned: .*terminat/i);
    assert.match(outcome.hint ?? "", /connection lost mid-operation can be retried/);
    assert.equal(await getWatermark(spark, "pg_drop"), undefined, "no watermark was recorded");
    const log = path.join(dir, "pg_drop", "_delta_log");
    assert.deepEqual(existsSync(log) ? readdirSync(log).filter((f) => f.endsWith(".json")) : [], [], "no table version was committed");

    const rerun = await load("pg_drop", gated);
    assert.equal(rerun.seq, 1, "the rerun is the first committed batch");
    assert.equal(rerun.rowsExtracted, rows);
    const [c] = await spark.sql("SELECT count(*) AS n, count(DISTINCT id) AS d FROM {t}", { t: spark.read.format("delta").load(path.join(dir, "pg_drop")) }).collect();
    assert.deepEqual([Number(c!.n), Number(c!.d)], [rows, rows]);
  });
});
