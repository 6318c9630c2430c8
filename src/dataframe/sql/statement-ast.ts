/**
 * The Weir statements `session.sql` runs itself (everything else goes to DuckDB as a query). Expression and
 * query parts are kept as SQL text slices of the original statement.
 */

/** A table operand: a catalog name or a Delta path (`` delta.`/data/t` ``). @example `{ kind: "name", name: "gold.orders" }` */
export type TableRef = { readonly kind: "name"; readonly name: string } | { readonly kind: "path"; readonly path: string };

/** One `WHEN …` clause of MERGE. @example `{ when: "matched", action: { kind: "delete" } }` */
export interface MergeClause {
  readonly when: "matched" | "notMatched" | "notMatchedBySource";
  readonly condition?: string;
  readonly action:
    | { readonly kind: "update"; readonly set: readonly Assignment[] }
    | { readonly kind: "updateAll" }
    | { readonly kind: "delete" }
    | { readonly kind: "insert"; readonly columns: readonly string[]; readonly values: readonly string[] }
    | { readonly kind: "insertAll" };
}

/** `column = expression`. @example `{ column: "qty", expr: "s.qty" }` */
export interface Assignment {
  readonly column: string;
  readonly expr: string;
}

/** A parsed Weir statement. @example `{ kind: "use", name: "gold" }` */
export type WeirStatement =
  | { readonly kind: "createDatabase"; readonly name: string; readonly ifNotExists: boolean; readonly comment?: string }
  | { readonly kind: "dropDatabase"; readonly name: string; readonly ifExists: boolean; readonly cascade: boolean }
  | { readonly kind: "use"; readonly name: string }
  | { readonly kind: "showDatabases"; readonly like?: string }
  | { readonly kind: "showTables"; readonly database?: string; readonly like?: string }
  | { readonly kind: "showTblProperties"; readonly table: TableRef }
  | {
    readonly kind: "createTable"; readonly name: string; readonly replace: boolean; readonly ifNotExists: boolean; readonly columns?: string;
    readonly using?: string; readonly partitionedBy: readonly string[]; readonly comment?: string; readonly properties: Readonly<Record<string, string>>;
    readonly location?: string; readonly query?: string;
  }
  | { readonly kind: "createView"; readonly name: string; readonly replace: boolean; readonly ifNotExists: boolean; readonly comment?: string; readonly query: string }
  | { readonly kind: "dropTable"; readonly name: string; readonly ifExists: boolean; readonly view: boolean }
  | { readonly kind: "describeTable"; readonly table: TableRef; readonly extended: boolean }
  | { readonly kind: "describeHistory"; readonly table: TableRef; readonly limit?: number }
  | { readonly kind: "describeDetail"; readonly table: TableRef }
  | { readonly kind: "renameTable"; readonly from: string; readonly to: string }
  | { readonly kind: "addConstraint"; readonly table: TableRef; readonly name: string; readonly check: string }
  | { readonly kind: "dropConstraint"; readonly table: TableRef; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: "setProperties"; readonly table: TableRef; readonly properties: Readonly<Record<string, string>> }
  | { readonly kind: "unsetProperties"; readonly table: TableRef; readonly keys: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: "insert"; readonly table: TableRef; readonly overwrite: boolean; readonly columns?: readonly string[]; readonly query: string }
  | {
    readonly kind: "merge"; readonly target: TableRef; readonly targetAlias?: string; readonly source: string; readonly sourceAlias?: string;
    readonly on: string; readonly clauses: readonly MergeClause[]; readonly withSchemaEvolution: boolean;
  }
  | { readonly kind: "update"; readonly table: TableRef; readonly alias?: string; readonly set: readonly Assignment[]; readonly where?: string }
  | { readonly kind: "delete"; readonly table: TableRef; readonly alias?: string; readonly where?: string }
  | { readonly kind: "optimize"; readonly table: TableRef; readonly where?: string; readonly zorderBy: readonly string[] }
  | { readonly kind: "vacuum"; readonly table: TableRef; readonly retainHours?: number; readonly dryRun: boolean }
  | { readonly kind: "restore"; readonly table: TableRef; readonly version?: number; readonly timestamp?: string };
