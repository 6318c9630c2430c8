/**
 * What a Delta table requires of the rows written into it, read from its metadata (PROTOCOL.md "Column
 * Invariants", "CHECK Constraints", and the schema's `nullable`):
 *
 * - NOT NULL: a field with `nullable: false` (nested struct fields only when their parent is non-null);
 * - invariants: `delta.invariants` in a field's metadata, `{"expression": {"expression": "x > 3"}}`;
 * - CHECK constraints: `delta.constraints.<name>` in `metaData.configuration`, a boolean SQL expression.
 *
 * A row violates a constraint when its expression is false **or null** (as delta-spark enforces it). The
 * expressions are SQL text evaluated by the engine over the table's column names.
 */
import type { DataType, StructField, StructType } from "../types/index.js";
import { quoteIdent } from "../util/index.js";

/** The configuration key prefix of CHECK constraints. @example `${CONSTRAINT_PREFIX}positive_qty` */
export const CONSTRAINT_PREFIX = "delta.constraints.";

/** One constraint rows must satisfy. @example `{ kind: "check", name: "positive_qty", expression: "qty > 0" }` */
export interface TableConstraint {
  readonly kind: "notNull" | "invariant" | "check";
  /** The constraint's name (CHECK) or the column path (NOT NULL, invariants). */
  readonly name: string;
  /** SQL evaluated per row; true = satisfied. */
  readonly expression: string;
  /** How a message names it, e.g. `NOT NULL column "id"` or `CHECK constraint positive_qty (qty > 0)`. */
  readonly description: string;
}

/**
 * Every constraint of a table (NOT NULL columns, column invariants, CHECK constraints), in that order.
 *
 * @example
 * ```ts
 * tableConstraints(snapshot.schema, snapshot.configuration);
 * // [{ kind: "notNull", name: "id", expression: '"id" IS NOT NULL', … }, { kind: "check", name: "positive_qty", … }]
 * ```
 */
export function tableConstraints(schema: StructType, configuration: Readonly<Record<string, string | null | undefined>>): TableConstraint[] {
  const out: TableConstraint[] = [];
  walk(schema.fields, [], undefined, out);
  for (const [key, value] of Object.entries(configuration)) {
    if (!key.toLowerCase().startsWith(CONSTRAINT_PREFIX) || typeof value !== "string") continue;
    const name = key.slice(CONSTRAINT_PREFIX.length);
    out.push({ kind: "check", name, expression: value, description: `CHECK constraint ${name} (${value})` });
  }
  return out;
}

function walk(fields: readonly StructField[], parents: readonly string[], guard: string | undefined, out: TableConstraint[]): void {
  for (const f of fields) {
    const names = [...parents, f.name];
    const ref = names.map(quoteIdent).join(".");
    const label = names.join(".");
    if (f.nullable === false) {
      const expression = guard ? `(${guard} OR ${ref} IS NOT NULL)` : `${ref} IS NOT NULL`;
      out.push({ kind: "notNull", name: label, expression, description: `NOT NULL column "${label}"` });
    }
    const invariant = invariantOf(f);
    if (invariant !== undefined) out.push({ kind: "invariant", name: label, expression: invariant, description: `invariant of column "${label}" (${invariant})` });
    const struct = structOf(f.type);
    // A nested field's NOT NULL holds where its parent struct is not null (Spark's rule).
    if (struct) walk(struct.fields, names, f.nullable === false && !guard ? undefined : `${ref} IS NULL`, out);
  }
}

function structOf(t: DataType): StructType | undefined {
  return t.kind === "struct" ? t : undefined;
}

/** The SQL of a field's `delta.invariants` metadata (a JSON string `{"expression": {"expression": "…"}}`). */
function invariantOf(f: StructField): string | undefined {
  const raw = f.metadata?.["delta.invariants"];
  if (raw === undefined || raw === null) return undefined;
  try {
    const json = (typeof raw === "string" ? JSON.parse(raw) : raw) as { expression?: { expression?: unknown } };
    const text = json.expression?.expression;
    return typeof text === "string" && text.trim() ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the schema declares column invariants anywhere (they need writer version 2 / feature `invariants`).
 *
 * @example `hasInvariants(snapshot.schema) // false`
 */
export function hasInvariants(schema: StructType): boolean {
  const visit = (fields: readonly StructField[]): boolean => fields.some((f) => invariantOf(f) !== undefined || (f.type.kind === "struct" && visit(f.type.fields)));
  return visit(schema.fields);
}
