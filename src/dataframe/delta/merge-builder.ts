/**
 * delta-spark's `DeltaMergeBuilder`: `table.alias("t").merge(source.alias("s"), "t.id = s.id")` followed by
 * WHEN clauses (evaluated in the order given; the first whose condition holds acts on a row) and `execute()`.
 * Conditions and values are Columns or SQL strings referencing the aliases.
 */
import { mk, type Expr } from "../../expr/index.js";
import { mergeIntoDelta, type DeltaAssignment, type DeltaMergeClause } from "../../engine/index.js";
import { Column } from "../column.js";
import { WeirError } from "../../errors/index.js";
import type { Plan } from "../../plan/index.js";
import type { Runtime } from "../runtime.js";

/** A condition or value: a Column, or a SQL expression string such as `"t.id = s.id"` / `"s.qty + 1"`. @example `"s.qty > 0"` */
export type DeltaExpr = Column<unknown, string> | string;

/** Column assignments: target column → new value. @example `{ qty: "s.qty", updated: F.currentTimestamp() }` */
export type DeltaAssignments = Readonly<Record<string, DeltaExpr>>;

/**
 * Spark's MERGE metrics (`numTargetRowsInserted`, …) as numbers, plus `version` (undefined when nothing
 * changed) and `numTargetFilesScanned` / `numTargetFilesTotal` (files read after pruning / files in the table).
 *
 * @example `{ numTargetRowsUpdated: 2, numTargetRowsInserted: 1, numTargetFilesRemoved: 1, … }`
 */
export interface MergeMetrics {
  readonly version: number | undefined;
  readonly numSourceRows: number;
  readonly numTargetRowsInserted: number;
  readonly numTargetRowsUpdated: number;
  readonly numTargetRowsDeleted: number;
  readonly numTargetRowsMatchedUpdated: number;
  readonly numTargetRowsMatchedDeleted: number;
  readonly numTargetRowsNotMatchedBySourceUpdated: number;
  readonly numTargetRowsNotMatchedBySourceDeleted: number;
  readonly numTargetRowsCopied: number;
  readonly numOutputRows: number;
  readonly numTargetFilesAdded: number;
  readonly numTargetFilesRemoved: number;
  readonly numTargetFilesScanned: number;
  readonly numTargetFilesTotal: number;
  readonly numTargetBytesAdded: number;
  readonly numTargetBytesRemoved: number;
  /** Merge-on-read (`delta.enableDeletionVectors`): files that got a first DV / whose DV was replaced / whose DV went with the file. */
  readonly numTargetDeletionVectorsAdded: number;
  readonly numTargetDeletionVectorsUpdated: number;
  readonly numTargetDeletionVectorsRemoved: number;
  readonly executionTimeMs: number;
  readonly [metric: string]: number | undefined;
}

/** Convert a condition or value to an expression. @example `toExpr("t.id = s.id")` */
export function toExpr(e: DeltaExpr): Expr {
  return typeof e === "string" ? mk<Expr>({ kind: "sql", text: e }) : e instanceof Column ? e.expr : badExpr(e);
}

function badExpr(e: unknown): never {
  throw new TypeError(`Expected a Column or a SQL expression string, got ${typeof e}`);
}

/** Convert assignments. @example `toAssignments({ qty: "s.qty" })` */
export function toAssignments(set: DeltaAssignments): DeltaAssignment[] {
  return Object.entries(set).map(([column, value]) => ({ column, value: toExpr(value) }));
}

/** What a merge needs from its DeltaTable. */
export interface MergeTarget {
  readonly path: string;
  readonly aliasName: string | undefined;
}

/**
 * Builds and runs a MERGE. Each `when…` returns the builder, so clauses chain as in delta-spark.
 *
 * @example
 * ```ts
 * const m = await table.alias("t").merge(updates.alias("s"), "t.id = s.id")
 *   .whenMatchedUpdate({ set: { qty: "s.qty" } })
 *   .whenNotMatchedInsertAll()
 *   .execute();
 * m.numTargetRowsUpdated; // 2
 * ```
 */
export class DeltaMergeBuilder {
  private readonly clauses: DeltaMergeClause[] = [];
  private readonly options: Record<string, string> = {};
  private evolve = false;

  constructor(private readonly target: MergeTarget, private readonly source: { readonly plan: Plan; readonly runtime: Runtime }, private readonly condition: DeltaExpr) {}

  /** Update matched target rows (`WHEN MATCHED [AND condition] THEN UPDATE SET …`). @example `.whenMatchedUpdate({ condition: "s.ts > t.ts", set: { qty: "s.qty" } })` */
  whenMatchedUpdate(opts: { condition?: DeltaExpr; set: DeltaAssignments }): this {
    return this.add({ kind: "matchedUpdate", ...cond(opts.condition), set: toAssignments(opts.set) });
  }

  /** Update every column of matched rows from the source column of the same name (`UPDATE SET *`). @example `.whenMatchedUpdateAll("s.op = 'U'")` */
  whenMatchedUpdateAll(condition?: DeltaExpr): this {
    return this.add({ kind: "matchedUpdate", ...cond(condition), set: "*" });
  }

