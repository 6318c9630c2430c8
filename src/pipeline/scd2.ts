import { DeltaTable, type DataFrame, type Row, type Session } from "../dataframe/index.js";
import { WeirError } from "../errors/index.js";
import { quoteIdent } from "../util/index.js";
import { assertKeys } from "./merge-keys.js";
import { readTarget, resolveTarget, targetExists, writeTarget, type TableTarget } from "./table-target.js";

/** What `scd2` does. @example `{ target: "gold.dim_customer", source: customers, keys: ["customer_id"], trackedColumns: ["city", "tier"], effectiveFrom: "updated_at" }` */
export interface Scd2Options {
  readonly target: TableTarget;
  /** Versions of records: each row is the state of its key from `effectiveFrom` on. */
  readonly source: DataFrame<Row>;
  readonly keys: readonly string[];
  /** A new version starts only when one of these changes (other columns are carried along). */
  readonly trackedColumns: readonly string[];
  /** The source column saying when a version became effective (timestamp, date or number). */
  readonly effectiveFrom: string;
  /** Names of the validity columns Weir maintains; defaults `start_at`, `end_at`, `is_current`. */
  readonly startColumn?: string;
  readonly endColumn?: string;
  readonly currentColumn?: string;
}

/** What an SCD2 merge did. @example `{ versionsInserted: 3, versionsClosed: 1, version: 5 }` */
export interface Scd2Result {
  readonly versionsInserted: number;
  readonly versionsClosed: number;
  readonly version: number | undefined;
}

/**
 * Maintain a type 2 slowly changing dimension in one MERGE commit: per key, the source's versions are ordered by
 * `effectiveFrom` and chained — a version whose tracked columns equal the previous one's is no change and is
 * skipped, each kept version ends where the next starts (`end_at`), the last is current — and the target's
 * current version is closed at the first new version's start. Idempotent: versions whose (key, start) the target
 * already has are skipped, so a rerun changes nothing. Documented behaviour: source versions not newer than the
 * key's current version are ignored (history is not rewritten); two source rows with the same key and
 * `effectiveFrom` are one version (one of them wins); NULL keys fail with `WEIR_PIPELINE_NULL_KEY`.
 *
 * @example
 * ```ts
 * await scd2(spark, { target: "gold.dim_customer", source: changes, keys: ["customer_id"], trackedColumns: ["city", "tier"], effectiveFrom: "updated_at" });
 * ```
 */
export async function scd2(session: Session, opts: Scd2Options): Promise<Scd2Result> {
  const what = `scd2(${opts.target})`;
  const start = opts.startColumn ?? "start_at";
  const end = opts.endColumn ?? "end_at";
  const current = opts.currentColumn ?? "is_current";
  await assertKeys(session, opts.source, opts.keys, what);
  const columns = await opts.source.columns();
  for (const c of [...opts.trackedColumns, opts.effectiveFrom]) {
    if (!columns.includes(c)) throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown column "${c}" in ${what}. Source columns: ${columns.join(", ")}`, { hint: "trackedColumns and effectiveFrom name source columns", details: { column: c } });
  }
  for (const c of [start, end, current]) {
    if (columns.includes(c)) throw new WeirError("WEIR_INVALID_ARGUMENT", `${what}: the source already has a column "${c}", which SCD2 maintains`, { hint: "rename it, or set startColumn/endColumn/currentColumn" });
  }
  const q = quoteIdent;
  const keys = opts.keys.map(q).join(", ");
  const on = (a: string, b: string): string => opts.keys.map((k) => `${a}.${q(k)} = ${b}.${q(k)}`).join(" AND ");
  const tracked = `ROW(${opts.trackedColumns.map(q).join(", ")})`;
  const eff = q(opts.effectiveFrom);
  const cols = columns.map(q).join(", ");
  const target = await resolveTarget(session, opts.target);
  const exists = await targetExists(session, target);
  const tgt = exists ? readTarget(session, target) : session.sql(`SELECT *, ${eff} AS ${q(start)}, ${eff} AS ${q(end)}, true AS ${q(current)} FROM {source} WHERE false`, { source: opts.source });
  // One query computes the rows to close (current versions superseded) and the versions to insert.
  const staged = session.sql(`
    WITH src AS (SELECT ${cols} FROM {source} QUALIFY row_number() OVER (PARTITION BY ${keys}, ${eff}) = 1),
    cur AS (SELECT * FROM {tgt} WHERE ${q(current)}),
    v AS (SELECT s.* FROM src AS s
          WHERE NOT EXISTS (SELECT 1 FROM {tgt} AS k WHERE ${on("k", "s")} AND k.${q(start)} = s.${eff})
            AND NOT EXISTS (SELECT 1 FROM cur AS c WHERE ${on("c", "s")} AND c.${q(start)} >= s.${eff})),
    chain AS (
      SELECT ${columns.map((c) => (c === opts.effectiveFrom ? `c.${q(start)} AS ${q(c)}` : `c.${q(c)}`)).join(", ")}, true AS __weir_cur
        FROM cur AS c WHERE EXISTS (SELECT 1 FROM v WHERE ${on("v", "c")})
      UNION ALL SELECT ${cols}, false AS __weir_cur FROM v),
    marked AS (SELECT *, ${tracked} IS DISTINCT FROM lag(${tracked}) OVER (PARTITION BY ${keys} ORDER BY ${eff}) AS __weir_changed FROM chain),
    kept AS (SELECT *, lead(${eff}) OVER (PARTITION BY ${keys} ORDER BY ${eff}) AS __weir_next FROM marked WHERE __weir_cur OR __weir_changed)
    SELECT ${cols}, ${eff} AS ${q(start)}, __weir_next AS ${q(end)}, __weir_next IS NULL AS ${q(current)}, CASE WHEN __weir_cur THEN 'close' ELSE 'insert' END AS __scd2_action
    FROM kept WHERE NOT __weir_cur OR __weir_next IS NOT NULL`, { source: opts.source, tgt });
  const rows = await staged.checkpoint();
  const counts = await session.sql("SELECT count(*) FILTER (WHERE __scd2_action = 'insert') AS i, count(*) FILTER (WHERE __scd2_action = 'close') AS c FROM {r}", { r: rows }).collect();
  const inserted = Number(counts[0]?.i ?? 0);
  const closed = Number(counts[0]?.c ?? 0);
  if (inserted === 0 && closed === 0) return { versionsInserted: 0, versionsClosed: 0, version: undefined };
  if (!exists) {
    const written = await writeTarget(session, rows.drop("__scd2_action"), target, "append");
    return { versionsInserted: inserted, versionsClosed: 0, version: written.version };
  }
  const values = Object.fromEntries([...columns, start, end, current].map((c) => [c, `s.${q(c)}`]));
  const m = await (await DeltaTable.forPath(session, target.path!)).alias("t")
    .merge(rows.alias("s"), `${on("t", "s")} AND t.${q(current)} AND t.${q(start)} = s.${q(start)} AND s.__scd2_action = 'close'`)
    .whenMatchedUpdate({ set: { [end]: `s.${q(end)}`, [current]: "false" } })
    .whenNotMatchedInsert({ condition: "s.__scd2_action = 'insert'", values })
    .execute();
  return { versionsInserted: m.numTargetRowsInserted ?? 0, versionsClosed: m.numTargetRowsUpdated ?? 0, version: m.version };
}
