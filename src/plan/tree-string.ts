import { exprName, type Expr } from "../expr/index.js";
import { inputs, type Plan } from "./nodes.js";

/**
 * Render a logical plan as an indented tree, Spark-style, for `explain()`.
 * @example
 * ```ts
 * planTreeString(df.plan);
 * // Filter (status = completed)
 * // +- Scan csv [data/orders/*.csv]
 * ```
 */
export function planTreeString(root: Plan): string {
  const lines: string[] = [];
  const walk = (p: Plan, prefix: string, childPrefix: string): void => {
    lines.push(prefix + describe(p));
    const kids = inputs(p);
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      walk(k, `${childPrefix}${last ? "+- " : ":- "}`, `${childPrefix}${last ? "   " : ":  "}`);
    });
  };
  walk(root, "", "");
  return lines.join("\n");
}

const list = (es: readonly Expr[]): string => es.map(exprName).join(", ");

function describe(p: Plan): string {
  switch (p.kind) {
    case "scan": return `Scan ${p.format} [${p.paths.join(", ")}]${p.pushedFilters?.length ? ` PushedFilters: [${list(p.pushedFilters)}]` : ""}${p.requiredColumns ? ` ReadColumns: [${p.requiredColumns.join(", ")}]` : ""}`;
    case "sql": return `SQL ${JSON.stringify(p.query.length > 80 ? `${p.query.slice(0, 77)}...` : p.query)}`;
    case "local": return `LocalRelation [${p.schema.fields.map((f) => f.name).join(", ")}], ${p.rows.length} rows`;
    case "project": return `Project [${list(p.exprs)}]`;
    case "withColumns": return `WithColumns [${p.columns.map((c) => `${exprName(c.expr)} AS ${c.name}`).join(", ")}]`;
    case "drop": return `Drop [${list(p.columns)}]`;
    case "rename": return `Rename [${p.renames.map((r) => `${r.from} -> ${r.to}`).join(", ")}]`;
    case "filter": return `Filter ${exprName(p.condition)}`;
    case "aggregate": return `Aggregate ${p.grouping}[${list(p.keys)}] [${list(p.aggs)}]${p.pivot ? ` pivot ${exprName(p.pivot.column)}` : ""}`;
    case "join": return `Join ${p.how}${p.using ? ` using [${p.using.join(", ")}]` : ""}${p.condition ? ` ${exprName(p.condition)}` : ""}`;
    case "sort": return `Sort [${list(p.orders)}]`;
    case "limit": return `Limit ${p.limit}${p.offset ? ` offset ${p.offset}` : ""}`;
    case "distinct": return "Distinct";
    case "dropDuplicates": return `DropDuplicates [${p.subset.join(", ")}]`;
    case "setop": return `${p.op}${p.allowMissingColumns ? " (allowMissingColumns)" : ""}`;
    case "sample": return `Sample fraction=${p.fraction}${p.seed !== undefined ? ` seed=${p.seed}` : ""}`;
    case "alias": return `SubqueryAlias ${p.alias}`;
    case "hint": return `Hint ${p.name}`;
    case "materialized": return `Materialized ${p.storage.kind === "table" ? `cache ${p.storage.name}` : `checkpoint ${p.storage.path}`}`;
    case "fillna": return `FillNa`;
    case "dropna": return `DropNa ${p.how}${p.thresh !== undefined ? ` thresh=${p.thresh}` : ""}`;
    case "replace": return `Replace ${p.mapping.length} values`;
    case "repartition": return `Repartition ${p.numPartitions}${p.keys.length ? ` by [${list(p.keys)}]` : ""}`;
    default: { const never: never = p; return never; }
  }
}
