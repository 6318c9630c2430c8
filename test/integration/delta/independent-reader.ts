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
      if (b.minReaderVersion === 3) { // only for deletion vectors: table features on both sides
        assert.equal(b.minWriterVersion, 7);
        assert.ok((b.readerFeatures as string[]).includes("deletionVectors") && (b.writerFeatures as string[]).includes("deletionVectors"));
      } else {
        assert.equal(b.minReaderVersion, 1); assert.ok(b.minWriterVersion === 2 || b.minWriterVersion === 3);
      }
      break;
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
      if (b.deletionVector) checkDv(b.deletionVector as Json, stats);
      for (const k of ["minValues", "maxValues", "nullCount"]) assert.equal(typeof stats[k], "object");
      break;
    }
    case "remove":
      assert.equal(typeof b.path, "string"); assert.equal(typeof b.deletionTimestamp, "number"); assert.equal(typeof b.dataChange, "boolean");
      if (b.deletionVector) checkDv(b.deletionVector as Json);
      break;
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

/** A deletion vector descriptor as the protocol defines it; with the add's stats: numRecords present, bounds not tight. */
function checkDv(dv: Json, stats?: Json): void {
  assert.equal(dv.storageType, "u");
  assert.equal(typeof dv.pathOrInlineDv, "string");
  assert.ok(Number.isInteger(dv.offset) && Number.isInteger(dv.sizeInBytes) && Number.isInteger(dv.cardinality));
  if (stats) {
    assert.equal(stats.tightBounds, false);
    assert.ok((dv.cardinality as number) < (stats.numRecords as number), "a DV never removes every row (the file would be removed)");
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
      if (kind === "add") st.adds.set(fileKey(body), body);
    }
    start = fromCheckpoint + 1;
  }
  for (let v = start; v <= last; v++) {
    for (const a of readCommit(root, v)) {
      if (a.protocol) st.protocol = a.protocol as Json;
      if (a.metaData) st.metaData = a.metaData as Json;
      // A logical file is its path plus its DV: a remove retires exactly the (path, DV) it names.
      if (a.remove) st.adds.delete(fileKey(a.remove as Json));
      if (a.add) st.adds.set(fileKey(a.add as Json), a.add as Json);
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
    const deleted = new Set(add.deletionVector ? deletedRows(root, add.deletionVector as Json) : []);
    res.getRowObjectsJS().forEach((r, i) => { if (!deleted.has(i)) rows.push({ ...r, ...(add.partitionValues as Json) }); });
  }
  return rows;
}

function fileKey(a: Json): string {
  const dv = a.deletionVector as Json | undefined;
  return `${a.path as string}|${dv ? `${dv.storageType}${dv.pathOrInlineDv}@${dv.offset}` : ""}`;
}

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** The row positions of an on-disk ('u') deletion vector, decoded from the spec (Z85 UUID, portable Roaring). */
export function deletedRows(root: string, dv: Json): number[] {
  const text = dv.pathOrInlineDv as string;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 85 + Z85.indexOf(text[i + j]!);
    bytes.push(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  const hex = bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const file = readFileSync(path.join(root, `deletion_vector_${uuid}.bin`));
  const at = dv.offset as number;
  assert.equal(file[0], 1, "DV file format version 1");
  assert.equal(file.readUInt32BE(at), dv.sizeInBytes);
  assert.equal(file.readUInt32LE(at + 4), 1681511377, "portable RoaringBitmapArray magic");
  let p = at + 8;
  const out: number[] = [];
  const bitmaps = Number(file.readBigUInt64LE(p));
  p += 8;
  for (let b = 0; b < bitmaps; b++) {
    const high = file.readUInt32LE(p) * 2 ** 32;
    p += 4;
    const cookie = file.readUInt32LE(p);
    const runs = (cookie & 0xffff) === 12347;
    const n = runs ? (cookie >>> 16) + 1 : file.readUInt32LE(p + 4);
    p += runs ? 4 : 8;
    const flags = runs ? file.subarray(p, p + Math.ceil(n / 8)) : undefined;
    if (flags) p += flags.length;
    const headers = Array.from({ length: n }, (_, i) => [file.readUInt16LE(p + 4 * i), file.readUInt16LE(p + 4 * i + 2) + 1] as const);
    p += 4 * n + (!runs || n >= 4 ? 4 * n : 0);
    headers.forEach(([key, card], i) => {
      const base = high + key * 65536;
      if (flags && (flags[i >> 3]! >> (i & 7)) & 1) {
        const count = file.readUInt16LE(p);
        for (let r = 0; r < count; r++) {
          const start = file.readUInt16LE(p + 2 + 4 * r);
          const len = file.readUInt16LE(p + 4 + 4 * r);
          for (let v = start; v <= start + len; v++) out.push(base + v);
        }
        p += 2 + 4 * count;
      } else if (card <= 4096) {
        for (let k = 0; k < card; k++) out.push(base + file.readUInt16LE(p + 2 * k));
        p += 2 * card;
      } else {
        for (let bit = 0; bit < 65536; bit++) if ((file[p + (bit >> 3)]! >> (bit & 7)) & 1) out.push(base + bit);
        p += 8192;
      }
    });
  }
  assert.equal(out.length, dv.cardinality);
  return out;
}
