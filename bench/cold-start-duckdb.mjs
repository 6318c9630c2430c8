// Cold-start baseline: the least a Node program does to answer `select 42` with DuckDB (open, query, print).
import { DuckDBInstance } from "@duckdb/node-api";

const db = await DuckDBInstance.create(":memory:");
const conn = await db.connect();
const reader = await conn.runAndReadAll("select 42 AS answer");
console.log(reader.getRowObjects()[0].answer);
conn.closeSync();
db.closeSync();
