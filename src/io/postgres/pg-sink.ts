import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import copyStreams from "pg-copy-streams";
import { WeirError } from "../../errors/index.js";
import type { DataType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";
import { connectPostgres, postgresError, type PostgresConnection } from "./connection-config.js";
import { splitTableName } from "./pg-source.js";
import { postgresTypeOf } from "./type-mapping.js";

/** How `write.postgres` treats existing rows. @example `"upsert"` */
export type PostgresWriteMode = "append" | "overwrite" | "upsert";

/**
 * One load into a Postgres table: the CSV file to stream (Postgres text forms, no header, unquoted empty = NULL)
 * and its columns, matched to the table's columns by name.
 *
 * @example `{ table: "public.daily", file: "/tmp/x.csv", columns: [{ name: "day", type: t.date() }], mode: "upsert", keys: ["day"] }`
 */
export interface PostgresLoad {
  readonly table: string;
  readonly file: string;
  readonly columns: readonly { readonly name: string; readonly type: DataType }[];
  readonly mode: PostgresWriteMode;
  readonly keys?: readonly string[];
}

/** What a load did. @example `{ table: '"public"."daily"', rows: 10, created: false }` */
export interface PostgresLoadResult {
  readonly table: string;
  /** Rows inserted or updated. */
  readonly rows: number;
  /** True when the table did not exist and was created. */
  readonly created: boolean;
}

/**
 * Load a CSV file into a table in ONE transaction:
 *
 * ```
 * BEGIN
 *   table missing?  CREATE TABLE (columns typed as Spark's JDBC writer does; upsert: PRIMARY KEY (keys))
 *   append          COPY table (cols) FROM STDIN (FORMAT csv)
 *   overwrite       TRUNCATE table; COPY table (cols) FROM STDIN
 *   upsert          CREATE TEMP TABLE stage (LIKE table) ON COMMIT DROP; COPY stage FROM STDIN;
 *                   INSERT INTO table SELECT … FROM stage ON CONFLICT (keys) DO UPDATE SET non-keys = EXCLUDED.*
 * COMMIT                           any failure (bad row mid-stream, lost connection) → ROLLBACK: table unchanged
 * ```
 *
 * @example `await loadPostgres(conn, { table: "daily", file, columns, mode: "overwrite" })`
 */
export async function loadPostgres(conn: PostgresConnection, load: PostgresLoad): Promise<PostgresLoadResult> {
  const table = splitTableName(load.table).map(quoteIdent).join(".");
  const keys = load.keys ?? [];
  if (load.mode === "upsert" && keys.length === 0) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `write.postgres("${load.table}", { mode: "upsert" }) needs keys`, { hint: 'e.g. { mode: "upsert", keys: ["id"] }' });
  }
  const names = load.columns.map((c) => c.name);
  for (const k of keys) {
    if (!names.includes(k)) throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown upsert key "${k}" in write.postgres(). Columns: ${names.join(", ")}`, { hint: "keys must be columns of the DataFrame" });
  }
  const cols = names.map(quoteIdent).join(", ");
  const client = await connectPostgres(conn);
  let stage = "";
  try {
    await client.query("BEGIN");
    const exists = (await client.query<{ r: string | null }>("SELECT to_regclass($1)::text AS r", [table])).rows[0]?.r != null;
    if (!exists) {
      const defs = load.columns.map((c) => `${quoteIdent(c.name)} ${postgresTypeOf(c.type)}`);
      if (load.mode === "upsert") defs.push(`PRIMARY KEY (${keys.map(quoteIdent).join(", ")})`);
      await client.query(`CREATE TABLE ${table} (${defs.join(", ")})`);
    } else if (load.mode === "overwrite") {
      await client.query(`TRUNCATE TABLE ${table}`);
    }
    let rows: number;
    if (load.mode === "upsert") {
      stage = quoteIdent(`__weir_stage_${process.pid}_${Date.now()}`);
      await client.query(`CREATE TEMP TABLE ${stage} (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DROP`);
      await copyIn(client, `COPY ${stage} (${cols}) FROM STDIN (FORMAT csv)`, load.file);
      const updates = names.filter((n) => !keys.includes(n)).map((n) => `${quoteIdent(n)} = EXCLUDED.${quoteIdent(n)}`);
      const action = updates.length ? `DO UPDATE SET ${updates.join(", ")}` : "DO NOTHING";
      const res = await client.query(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM ${stage} ON CONFLICT (${keys.map(quoteIdent).join(", ")}) ${action}`);
      rows = res.rowCount ?? 0;
    } else {
      rows = await copyIn(client, `COPY ${table} (${cols}) FROM STDIN (FORMAT csv)`, load.file);
    }
    await client.query("COMMIT");
    return { table, rows, created: !exists };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    const err = postgresError(conn, `Writing ${table} (mode ${load.mode}) on ${conn.display} failed and was rolled back`, e);
    if ((e as { code?: string }).code === "21000") {
      throw new WeirError(err.code, err.message.replace(/\. Hint:.*$/s, ""), { hint: "the DataFrame has several rows with the same keys: deduplicate it first (dropDuplicates(keys) or keep the latest per key)", cause: err, details: err.details });
    }
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function copyIn(client: pg.Client, sql: string, file: string): Promise<number> {
  const sink = client.query(copyStreams.from(sql));
  await pipeline(createReadStream(file), sink);
  return sink.rowCount ?? 0;
}
