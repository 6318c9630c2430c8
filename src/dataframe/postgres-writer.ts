import { mkdtempSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WeirError } from "../errors/index.js";
import { loadPostgres, parseConnection, type PostgresLoadResult, type PostgresWriteMode } from "../io/postgres/index.js";
import type { Plan } from "../plan/index.js";
import type { DataType } from "../types/index.js";
import { quoteIdent, quoteString } from "../util/index.js";
import { compile, type Runtime } from "./runtime.js";

/**
 * Options of `df.write.postgres(table, options)`.
 *
 * - `append` (default) inserts; `overwrite` empties the table (TRUNCATE) and loads, in one transaction, so
 *   readers see the old rows until the commit; `upsert` inserts or updates by `keys` (needs a unique index on
 *   them — a table Weir creates gets `PRIMARY KEY (keys)`).
 * - A missing table is created with Spark's JDBC type mapping.
 *
 * @example `{ url: "postgres://etl@localhost/dw", mode: "upsert", keys: ["day"] }`
 */
export interface PostgresWriteOptions {
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  readonly mode?: PostgresWriteMode;
  readonly keys?: readonly string[];
}

const MODES: readonly PostgresWriteMode[] = ["append", "overwrite", "upsert"];

/**
 * Write a plan's rows into a Postgres table: DuckDB renders them as Postgres text input in a CSV file (no row
 * becomes a JS object), then `loadPostgres` streams it with COPY FROM STDIN in one transaction — all or nothing.
 *
 * @example `await writePostgres(runtime, df.plan, "public.daily", { url, mode: "overwrite" })`
 */
export async function writePostgres(rt: Runtime, p: Plan, table: string, opts: PostgresWriteOptions): Promise<PostgresLoadResult> {
  const mode = opts.mode ?? "append";
  if (!MODES.includes(mode)) throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unknown write.postgres mode "${String(mode)}"`, { hint: `use one of ${MODES.join(", ")}` });
  const conn = parseConnection(opts);
  const q = await compile(rt, p, true);
  const cols = await rt.executor.describe(q.sql, q.params, "write.postgres()");
  const columns = q.columns.map((name, i) => ({ name, type: cols[i]!.type }));
  const dir = mkdtempSync(path.join(os.tmpdir(), "weir-pgw-"));
  const file = path.join(dir, "rows.csv");
  try {
    const select = columns.map((c) => `${postgresText(quoteIdent(c.name), c.type)} AS ${quoteIdent(c.name)}`).join(", ");
    await rt.job(`write postgres ${table}`, async () => {
      await rt.executor.exec(`COPY (SELECT ${select} FROM (${q.sql})) TO ${quoteString(file)} (FORMAT csv, HEADER false)`, q.params, "write.postgres()");
      return undefined;
    });
    return await loadPostgres(conn, { table, file, columns, mode, ...(opts.keys ? { keys: opts.keys } : {}) });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** DuckDB SQL rendering a value as Postgres' text input for its column type (CSV quoting is DuckDB's). */
function postgresText(ref: string, type: DataType): string {
  switch (type.kind) {
    case "binary": return `'\\x' || lower(hex(${ref}))`;
    case "array": {
      const el = type.elementType;
      if (el.kind === "array" || el.kind === "map" || el.kind === "struct") return `CAST(to_json(${ref}) AS VARCHAR)`;
      const item = el.kind === "binary" ? `'\\\\x' || lower(hex(x))` : `replace(replace(CAST(x AS VARCHAR), '\\', '\\\\'), '"', '\\"')`;
      return `CASE WHEN ${ref} IS NULL THEN NULL ELSE '{' || array_to_string(list_transform(${ref}, x -> CASE WHEN x IS NULL THEN 'NULL' ELSE '"' || ${item} || '"' END), ',') || '}' END`;
    }
    case "map": case "struct": return `CAST(to_json(${ref}) AS VARCHAR)`;
    case "double": case "float": return `CASE WHEN isinf(${ref}) THEN (CASE WHEN ${ref} > 0 THEN 'Infinity' ELSE '-Infinity' END) WHEN isnan(${ref}) THEN 'NaN' ELSE CAST(${ref} AS VARCHAR) END`;
    default: return ref;
  }
}
