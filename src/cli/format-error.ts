import { WeirError } from "../errors/index.js";

/**
 * The CLI's rendering of an error: one line `weir: <message> [<code>]`, a `hint:` line when there is a hint and,
 * with `verbose`, the stack and every `cause` below it.
 *
 * @example
 * ```ts
 * formatError(new WeirError("WEIR_PATH_NOT_FOUND", "Input path \"x.csv\" matched no file", { hint: "check the path" }), false);
 * // weir: Input path "x.csv" matched no file [WEIR_PATH_NOT_FOUND]
 * // hint: check the path
 * ```
 */
export function formatError(error: unknown, verbose: boolean): string {
  const lines: string[] = [];
  if (error instanceof WeirError) {
    const hintSuffix = error.hint ? `. Hint: ${error.hint}` : "";
    const message = hintSuffix && error.message.endsWith(hintSuffix) ? error.message.slice(0, -hintSuffix.length) : error.message;
    lines.push(`weir: ${oneLine(message)} [${error.code}]`);
    if (error.hint) lines.push(`hint: ${oneLine(error.hint)}`);
  } else if (error instanceof Error) {
    lines.push(`weir: ${oneLine(error.message)}`);
    if (!verbose) lines.push("hint: run again with --verbose for the stack trace");
  } else {
    lines.push(`weir: ${oneLine(String(error))}`);
  }
  if (verbose) {
    let e: unknown = error;
    let depth = 0;
    while (e instanceof Error && depth < 10) {
      lines.push(depth === 0 ? (e.stack ?? String(e)) : `caused by: ${e.stack ?? String(e)}`);
      e = e.cause;
      depth++;
    }
    if (e !== undefined && !(e instanceof Error)) lines.push(`caused by: ${String(e)}`);
  }
  return lines.join("\n") + "\n";
}

/** Messages from DuckDB can span lines (a caret under the SQL); the first line of the CLI stays one line. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
