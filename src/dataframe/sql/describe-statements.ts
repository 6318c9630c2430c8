import { formatTableIdent } from "../../catalog/index.js";
import { loadDeltaSnapshot } from "../../engine/index.js";
import { simpleString, t, type StructType } from "../../types/index.js";
import { DeltaTable } from "../delta-table.js";
import { lit } from "../functions/index.js";
import { schemaOfPlan } from "../runtime.js";
import type { Session } from "../session.js";
import type { CommandOutput } from "./command-result.js";
import type { StatementContext } from "./ddl-statements.js";
import type { WeirStatement } from "./statement-ast.js";

type Describe = Extract<WeirStatement, { kind: "describeTable" | "describeHistory" | "describeDetail" }>;
const DESCRIBE_SCHEMA = t.struct({ col_name: t.string(), data_type: t.string(), comment: t.string() });

/**
 * `DESCRIBE [EXTENDED] t`, `DESCRIBE HISTORY t [LIMIT n]`, `DESCRIBE DETAIL t` with Spark's output columns.
 *
 * @example
 * ```ts
 * await runDescribe(ctx, session, { kind: "describeTable", table: { kind: "name", name: "gold.orders" }, extended: true });
 * ```
 */
export async function runDescribe(ctx: StatementContext, session: Session, s: Describe): Promise<CommandOutput> {
  const { catalog } = ctx;
  switch (s.kind) {
    case "describeHistory": {
      const table = await DeltaTable.forPath(session, catalog.deltaTarget(s.table).path);
      return { rows: [], plan: (await table.history(s.limit)).plan };
    }
    case "describeDetail": {
      const target = catalog.deltaTarget(s.table);
      const detail = await (await DeltaTable.forPath(session, target.path)).detail();
      return { rows: [], plan: (target.id ? detail.withColumn("name", lit(`spark_catalog.${formatTableIdent(target.id)}`)) : detail).plan };
    }
    case "describeTable": {
      const ref = s.table;
      let schema: StructType;
      let partitions: readonly string[] = [];
      const extra: [string, string][] = [];
      if (ref.kind === "path") {
        const snap = await loadDeltaSnapshot(ctx.runtime.executor, ref.path);
        schema = snap.schema;
        partitions = snap.partitionColumns;
        extra.push(["Location", ref.path], ["Provider", "delta"]);
      } else {
        const temp = !ref.name.includes(".") ? ctx.runtime.views.get(ref.name.replaceAll("`", "").toLowerCase()) : undefined;
        if (temp) {
          schema = await schemaOfPlan(ctx.runtime, temp.plan);
          extra.push(["Table", temp.name], ["Type", "VIEW"], ["Is Temporary", "true"]);
        } else {
          const id = catalog.ident(ref.name);
          const found = catalog.warehouse.require(id);
          extra.push(["Catalog", "spark_catalog"], ["Database", id.database], ["Table", id.table]);
          if (found.entry.kind === "view") {
            schema = await schemaOfPlan(ctx.runtime, catalog.relation(formatTableIdent(id)));
            extra.push(["Type", "VIEW"], ["View Text", found.entry.viewText ?? ""]);
          } else {
            const snap = await loadDeltaSnapshot(ctx.runtime.executor, found.path!);
            schema = snap.schema;
            partitions = snap.partitionColumns;
            const props = Object.entries(snap.configuration).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`);
            extra.push(["Type", found.entry.managed ? "MANAGED" : "EXTERNAL"], ["Location", found.path!], ["Provider", "delta"]);
            if (props.length) extra.push(["Table Properties", `[${props.join(",")}]`]);
          }
          const description = found.entry.description;
          if (description !== undefined) extra.push(["Comment", description]);
        }
      }
      const rows: { col_name: string; data_type: string; comment: string | null }[] = schema.fields.map((f) => ({ col_name: f.name, data_type: simpleString(f.type), comment: commentOf(f.metadata) }));
      if (partitions.length) {
        rows.push({ col_name: "# Partition Information", data_type: "", comment: "" }, { col_name: "# col_name", data_type: "data_type", comment: "comment" });
        for (const p of partitions) {
          const f = schema.fields.find((x) => x.name === p);
          rows.push({ col_name: p, data_type: f ? simpleString(f.type) : "", comment: null });
        }
      }
      if (s.extended) {
        rows.push({ col_name: "", data_type: "", comment: "" }, { col_name: "# Detailed Table Information", data_type: "", comment: "" });
        for (const [k, v] of extra) rows.push({ col_name: k, data_type: v, comment: "" });
      }
      return { rows, schema: DESCRIBE_SCHEMA };
    }
    default: { const never: never = s; return never; }
  }
}

function commentOf(metadata: unknown): string | null {
  const c = metadata && typeof metadata === "object" ? (metadata as Record<string, unknown>).comment : undefined;
  return typeof c === "string" ? c : null;
}
