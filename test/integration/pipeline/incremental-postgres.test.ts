/**
 * incrementalLoad from a real Postgres: timestamptz watermarks keep their microseconds, and a connection dropped
 * in the middle of the extract fails the run without committing anything; the rerun loads everything once.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, col, getWatermark, incrementalLoad } from "../../../src/index.js";
import { PG_URL, postgresAvailable, sql, tableName } from "../postgres/helpers.js";

const available = await postgresAvailable();
const skip = available === true ? false : available;

describe("incrementalLoad from Postgres", { skip }, () => {
  let spark: Session;
  let dir: string;
  const src = tableName("il_src");
  const big = tableName("il_big");
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "weir-il-pg-"));
    spark = await Session.create({ warehouse: path.join(dir, "wh"), threads: 1, memoryLimit: "1GB" });
    await sql(`DROP TABLE IF EXISTS ${src}, ${big}`);
    await sql(`CREATE TABLE ${src} (id int8 PRIMARY KEY, v text, updated_at timestamptz NOT NULL)`);
  });
  after(async () => {
    await spark.close();
    await sql(`DROP TABLE IF EXISTS ${src}, ${big}`);
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

  it("a Postgres connection dropped mid-read fails the run, commits nothing, and the rerun loads every row once", async (t) => {
    await sql(`CREATE TABLE ${big} AS SELECT g::int8 AS id, repeat('x', 200) AS v, timestamptz '2025-01-01' + g * interval '1 second' AS updated_at FROM generate_series(1, 300000) g`);
    const killer = (async () => {
      for (let i = 0; i < 400; i++) {
        const killed = await sql<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query ILIKE 'COPY%${big}%'`);
        if (killed.length) return true;
        await new Promise((r) => setTimeout(r, 5));
      }
      return false;
    })();
    const run = load("pg_drop", big).then(() => "ok" as const, (e: unknown) => e);
    const [terminated, outcome] = await Promise.all([killer, run]);
    t.diagnostic(`connection terminated mid-read: ${terminated}; first run: ${outcome instanceof Error ? outcome.message.slice(0, 120) : outcome}`);
    if (terminated) {
      assert.ok(outcome instanceof Error, "the run fails when its connection is terminated");
      assert.match(String((outcome as Error).message), /terminat|connection|Postgres/i);
      assert.equal(await getWatermark(spark, "pg_drop"), undefined, "no watermark was recorded");
    }
    const rerun = await load("pg_drop", big);
    const [c] = await spark.sql("SELECT count(*) AS n, count(DISTINCT id) AS d FROM {t}", { t: spark.read.format("delta").load(path.join(dir, "pg_drop")) }).collect();
    assert.deepEqual([Number(c!.n), Number(c!.d)], [300000, 300000]);
    assert.ok(rerun.seq === 1 || !terminated);
  });
});
