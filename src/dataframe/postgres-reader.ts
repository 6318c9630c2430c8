import { WeirError } from "../errors/index.js";
import { maskUrl, type PartitionBound } from "../io/postgres/index.js";
import { plan, type Scan } from "../plan/index.js";

/**
 * Options of `session.read.postgres(...)` — Spark's JDBC source options, by the same names.
 *
 * - `table` (or Spark's `dbtable`): `schema.table`, each part quoted as given; or `query`: trusted SQL text.
 * - `partitionColumn` + `lowerBound` + `upperBound` + `numPartitions`: Spark's range partitioning (the bounds set
 *   the stride only; every row is read), run over up to `parallelism` connections (default min(n, 4)) on one
 *   snapshot.
 * - `fetchSize` is accepted for Spark compatibility; COPY streams, so it has no effect.
 *
 * @example `{ url: "postgres://etl@127.0.0.1:5432/shop", table: "public.orders", partitionColumn: "id", lowerBound: 1, upperBound: 1_000_000, numPartitions: 4 }`
 */
export interface PostgresReadOptions {
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  readonly table?: string;
  readonly dbtable?: string;
  readonly query?: string;
  readonly partitionColumn?: string;
  readonly lowerBound?: PartitionBound;
  readonly upperBound?: PartitionBound;
  readonly numPartitions?: number;
  readonly fetchSize?: number;
  readonly parallelism?: number;
}

/**
 * The scan node of a Postgres read. Its `paths` hold only a description with the password masked (shown by
 * explain()); the options carry the connection.
 *
 * @example `new DataFrame(runtime, postgresScanPlan({ url, table: "orders" }))`
 */
export function postgresScanPlan(opts: Readonly<Record<string, unknown>>): Scan {
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    options[k] = v instanceof Date ? v.toISOString() : String(v);
  }
  if (!options.url) throw new WeirError("WEIR_INVALID_ARGUMENT", "read.postgres() needs a url", { hint: 'e.g. spark.read.postgres({ url: "postgres://user@127.0.0.1:5432/db", table: "orders" })' });
  const what = options.query !== undefined ? "query" : `table ${options.table ?? options.dbtable ?? "?"}`;
  return plan<Scan>({ kind: "scan", format: "postgres", paths: [`${maskUrl(options.url)} ${what}`], options });
}
