import { DuckDBInstance } from "@duckdb/node-api";
import { Session } from "../src/index.js";
import { GROUPBY_QUESTIONS, G1_SCHEMA } from "./groupby-questions.js";
const csv = ".bench-data/G1_1e5_1e2_0_0.csv";
const s = await Session.create();
const x = await s.read.schema(G1_SCHEMA).option("header", true).csv(csv).cache();
const db = await DuckDBInstance.create(":memory:"); const c = await db.connect();
await c.run(`CREATE TABLE x AS SELECT * FROM read_csv('${csv}', header=true, columns={'id1':'VARCHAR','id2':'VARCHAR','id3':'VARCHAR','id4':'INTEGER','id5':'INTEGER','id6':'INTEGER','v1':'INTEGER','v2':'INTEGER','v3':'DOUBLE'})`);
const ops = (t: string) => [...t.matchAll(/│\s*([A-Z_]{4,})\s*│/g)].map((m) => m[1]).filter((o) => o !== "PROJECTION").join(" > ");
for (const q of GROUPBY_QUESTIONS) {
  const w = ops((await q.weir(x).explain({ print: false })).split("== Physical Plan (DuckDB) ==")[1]!);
  const r = ops((await c.runAndReadAll("EXPLAIN " + q.sql)).getRowObjects().map((o) => o.explain_value).join("\n"));
  console.log(q.id, w === r ? "same operators" : "DIFFERENT", "| weir:", w, w === r ? "" : "| raw: " + r);
}
await s.close();
