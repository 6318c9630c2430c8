import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Session, WeirError, col, t } from "../../../src/index.js";
import { PG_URL, postgresAvailable, sql, tableName } from "./helpers.js";

const available = await postgresAvailable();
const skip = available === true ? false : available;

describe("Postgres source and sink", { skip }, () => {
  let spark: Session;
  const types = tableName("types");
  const big = tableName("big");
  const target = tableName("target");
  before(async () => {
    spark = await Session.create({ threads: 1, memoryLimit: "1GB" });
    await sql(`DROP TABLE IF EXISTS ${types}, ${big}, ${target}, ${types}_copy, ${target}_chk`);
    await sql(`CREATE TABLE ${types} (id int8 PRIMARY KEY, amount numeric(12,2), wide numeric, ts timestamptz, lts timestamp, d date, ok bool,
      name text, doc jsonb, tags text[], nums int4[], raw bytea, small int2, f float8, "Mixed Case" text)`);
    await sql(`INSERT INTO ${types} VALUES
      (1, 12.34, 123456789.123456789, '2024-01-02 03:04:05.123456+00', '2024-01-02 03:04:05.654321', '2024-02-29', true,
       E'a,"b"\\nc', '{"k": [1, 2]}', ARRAY['x', 'y,z', NULL, 'q"uote'], ARRAY[1, 2, NULL], '\\x00ff10', 7, 0.1, 'm'),
      (2, -0.01, NULL, NULL, NULL, NULL, false, '', NULL, '{}', NULL, '\\x', NULL, 'NaN', NULL),
      (3, NULL, 0, '1970-01-01 00:00:00.000001+00', '1999-12-31 23:59:59.999999', '0001-01-01', NULL, NULL, 'null', NULL, ARRAY[]::int4[], NULL, -32768, 1e308, NULL)`);
    await sql(`CREATE TABLE ${big} AS SELECT g AS id, (g % 7)::int4 AS k, 'name ' || g AS name, timestamptz '2024-01-01' + g * interval '1 minute' AS ts
      FROM generate_series(1, 2000) g`);
    await sql(`INSERT INTO ${big} VALUES (NULL, 1, 'null id', NULL)`);
  });
  after(async () => {
    await spark?.close();
    if (available === true) await sql(`DROP TABLE IF EXISTS ${types}, ${big}, ${target}, ${types}_copy, ${target}_chk`);
  });

  it("reads Postgres types faithfully (decimal, bigint, timestamptz with microseconds, json, arrays, bytea, null)", async () => {
    const df = spark.read.postgres({ url: PG_URL, table: types });
    const schema = await df.schema();
    const byName = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
    assert.deepEqual(byName.id, t.int64());
    assert.deepEqual(byName.amount, t.decimal(12, 2));
    assert.deepEqual(byName.wide, t.decimal(38, 18));
    assert.deepEqual(byName.ts, t.timestamp());
    assert.deepEqual(byName.lts, t.timestampNTZ());
    assert.deepEqual(byName.d, t.date());
    assert.deepEqual(byName.doc, t.string());
    assert.deepEqual(byName.tags, t.array(t.string()));
    assert.deepEqual(byName.nums, t.array(t.int32()));
    assert.deepEqual(byName.raw, t.binary());
    assert.deepEqual(byName.small, t.int16());
    const rows = await df.withColumn("ts_text", col("ts").cast("string")).withColumn("lts_text", col("lts").cast("string")).orderBy("id").collect();
    const [r1, r2, r3] = rows;
    assert.equal(r1!.id, 1n);
    assert.equal(String(r1!.amount), "12.34");
    assert.equal(r1!.ts_text, "2024-01-02 03:04:05.123456", "Spark renders timestamps in the session zone (UTC) without offset");
    assert.equal(r1!.lts_text, "2024-01-02 03:04:05.654321");
    assert.equal(r1!.name, 'a,"b"\nc');
    assert.deepEqual(JSON.parse(String(r1!.doc)), { k: [1, 2] });
    assert.deepEqual(r1!.tags, ["x", "y,z", null, 'q"uote']);
    assert.deepEqual(r1!.nums, [1, 2, null]);
    assert.deepEqual([...(r1!.raw as Uint8Array)], [0, 255, 16]);
    assert.equal(r1!["Mixed Case"], "m");
    assert.equal(r2!.name, "", "an empty string stays empty, not NULL");
    assert.equal(r2!.amount !== null && String(r2!.amount), "-0.01");
    assert.deepEqual(r2!.tags, []);
    assert.ok(Number.isNaN(r2!.f));
    assert.equal(r3!.name, null);
    assert.equal(r3!.ts_text, "1970-01-01 00:00:00.000001");
    assert.deepEqual(r3!.nums, []);
    assert.equal(r3!.doc, "null", "a JSON null document is the text null, the SQL NULL is NULL");
  });

  it("writes the types back unchanged (round trip Postgres → Weir → Postgres)", async () => {
    const res = await spark.read.postgres({ url: PG_URL, table: types }).drop("wide", "doc").write.postgres(`${types}_copy`, { url: PG_URL });
    assert.equal(res.rows, 3);
    assert.equal(res.created, true);
    const cols = `id, amount, ts, lts, d, ok, name, tags, nums, raw, small, f, "Mixed Case"`;
    const diff = await sql(`(SELECT ${cols} FROM ${types} EXCEPT SELECT ${cols} FROM ${types}_copy) UNION ALL (SELECT ${cols} FROM ${types}_copy EXCEPT SELECT ${cols} FROM ${types})`);
    assert.deepEqual(diff, []);
  });

  it("a partitioned read (Spark JDBC strides, NULLs and out-of-bounds rows included) equals the full read", async () => {
    const full = await spark.read.postgres({ url: PG_URL, table: big }).orderBy("id").collect();
    const parts = await spark.read.postgres({ url: PG_URL, table: big, partitionColumn: "id", lowerBound: 100, upperBound: 1500, numPartitions: 4 }).orderBy("id").collect();
    assert.equal(full.length, 2001);
    assert.deepEqual(parts, full);
    const byTime = await spark.read.postgres({ url: PG_URL, table: big, partitionColumn: "ts", lowerBound: "2024-01-01T05:00:00Z", upperBound: new Date("2024-01-02T00:00:00Z"), numPartitions: 3 }).orderBy("id").collect();
    assert.deepEqual(byTime, full);
    const explained = await spark.read.postgres({ url: PG_URL, table: big, partitionColumn: "id", lowerBound: 100, upperBound: 1500, numPartitions: 4 }).explain({ print: false });
    assert.match(explained, /\(\+ 3 more partitions\): 4 of 4/);
  });

  it("pushes a filter and a column list into the Postgres query as bound parameters, visible in explain()", async () => {
    const df = spark.read.postgres({ url: PG_URL, table: big }).filter(col("k").equalTo(3).and(col("id").gt(1000))).select("id", "name");
    const text = await df.explain({ print: false });
    assert.match(text, /SELECT "id" AS "id", "k" AS "k", "name"::text AS "name" FROM "weir_big_\d+" WHERE "k" = \$1 AND "id" > \$2/);
    assert.match(text, /ReadColumns: \[id, name, k\]/);
    assert.doesNotMatch(text, /"k" = 3|"id" > 1000/, "values are bound, not written into the Postgres SQL");
    const rows = await df.orderBy("id").collect();
    const expected = await sql(`SELECT id, name FROM ${big} WHERE k = 3 AND id > 1000 ORDER BY id`);
    assert.deepEqual(rows, expected);
  });

  it("a filter value that looks like SQL is a value, not SQL", async () => {
    const n = await spark.read.postgres({ url: PG_URL, table: big }).filter(col("name").equalTo("x' OR '1'='1")).count();
    assert.equal(n, 0);
    const lt = await spark.read.postgres({ url: PG_URL, table: big }).filter(col("name").lt("name 2")).count();
    const expected = await sql<{ n: string }>(`SELECT count(*) AS n FROM ${big} WHERE name < 'name 2' COLLATE "C"`);
    assert.equal(lt, Number(expected[0]!.n), "text ranges compare bytewise, as DuckDB does");
  });

  it("write modes: append adds, overwrite replaces, upsert updates matching keys and inserts the rest", async () => {
    const rows = (ids: number[], v: string) => spark.createDataFrame(ids.map((id) => ({ id: BigInt(id), v })), t.struct({ id: t.int64(), v: t.string() }));
    await rows([1, 2], "a").write.postgres(target, { url: PG_URL, mode: "upsert", keys: ["id"] });
    await rows([3], "a").write.postgres(target, { url: PG_URL, mode: "append" });
    assert.deepEqual(await sql(`SELECT id::int, v FROM ${target} ORDER BY id`), [{ id: 1, v: "a" }, { id: 2, v: "a" }, { id: 3, v: "a" }]);
    const up = await rows([2, 4], "b").write.postgres(target, { url: PG_URL, mode: "upsert", keys: ["id"] });
    assert.equal(up.rows, 2);
    assert.deepEqual(await sql(`SELECT id::int, v FROM ${target} ORDER BY id`), [{ id: 1, v: "a" }, { id: 2, v: "b" }, { id: 3, v: "a" }, { id: 4, v: "b" }]);
    await rows([9], "c").write.postgres(target, { url: PG_URL, mode: "overwrite" });
    assert.deepEqual(await sql(`SELECT id::int, v FROM ${target} ORDER BY id`), [{ id: 9, v: "c" }]);
  });

  it("upsert with duplicate keys in the batch fails, says so, and changes nothing", async () => {
    const df = spark.createDataFrame([{ id: 9n, v: "x" }, { id: 9n, v: "y" }], t.struct({ id: t.int64(), v: t.string() }));
    await assert.rejects(df.write.postgres(target, { url: PG_URL, mode: "upsert", keys: ["id"] }), (e: WeirError) => e.code === "WEIR_POSTGRES_QUERY" && /deduplicate/.test(e.message));
    assert.deepEqual(await sql(`SELECT id::int, v FROM ${target} ORDER BY id`), [{ id: 9, v: "c" }]);
  });

  it("a row failing mid-stream rolls the whole load back: append and overwrite leave the table as it was", async () => {
    const chk = `${target}_chk`;
    await sql(`CREATE TABLE ${chk} (id int8, v int4 CHECK (v < 19999))`);
    await sql(`INSERT INTO ${chk} VALUES (-1, -1)`);
    const df = spark.range(20000).withColumn("v", col("id").cast("int"));
    for (const mode of ["append", "overwrite", "upsert"] as const) {
      await assert.rejects(df.write.postgres(chk, { url: PG_URL, mode, keys: ["id"] }), (e: WeirError) => e.code === "WEIR_POSTGRES_QUERY" && /rolled back/.test(e.message));
      assert.deepEqual(await sql(`SELECT id::int, v FROM ${chk}`), [{ id: -1, v: -1 }], `mode ${mode} left the table untouched`);
    }
  });

  it("a connection terminated mid-read fails with a clear error and returns no partial result", async () => {
    const df = spark.read.postgres({ url: PG_URL, query: "SELECT g, repeat('x', 50) AS pad FROM generate_series(1, 400000) g WHERE g < 200000 OR pg_sleep(30) IS NOT NULL" });
    const outcome = df.count().then(() => undefined, (e: unknown) => e);
    let killed = false;
    for (let i = 0; i < 200 && !killed; i++) {
      const r = await sql<{ n: number }>(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'weir' AND query LIKE 'COPY%' AND state = 'active'`);
      killed = (r[0]?.n ?? 0) > 0;
      if (!killed) await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(killed, "the COPY backend was found and terminated");
    const e = await outcome;
    assert.ok(e instanceof WeirError, "the read failed instead of returning a partial count");
    assert.equal(e.code, "WEIR_POSTGRES_CONNECTION");
    assert.match(e.message, /terminat.*no rows were returned|no rows were returned.*terminat/s);
  });

  it("passwords never appear in errors or explain()", async () => {
    const secret = "s3cr3t-Pa55";
    const url = `postgres://postgres:${secret}@127.0.0.1:5432/weir_no_such_db`;
    await assert.rejects(spark.read.postgres({ url, table: "t" }).collect(), (e: WeirError) => {
      const text = `${e.message} ${e.hint} ${JSON.stringify(e.details)} ${String((e.cause as Error)?.message)} ${e.stack}`;
      assert.equal(e.code, "WEIR_POSTGRES_CONNECTION");
      assert.ok(!text.includes(secret), text);
      assert.match(e.message, /postgres:\*\*\*@127\.0\.0\.1/);
      return true;
    });
    const explained = await spark.read.postgres({ url: PG_URL.replace("postgres@", `postgres:${secret}@`), table: big }).explain({ print: false });
    assert.ok(!explained.includes(secret));
    assert.match(explained, /postgres:\*\*\*@/);
  });
});
