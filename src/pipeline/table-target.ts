import path from "node:path";
import { DeltaTable, type DataFrame, type Row, type Session, type WriteResult } from "../dataframe/index.js";

/**
 * Where a pipeline writes: a catalog table name (`"silver.orders"`, `"orders"`) or a Delta table path (any string
 * containing a path separator, e.g. `"./out/orders"` or `"/data/orders"`).
 *
 * @example `const target: TableTarget = "silver.orders"`
 */
export type TableTarget = string;

/** A target resolved to its directory. @example `{ label: "silver.orders", name: "silver.orders", path: "/wh/silver.db/orders" }` */
export interface ResolvedTarget {
  readonly label: string;
  /** The catalog name, for catalog targets. */
  readonly name?: string;
  /** The table directory; undefined for a catalog table that does not exist yet. */
  readonly path: string | undefined;
}

/** Whether a target string names a path rather than a catalog table. @example `isPathTarget("./out/t") // true` */
export function isPathTarget(target: TableTarget): boolean {
  return target.includes("/") || target.includes(path.sep);
}

/**
 * Resolve a target: paths are made absolute; catalog names resolve to their table's directory when the table exists.
 *
 * @example `const r = await resolveTarget(spark, "silver.orders")`
 */
export async function resolveTarget(session: Session, target: TableTarget): Promise<ResolvedTarget> {
  if (isPathTarget(target)) return { label: target, path: path.resolve(target) };
  const exists = await session.catalog.tableExists(target);
  return { label: target, name: target, path: exists ? session.catalog.deltaTarget({ kind: "name", name: target }).path : undefined };
}

/**
 * Whether the target holds a Delta table with at least one commit.
 *
 * @example `if (await targetExists(spark, await resolveTarget(spark, "silver.orders"))) …`
 */
export async function targetExists(session: Session, target: ResolvedTarget): Promise<boolean> {
  return target.path !== undefined && DeltaTable.isDeltaTable(session, target.path);
}

/**
 * What {@link writeTarget} did, as the Delta writer reports it (no second read of the data or the log).
 *
 * @example `{ target: { label: "silver.orders", name: "silver.orders", path: "/wh/silver.db/orders" }, rows: 120, version: 4 }`
 */
export interface TargetWrite {
  /** The target, with its path (set by the write that created a catalog table). */
  readonly target: ResolvedTarget;
  /**
   * Rows written: the commit's `numOutputRows` — the DataFrame's rows (a replaceWhere overwrite also counts rows
   * it rewrote from partly replaced files); 0 when nothing was committed.
   */
  readonly rows: number;
  /** The version committed; undefined when nothing was (the write's `txnVersion` was already applied). */
  readonly version: number | undefined;
}

/**
 * Write a DataFrame to a target with Delta writer options (`txnAppId`, `userMetadata`, `replaceWhere` …);
 * a catalog table is created by the first write. Returns the target with its path, the rows written and the
 * version committed — the query runs once: callers take the count from here, not from a `count()` beforehand.
 *
 * @example `const { rows, version } = await writeTarget(spark, df, target, "append", { txnAppId: "job", txnVersion: "3" })`
 */
export async function writeTarget(
  session: Session, df: DataFrame<Row>, target: ResolvedTarget, mode: "append" | "overwrite",
  options: Readonly<Record<string, string>> = {}, partitionBy: readonly string[] = [],
): Promise<TargetWrite> {
  const exists = await targetExists(session, target);
  // Creating the table: overwrite-only options have nothing to replace yet (and catalog creation rejects them).
  const opts = exists ? options : Object.fromEntries(Object.entries(options).filter(([k]) => k !== "replaceWhere" && k !== "overwriteSchema"));
  let w = df.write.format("delta").mode(exists ? mode : "append").options(opts);
  if (partitionBy.length && !exists) w = w.partitionBy(...partitionBy);
  // An existing catalog table is written through its directory: the Delta commit is the same, and the catalog's
  // saveAsTable(overwrite) would redefine the table (its partitioning) instead of replacing rows.
  if (target.name !== undefined && !exists) {
    const res = await w.saveAsTable(target.name);
    return outcome({ ...target, path: session.catalog.deltaTarget({ kind: "name", name: target.name }).path }, res);
  }
  return outcome(target, await w.save(target.path!));
}

function outcome(target: ResolvedTarget, res: WriteResult): TargetWrite {
  return { target, rows: res.committed ? res.rows : 0, version: res.committed ? res.version : undefined };
}

/** The target's latest version as a DataFrame. @example `readTarget(spark, target).count()` */
export function readTarget(session: Session, target: ResolvedTarget): DataFrame<Row> {
  return session.read.format("delta").load(target.path!);
}

/**
 * A target (catalog name or Delta path) as a DataFrame of its latest version.
 *
 * @example `const silver = readTableTarget(spark, "silver.orders")`
 */
export function readTableTarget(session: Session, target: TableTarget): DataFrame<Row> {
  return isPathTarget(target) ? session.read.format("delta").load(path.resolve(target)) : session.read.table(target);
}
