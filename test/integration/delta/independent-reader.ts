/**
 * A deliberately minimal Delta reader for tests, sharing no code with Weir's: it parses `_delta_log/*.json`
 * by hand (and a classic checkpoint with plain DuckDB SQL), checks every action against the protocol's
 * action schemas, and reads the active Parquet files with DuckDB.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";

export type Json = Record<string, unknown>;
export interface Replayed {
  version: number;
  protocol: Json;
  metaData: Json;
  adds: Map<string, Json>;
  txns: Map<string, number>;
  commitInfos: Json[];
}

const isStringMap = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x === "string");

/** Assert one JSON log action matches its schema in PROTOCOL.md. */
export function checkAction(a: Json): void {
  const keys = Object.keys(a);
  assert.equal(keys.length, 1, `one action per line: ${JSON.stringify(a)}`);
  const kind = keys[0]!;
  const b = a[kind] as Json;
  switch (kind) {
    case "protocol":
      assert.equal(b.minReaderVersion, 1); assert.equal(b.minWriterVersion, 2); break;
    case "metaData":
      assert.equal(typeof b.id, "string");
      assert.deepEqual(b.format, { provider: "parquet", options: {} });
      assert.equal((JSON.parse(b.schemaString as string) as Json).type, "struct");
      assert.ok(Array.isArray(b.partitionColumns));
      assert.ok(isStringMap(b.configuration));
      assert.equal(typeof b.createdTime, "number");
      break;
    case "add": {
      assert.equal(typeof b.path, "string");
      assert.match(b.path as string, /(^|\/)part-[0-9a-f-]{36}\.snappy\.parquet$/);
      assert.ok(isStringMap(b.partitionValues));
      assert.ok(Number.isInteger(b.size) && Number.isInteger(b.modificationTime));
      assert.equal(typeof b.dataChange, "boolean");
      const stats = JSON.parse(b.stats as string) as Json;
      assert.ok(Number.isInteger(stats.numRecords));
      for (const k of ["minValues", "maxValues", "nullCount"]) assert.equal(typeof stats[k], "object");
      break;
    }
    case "remove":
      assert.equal(typeof b.path, "string"); assert.equal(typeof b.deletionTimestamp, "number"); assert.equal(typeof b.dataChange, "boolean"); break;
    case "txn":
      assert.equal(typeof b.appId, "string"); assert.ok(Number.isInteger(b.version)); break;
    case "commitInfo":
      assert.equal(typeof b.timestamp, "number");
      assert.equal(typeof b.operation, "string");
      assert.ok(isStringMap(b.operationParameters), "operationParameters values are strings");
      assert.ok(isStringMap(b.operationMetrics), "operationMetrics values are strings");
      assert.match(b.engineInfo as string, /^Weir\//);
      break;
    default:
      assert.fail(`unexpected action ${kind}`);
  }
}

export const commitPath = (root: string, v: number): string => path.join(root, "_delta_log", `${String(v).padStart(20, "0")}.json`);

/** Commit versions present in the log, ascending. */
export function commitVersions(root: string): number[] {
  return readdirSync(path.join(root, "_delta_log")).filter((f) => /^\d{20}\.json$/.test(f)).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
}

/** Parse one commit file by hand, validating each action. */
export function readCommit(root: string, v: number): Json[] {
  const text = readFileSync(commitPath(root, v), "utf8");
  assert.ok(text.endsWith("\n"));
  return text.split("\n").filter((l) => l !== "").map((l) => {
    const a = JSON.parse(l) as Json;
    checkAction(a);
    return a;
  });
}

/** Replay JSON commits 0..version (or from a checkpoint at `fromCheckpoint`, decoded by DuckDB SQL). */
export async function replay(root: string, conn: DuckDBConnection, version?: number, fromCheckpoint?: number): Promise<Replayed> {
  const last = version ?? Math.max(...commitVersions(root));
  const st: Replayed = { version: last, protocol: {}, metaData: {}, adds: new Map(), txns: new Map(), commitInfos: [] };
  let start = 0;
  if (fromCheckpoint !== undefined) {
    const cp = path.join(root, "_delta_log", `${String(fromCheckpoint).padStart(20, "0")}.checkpoint.parquet`);
    assert.ok(existsSync(cp), `checkpoint ${cp} exists`);
    const res = await conn.runAndReadAll(
      "SELECT to_json(protocol) AS protocol, to_json(metaData) AS metaData, to_json(txn) AS txn, to_json(add) AS add, to_json(remove) AS remove FROM read_parquet($1)", [cp]);
    for (const r of res.getRowObjectsJS()) {
      const set = Object.entries(r).filter(([, v]) => v !== null);
      assert.equal(set.length, 1, "one action per checkpoint row");
      const [kind, text] = set[0]!;
      const body = JSON.parse(String(text)) as Json;
      if (kind === "protocol") st.protocol = body;
      if (kind === "metaData") st.metaData = body;
      if (kind === "txn") st.txns.set(body.appId as string, body.version as number);
      if (kind === "add") st.adds.set(body.path as string, body);
    }
    start = fromCheckpoint + 1;
  }
  for (let v = start; v <= last; v++) {
    for (const a of readCommit(root, v)) {
      if (a.protocol) st.protocol = a.protocol as Json;
      if (a.metaData) st.metaData = a.metaData as Json;
      if (a.add) st.adds.set((a.add as Json).path as string, a.add as Json);
      if (a.remove) st.adds.delete((a.remove as Json).path as string);
      if (a.txn) st.txns.set((a.txn as Json).appId as string, (a.txn as Json).version as number);
      if (a.commitInfo) st.commitInfos.push(a.commitInfo as Json);
    }
  }
  return st;
}

/** Every row of the replayed table: Parquet columns read by DuckDB plus the add's partition values (strings). */
export async function rowsOf(root: string, st: Replayed, conn: DuckDBConnection): Promise<Json[]> {
  const rows: Json[] = [];
  for (const add of st.adds.values()) {
    const res = await conn.runAndReadAll("SELECT * FROM read_parquet($1)", [path.join(root, decodeURIComponent(add.path as string))]);
    for (const r of res.getRowObjectsJS()) rows.push({ ...r, ...(add.partitionValues as Json) });
  }
  return rows;
}
