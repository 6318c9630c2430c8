import { createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import copyStreams from "pg-copy-streams";
import { WeirError } from "../../errors/index.js";
import { quoteIdent } from "../../util/index.js";
import { connectPostgres, postgresError, type PostgresConnection } from "./connection-config.js";
import type { PgParams } from "./pg-params.js";
import type { PostgresColumn } from "./type-mapping.js";

/**
 * What to read: a table (`schema.table` or `table`, each part an identifier quoted as given — so names are
 * case-sensitive, as quoted Postgres identifiers) or a query (trusted SQL text, run as a subquery).
 *
 * @example `{ table: "public.orders" }` or `{ query: "SELECT * FROM orders o JOIN customers c USING (cid)" }`
 */
export type PostgresRelation = { readonly table: string; readonly query?: undefined } | { readonly query: string; readonly table?: undefined };

/** A described column: its transfer metadata plus the Postgres type name to cast bound values to. @example `{ name: "id", typname: "int8", typmod: -1, castType: "bigint" }` */
export interface DescribedColumn extends PostgresColumn {
  readonly castType: string;
}

/**
 * The FROM item for a relation.
 *
 * @example `relationSql({ table: "public.orders" }) // '"public"."orders"'`
 */
export function relationSql(rel: PostgresRelation): string {
  if (rel.query !== undefined) return `(${rel.query.replace(/;\s*$/, "")}) AS "__weir_q"`;
  const parts = splitTableName(rel.table);
  return parts.map(quoteIdent).join(".");
}

/**
 * Split `schema.table` (a part may be double-quoted to contain dots: `"my.schema".t`).
 *
 * @example `splitTableName('public."Orders"') // ["public", "Orders"]`
 */
export function splitTableName(name: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^."]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < name.length && (m = re.exec(name))) {
    parts.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!.trim());
    if (m[3] === "") break;
  }
  if (parts.length === 0 || parts.length > 3 || parts.some((p) => p === "")) {
    throw new WeirError("WEIR_INVALID_NAME", `Invalid Postgres table name "${name}": expected table, schema.table or database.schema.table`, { hint: 'quote parts that contain dots: \'"my.schema".orders\'' });
  }
  return parts;
}

/**
 * Describe the columns of a relation without reading rows (`SELECT * … LIMIT 0` plus one catalog lookup).
 *
 * @example `const cols = await describePostgres(client, conn, '"public"."orders"')`
 */
export async function describePostgres(client: pg.Client, conn: PostgresConnection, from: string): Promise<DescribedColumn[]> {
  try {
    const res = await client.query(`SELECT * FROM ${from} LIMIT 0`);
    const oids = [...new Set(res.fields.map((f) => f.dataTypeID))];
    const types = await client.query<{ oid: number; typname: string; typcategory: string; elem: string | null; cast_type: string }>(
      `SELECT t.oid::int AS oid, t.typname, t.typcategory, e.typname AS elem,
              CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, NULL) ELSE format_type(t.oid, NULL) END AS cast_type
         FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
        WHERE t.oid = ANY($1::oid[])`, [oids]);
    const byOid = new Map(types.rows.map((r) => [r.oid, r]));
    return res.fields.map((f) => {
      const ty = byOid.get(f.dataTypeID);
      const typname = ty?.typcategory === "E" ? "text" : ty?.typname ?? "text";
      return { name: f.name, typname, typmod: f.dataTypeModifier, castType: ty?.cast_type ?? "text", ...(ty?.elem ? { elemTypname: ty.elem } : {}), ...(ty ? { category: ty.typcategory } : {}) };
    });
  } catch (e) {
    throw postgresError(conn, `Describing ${from} on ${conn.display}`, e);
  }
}

/** A partition bound: a number/bigint for numeric columns, a Date or ISO string for date/timestamp columns. @example `1000n` */
export type PartitionBound = number | bigint | string | Date;

/** Spark JDBC's range partitioning settings. @example `{ column: "id", castType: "bigint", lowerBound: 0, upperBound: 1000, numPartitions: 4 }` */
export interface RangePartitioning {
  readonly column: string;
  /** The column's Postgres type (decides how bounds are read: numbers, dates or timestamps). */
  readonly typname: string;
  readonly castType: string;
  readonly lowerBound: PartitionBound;
  readonly upperBound: PartitionBound;
  readonly numPartitions: number;
}

/**
 * Spark's `JDBCRelation.columnPartition`: `numPartitions` WHERE clauses splitting [lowerBound, upperBound) into
 * equal strides. The bounds only decide the stride — every row is read: the first partition also takes values
 * below lowerBound and NULLs, the last everything from its start up. Bounds are bound values (see PgParams).
 *
 * @example `partitionPredicates({ column: "id", typname: "int8", castType: "bigint", lowerBound: 0, upperBound: 100, numPartitions: 2 }, params) // ['"id" < … OR "id" IS NULL', '"id" >= …']`
 */
