import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Session } from "../../src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "bin", "weir.js");
let dir = "";

interface Result { code: number; stdout: string; stderr: string }

/** Run `weir` as a child process in the fixture directory. */
function weir(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "weir-cli-"));
  mkdirSync(path.join(dir, "orders"));
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n'); // pipeline .ts files are ES modules
  writeFileSync(path.join(dir, "orders", "a.csv"), "order_id,status,total\n1,completed,10.5\n2,cancelled,3\n");
  writeFileSync(path.join(dir, "orders", "b.csv"), "order_id,status,total\n3,completed,7.25\n4,shipped,1\n");
  await using spark = await Session.create({ threads: 1 });
  await spark.createDataFrame([{ id: 1, name: "lamp" }, { id: 2, name: "desk" }, { id: 3, name: "chair" }]).write.parquet(path.join(dir, "products"));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe("weir sql", () => {
  test("select 42 as JSON prints one JSON line and exits 0", async () => {
    const r = await weir(["sql", "select 42 as answer", "--format", "json"]);
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '{"answer":42}\n');
  });

  test("a CSV glob is queryable directly and --param binds $name", async () => {
    const r = await weir(["sql", "select order_id, total from 'orders/*.csv' where status = $s and total > $min order by order_id", "--param", "s=completed", "-p", "min=5", "-f", "csv"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "order_id,total\n1,10.5\n3,7.25\n");
  });

  test("a param value is bound, never interpolated: a quote in it is just data", async () => {
    const r = await weir(["sql", "select $v as v", "-p", "v=it's; drop table x", "-f", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { v: "it's; drop table x" });
  });

  test("the table format is Spark's show() layout", async () => {
    const r = await weir(["sql", "select status, count(*) as n from 'orders/*.csv' group by status order by status"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      "+---------+---+",
      "|   status|  n|",
      "+---------+---+",
      "|cancelled|  1|",
      "|completed|  2|",
      "|  shipped|  1|",
      "+---------+---+",
      "",
    ].join("\n"));
  });

  test("loading from source (WEIR_CLI_NO_CACHE=1) gives the same output as the cached bundle", async () => {
    const query = ["sql", "select count(*) as n, sum(total) as t from 'orders/*.csv'", "-f", "csv"];
    const [cached, source] = await Promise.all([weir(query), weir(query, { WEIR_CLI_NO_CACHE: "1" })]);
    assert.equal(cached.code, 0, cached.stderr);
    assert.equal(source.code, 0, source.stderr);
    assert.equal(cached.stdout, "n,t\n4,21.75\n");
    assert.equal(source.stdout, cached.stdout);
  });
});

describe("weir schema / head / explain", () => {
  test("schema of a parquet directory prints Spark's tree", async () => {
    const r = await weir(["schema", "products"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "root\n |-- id: integer (nullable = true)\n |-- name: string (nullable = true)\n");
  });

  test("head -n 2 of a CSV glob prints two rows as CSV", async () => {
    const r = await weir(["head", "orders/*.csv", "-n", "2", "-f", "csv"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split("\n")[0], "order_id,status,total");
    assert.equal(r.stdout.trim().split("\n").length, 3);
  });

  test("explain prints the logical plan, the SQL and DuckDB's physical plan", async () => {
    const r = await weir(["explain", "select * from 'orders/*.csv' where total > $m", "-p", "m=2"]);
    assert.equal(r.code, 0, r.stderr);
    for (const section of ["== Logical Plan ==", "== SQL ==", "== Physical Plan (DuckDB) =="]) assert.ok(r.stdout.includes(section), `missing ${section}`);
  });
});

describe("weir run", () => {
  test("runs the default export with a session and the extra arguments; Weir imports in the file share the CLI's modules", async () => {
    const api = pathToFileURL(path.join(root, "src", "index.ts")).href;
    writeFileSync(path.join(dir, "pipeline.ts"), [
      `import { col, F, type Session } from ${JSON.stringify(api)};`,
      "export default async function (spark: Session, args: readonly string[]): Promise<void> {",
      "  const orders = spark.read.option('header', true).option('inferSchema', true).csv('orders/');",
      "  await orders.filter(col('status').isin('completed', 'shipped')).groupBy('status').agg(F.sum('total').alias('revenue'))",
      "    .write.mode('overwrite').json(args[0]!);",
      "}",
    ].join("\n"));
    const r = await weir(["run", "pipeline.ts", "out-run"]);
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(path.join(dir, "out-run")).filter((f) => f.endsWith(".json"));
    assert.equal(files.length, 1);
    const check = await weir(["sql", "select status, revenue from 'out-run/*.json' order by status", "-f", "csv"]);
    assert.equal(check.stdout, "status,revenue\ncompleted,17.75\nshipped,1.0\n");
  });

  test("a file without a default export function is a usage error (exit 2)", async () => {
    writeFileSync(path.join(dir, "nodefault.ts"), "export const x = 1;\n");
    const r = await weir(["run", "nodefault.ts"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^weir: Pipeline file "nodefault.ts" has no default export function \[WEIR_CLI_USAGE\]\nhint: /);
  });
});

describe("weir errors", () => {
  test("a missing input is one line plus a hint, exit 1, no stack trace", async () => {
    const r = await weir(["sql", "select * from 'missing/*.csv'"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0]!, /^weir: .*missing\/\*\.csv.* \[WEIR_PATH_NOT_FOUND\]$/);
    assert.match(lines[1]!, /^hint: /);
  });

  test("--verbose adds the stack trace and the DuckDB cause", async () => {
    const r = await weir(["sql", "select nope from 'orders/*.csv'", "--verbose"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^weir: .*\[WEIR_UNKNOWN_COLUMN\]\n/);
    assert.match(r.stderr, /\n {4}at /);
    assert.match(r.stderr, /caused by: .*Binder Error/);
  });

  test("an unknown command is a usage error with exit code 2", async () => {
    const r = await weir(["frobnicate"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^weir: unknown command 'frobnicate' \[WEIR_CLI_USAGE\]\nhint: run weir --help/);
  });

  test("a malformed --param is a usage error naming the flag", async () => {
    const r = await weir(["sql", "select 1", "--param", "no-equals-sign"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^weir: Invalid --param "no-equals-sign"/);
  });
});
