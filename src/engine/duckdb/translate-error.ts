import { WeirError, ExecutionError, AnalysisError, IoError } from "../../errors/index.js";
import { malformedInputError } from "./scan/parse-error.js";

/**
 * Turn a DuckDB error into a WeirError with a stable code and a hint, keeping the original as `cause`.
 * @example `catch (e) { throw translateDuckDBError(e, "collect()"); }`
 */
export function translateDuckDBError(e: unknown, action: string): WeirError {
  if (e instanceof WeirError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const first = (msg.split("\n")[0] ?? msg).replace(/^Failed to extract statements:\s*/i, "");
  // DuckDB's CSV/JSON parse errors (incl. CSV conversion errors) name the file and line: WEIR_MALFORMED_RECORD.
  const malformed = malformedInputError(msg, action, e);
  if (malformed) return malformed;
  if (/^Parser Error/i.test(first)) {
    return new AnalysisError("WEIR_SQL_ERROR", `SQL syntax error in ${action}: ${first.replace(/^Parser Error:\s*/i, "")}`, {
      hint: "check the SQL text (DuckDB dialect); identifiers with special characters need double quotes", cause: e,
    });
  }
  if (/Referenced column .* not found|column .* does not exist|Referenced table .* not found/i.test(msg)) {
    return new AnalysisError("WEIR_UNKNOWN_COLUMN", `Unknown column in ${action}: ${first.replace(/^Binder Error:\s*/i, "")}`, {
      hint: "check the column name against df.columns()", cause: e,
    });
  }
  if (/^Catalog Error: Table with name/i.test(msg)) {
    return new AnalysisError("WEIR_UNKNOWN_TABLE", `Unknown table or view in ${action}: ${first.replace(/^Catalog Error:\s*/i, "")}`, {
      hint: "register it with df.createOrReplaceTempView(name), or read the file directly", cause: e,
    });
  }
  if (/^(Conversion Error|Binder Error: No function matches|Binder Error: Cannot compare|Invalid Input Error: Could not convert|Binder Error: Cannot mix)/i.test(msg)) {
    return new AnalysisError("WEIR_TYPE_MISMATCH", `Type mismatch in ${action}: ${first.replace(/^[A-Za-z ]+Error:\s*/i, "")}`, {
      hint: "cast one side with .cast(...) so both have compatible types", cause: e,
    });
  }
  if (/^IO Error: No files found/i.test(msg)) {
    return new IoError("WEIR_PATH_NOT_FOUND", `No input files in ${action}: ${first.replace(/^IO Error:\s*/i, "")}`, {
      hint: "check the path or glob", cause: e,
    });
  }
  if (/^Binder Error/i.test(msg)) {
    return new AnalysisError("WEIR_SQL_ERROR", `Invalid query in ${action}: ${first.replace(/^Binder Error:\s*/i, "")}`, {
      hint: "see the DuckDB message above; df.explain() shows the generated SQL", cause: e,
    });
  }
  return new ExecutionError("WEIR_EXECUTION_FAILED", `Query failed in ${action}: ${first}`, {
    hint: "see error.cause for DuckDB's full message; df.explain() shows the generated SQL", cause: e,
  });
}