export function partitionPredicates(p: RangePartitioning, params: PgParams): string[] {
  const kind = boundKind(p.typname);
  if (!kind) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `partitionColumn "${p.column}" has type ${p.castType}: it must be a numeric, date or timestamp column`, { hint: "partition by an integer id, a date or a timestamp column" });
  }
  if (!Number.isInteger(p.numPartitions) || p.numPartitions < 1) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `numPartitions must be a positive integer, got ${p.numPartitions}`, { hint: "e.g. numPartitions: 4" });
  }
  const lower = toLong(p.lowerBound, kind, "lowerBound");
  const upper = toLong(p.upperBound, kind, "upperBound");
  if (lower > upper) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `lowerBound (${String(p.lowerBound)}) is greater than upperBound (${String(p.upperBound)})`, { hint: "swap the bounds" });
  }
  if (p.numPartitions === 1 || lower === upper) return [];
  const n = upper - lower >= BigInt(p.numPartitions) ? BigInt(p.numPartitions) : upper - lower;
  const stride = upper / n - lower / n;
  const col = quoteIdent(p.column);
  const out: string[] = [];
  let current = lower;
  for (let i = 0n; i < n; i++) {
    const lBound = i !== 0n ? `${col} >= ${params.bind(fromLong(current, kind), p.castType)}` : undefined;
    current += stride;
    const uBound = i !== n - 1n ? `${col} < ${params.bind(fromLong(current, kind), p.castType)}` : undefined;
    out.push(uBound === undefined ? lBound! : lBound === undefined ? `${uBound} OR ${col} IS NULL` : `${lBound} AND ${uBound}`);
  }
  return out;
}

type BoundKind = "number" | "date" | "timestamp";

function boundKind(typname: string): BoundKind | undefined {
  if (["int2", "int4", "int8", "numeric", "float4", "float8", "oid"].includes(typname)) return "number";
  if (typname === "date") return "date";
  if (typname === "timestamp" || typname === "timestamptz") return "timestamp";
  return undefined;
}

const DAY_MS = 86_400_000;

function toLong(v: PartitionBound, kind: BoundKind, what: string): bigint {
  const bad = (): never => { throw new WeirError("WEIR_INVALID_ARGUMENT", `${what} ${String(v)} does not fit the partition column (${kind})`, { hint: kind === "number" ? "use an integer bound" : 'use a Date or an ISO string like "2024-01-01"' }); };
  if (kind === "number") {
    if (typeof v === "bigint") return v;
    if (typeof v === "number" && Number.isFinite(v)) return BigInt(Math.trunc(v));
    if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
    return bad();
  }
  const ms = v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || v.length <= 10 ? v : `${v}Z`) : NaN;
  if (!Number.isFinite(ms)) return bad();
  return kind === "date" ? BigInt(Math.floor(ms / DAY_MS)) : BigInt(ms) * 1000n;
}

function fromLong(v: bigint, kind: BoundKind): string {
  if (kind === "number") return v.toString();
  if (kind === "date") return new Date(Number(v) * DAY_MS).toISOString().slice(0, 10);
  const ms = v / 1000n;
  const micros = ((v % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${micros.toString().padStart(6, "0")}+00`;
}

/** One COPY of a read: its SELECT (no trailing semicolon) and the values it reads through settings. @example `{ sql: 'SELECT "id" FROM "t"', params }` */
export interface CopyQuery {
  readonly sql: string;
  readonly params: PgParams;
}

/**
 * Stream each query's rows with `COPY (query) TO STDOUT (FORMAT csv)` into its own file under `dir`, up to
 * `parallelism` connections at a time, all reading one snapshot (the first connection exports it, the others
 * import it), so a partitioned read is as consistent as a single query. Rows never become JS objects. On any
 * failure every file written is removed and a WEIR_POSTGRES_* error says why.
 *
 * @example `const files = await copyPostgresToFiles(conn, queries, "/tmp/weir-x/pg-3", 2)`
 */
export async function copyPostgresToFiles(conn: PostgresConnection, queries: readonly CopyQuery[], dir: string, parallelism: number): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const files = queries.map((_, i) => path.join(dir, `part-${String(i).padStart(5, "0")}.csv`));
  const clients: pg.Client[] = [];
  try {
    const first = await connectPostgres(conn);
    clients.push(first);
    await first.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    let snapshot: string | undefined;
    const workers = Math.max(1, Math.min(parallelism, queries.length));
    if (workers > 1) {
      snapshot = String((await first.query<{ s: string }>("SELECT pg_export_snapshot() AS s")).rows[0]?.s ?? "");
      // SET TRANSACTION SNAPSHOT takes no parameters; the id comes from the server and is checked to be one.
      if (!/^[0-9A-Fa-f-]+$/.test(snapshot)) throw new Error(`unexpected snapshot id ${JSON.stringify(snapshot)}`);
      for (let i = 1; i < workers; i++) {
        const c = await connectPostgres(conn);
        clients.push(c);
        await c.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${snapshot}'`);
      }
    }
    let next = 0;
    await Promise.all(clients.map(async (client) => {
      while (next < queries.length) {
        const i = next++;
        const q = queries[i]!;
        await q.params.apply(client);
        const source = client.query(copyStreams.to(`COPY (${q.sql}) TO STDOUT (FORMAT csv)`));
        await pipeline(source, createWriteStream(files[i]!));
      }
    }));
    return files;
  } catch (e) {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw postgresError(conn, `Reading from Postgres (${conn.display}) failed; no rows were returned`, e);
  } finally {
    await Promise.all(clients.map(async (c) => {
      await c.query("ROLLBACK").catch(() => undefined);
      await c.end().catch(() => undefined);
    }));
  }
}
