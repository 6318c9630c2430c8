import { CommanderError } from "commander";
import { WeirError } from "../errors/index.js";
import { buildProgram } from "./program.js";
import { formatError } from "./format-error.js";

/** Exit codes of `weir`. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Run the `weir` command line with `argv` (without `node` and the script) and return the exit code: 0 on success,
 * 1 when the work failed, 2 for a usage error. Errors are printed to stderr as one line `weir: <message> [<code>]`
 * plus a hint; `--verbose` adds the stack and the cause chain.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), { version: "0.1.0" });
 * ```
 */
export async function main(argv: readonly string[], options: { version?: string } = {}): Promise<number> {
  const verbose = argv.includes("--verbose");
  try {
    await buildProgram(options.version ?? "0.0.0").parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.ok; // --help, --version
      const message = e.message.replace(/^error: /, "");
      process.stderr.write(formatError(new WeirError("WEIR_CLI_USAGE", message, { hint: "run weir --help (or weir <command> --help)" }), false));
      return EXIT.usage;
    }
    process.stderr.write(formatError(e, verbose));
    return e instanceof WeirError && e.code === "WEIR_CLI_USAGE" ? EXIT.usage : EXIT.failed;
  }
}