  /** Delete matched target rows. @example `.whenMatchedDelete("s.op = 'D'")` */
  whenMatchedDelete(condition?: DeltaExpr): this {
    return this.add({ kind: "matchedDelete", ...cond(condition) });
  }

  /** Insert source rows matching no target row; unassigned columns are null. @example `.whenNotMatchedInsert({ values: { id: "s.id", qty: "s.qty" } })` */
  whenNotMatchedInsert(opts: { condition?: DeltaExpr; values: DeltaAssignments }): this {
    return this.add({ kind: "notMatchedInsert", ...cond(opts.condition), values: toAssignments(opts.values) });
  }

  /** Insert unmatched source rows, every column from the source (`INSERT *`). @example `.whenNotMatchedInsertAll()` */
  whenNotMatchedInsertAll(condition?: DeltaExpr): this {
    return this.add({ kind: "notMatchedInsert", ...cond(condition), values: "*" });
  }

  /** Update target rows no source row matches. @example `.whenNotMatchedBySourceUpdate({ set: { active: "false" } })` */
  whenNotMatchedBySourceUpdate(opts: { condition?: DeltaExpr; set: DeltaAssignments }): this {
    return this.add({ kind: "notMatchedBySourceUpdate", ...cond(opts.condition), set: toAssignments(opts.set) });
  }

  /** Delete target rows no source row matches. @example `.whenNotMatchedBySourceDelete("t.day < '2024-01-01'")` */
  whenNotMatchedBySourceDelete(condition?: DeltaExpr): this {
    return this.add({ kind: "notMatchedBySourceDelete", ...cond(condition) });
  }

  /**
   * Delta's MERGE schema evolution: source columns the table lacks are added to its schema (nullable, at the
   * end) and set by `whenMatchedUpdateAll` / `whenNotMatchedInsertAll`; rows that get no value hold null. Also
   * on for every MERGE when `spark.databricks.delta.schema.autoMerge.enabled` is true.
   *
   * @example `await table.alias("t").merge(src.alias("s"), "t.id = s.id").withSchemaEvolution().whenNotMatchedInsertAll().execute()`
   */
  withSchemaEvolution(): this {
    this.evolve = true;
    return this;
  }

  /**
   * A commit option, as the Delta writer's: `txnAppId` + `txnVersion` make the MERGE idempotent (skipped, with
   * `version` undefined, when the table already recorded that appId at that version or later; otherwise the commit
   * carries the `txn` action), `userMetadata` is stored in `commitInfo`.
   *
   * @example `.option("txnAppId", "load_orders").option("txnVersion", 42).option("userMetadata", '{"batch":42}')`
   */
  option(key: "txnAppId" | "txnVersion" | "userMetadata", value: string | number): this {
    if (!["txnAppId", "txnVersion", "userMetadata"].includes(key)) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported option "${String(key)}" for merge()`, { hint: "supported: txnAppId, txnVersion, userMetadata" });
    }
    this.options[key] = String(value);
    return this;
  }

  /**
   * Run the MERGE as one Delta commit. Several source rows matching one target row fail with
   * `WEIR_DELTA_MERGE_DUPLICATE_SOURCE` and leave the table unchanged; a conflicting concurrent commit fails with
   * `WEIR_DELTA_CONCURRENT_MODIFICATION`.
   *
   * @example `const { numTargetRowsInserted } = await builder.execute();`
   */
  async execute(): Promise<MergeMetrics> {
    const rt = this.source.runtime;
    const { version, metrics, warnings } = await rt.job(`MERGE INTO ${this.target.path}`, () => mergeIntoDelta(rt.executor, {
      root: this.target.path, ...(this.target.aliasName ? { targetAlias: this.target.aliasName } : {}), source: this.source.plan,
      condition: toExpr(this.condition), clauses: this.clauses, external: rt.external, ...this.commitOptions(),
      schemaEvolution: this.evolve || rt.conf?.get("spark.databricks.delta.schema.autoMerge.enabled", "false").toLowerCase() === "true",
    }));
    return { ...metrics, ...(warnings?.length ? { checkpointFailed: 1 } : {}), version } as MergeMetrics;
  }

  private commitOptions(): { txn?: { appId: string; version: number }; userMetadata?: string } {
    const o = this.options;
    const out: { txn?: { appId: string; version: number }; userMetadata?: string } = o.userMetadata !== undefined ? { userMetadata: o.userMetadata } : {};
    if (o.txnAppId === undefined && o.txnVersion === undefined) return out;
    const version = Number(o.txnVersion);
    if (!o.txnAppId || !Number.isInteger(version) || version < 0) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Idempotent MERGE needs both txnAppId and a non-negative integer txnVersion (got ${JSON.stringify(o.txnAppId)}, ${JSON.stringify(o.txnVersion)})`, {
        hint: '.option("txnAppId", "etl-orders").option("txnVersion", batchId)',
      });
    }
    return { ...out, txn: { appId: o.txnAppId, version } };
  }

    private add(c: DeltaMergeClause): this {
    this.clauses.push(c);
    return this;
  }
}

function cond(c: DeltaExpr | undefined): { condition?: Expr } {
  return c === undefined ? {} : { condition: toExpr(c) };
}
