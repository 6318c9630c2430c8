/**
 * cli — the `weir` command line. Thin by design (like Vite's cli.ts): each command parses its arguments, calls
 * one public API function on a fresh Session and prints the result.
 *
 *   bin/weir.js ─▶ main(argv) ─▶ commander ─▶ Session.create ─▶ sql/read/explain/run ─▶ stdout
 *                     └─ errors ─▶ "weir: <message> [<code>]" + hint on stderr, exit 1 (2 for usage)
 *
 * Invariants: nothing here knows SQL or plans; stdout carries only results (progress bars and errors go to
 * stderr), so `weir sql … --format csv > out.csv` is clean.
 */
export { main } from "./main.js";
export { buildProgram } from "./program.js";
export { formatError } from "./format-error.js";
export { parseParams } from "./parse-params.js";
export { readPath, inferFormat, type InputFormat } from "./read-path.js";
export { printRows, type OutputFormat, type PrintOptions } from "./format-rows.js";
export { withProgress, type ProgressMode } from "./progress.js";
