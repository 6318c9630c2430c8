import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Command, Option } from "commander";
import { WeirError } from "../errors/index.js";
import { Session, type SessionOptions } from "../dataframe/index.js";
import { printRows, type OutputFormat } from "./format-rows.js";
import { parseParams } from "./parse-params.js";
import { withProgress, type ProgressMode } from "./progress.js";
import { readPath } from "./read-path.js";
import { addRunsCommand } from "./runs-command.js";

/** Options every command accepts (they configure the session). */
interface GlobalOptions {
  threads?: string;
  memoryLimit?: string;
  warehouse?: string;
  verbose?: boolean;
  progress: ProgressMode;
}

/** A pipeline file's default export, as `weir run` calls it. */
type PipelineMain = (session: Session, args: readonly string[]) => unknown;

/**
 * The `weir` command line: each command parses its arguments, calls one public API function on a fresh
 * {@link Session} and prints the result. Errors propagate to the caller (see `main`).
 *
 * @example
 * ```ts
 * await buildProgram("0.1.0").parseAsync(["sql", "select 42"], { from: "user" });
 * ```
 */
export function buildProgram(version: string): Command {
  const program = new Command("weir")
    .description("Weir: Spark-style DataFrames and SQL on embedded DuckDB")
    .version(version, "-V, --version")
    .option("--threads <n>", "DuckDB worker threads (default: all cores)")
    .option("--memory-limit <size>", "DuckDB memory limit before spilling, e.g. 4GB")
    .option("--warehouse <dir>", "warehouse directory for catalog tables", "warehouse")
    .option("--verbose", "print stack traces and causes on errors")
    .addOption(new Option("--progress <when>", "progress bar on work longer than a second").choices(["auto", "always", "never"]).default("auto"))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  const format = (): Option => new Option("-f, --format <format>", "output format").choices(["table", "csv", "json"]).default("table");
  const maxRows = (dflt: number): Option => new Option("-n, --max-rows <n>", "rows shown by the table format").default(dflt).argParser(positiveInt("--max-rows"));

  program.command("sql")
    .description("run a SQL query (DuckDB dialect); files are tables: select * from 'data/*.csv'")
    .argument("<query>", "the SQL text; $name placeholders take --param values")
    .addOption(format())
    .option("-p, --param <name=value>", "bind $name (repeatable); JSON scalars keep their type", collect, [])
    .addOption(maxRows(100))
    .option("--no-truncate", "do not cut table cells to 20 characters")
    .action((query: string, opts: { format: OutputFormat; param: string[]; maxRows: number; truncate: boolean }, cmd: Command) =>
      withSession(cmd, (s, g) => printRows(s.sql(query, parseParams(opts.param)), { format: opts.format, maxRows: opts.maxRows, truncate: opts.truncate, progress: g.progress })));

  program.command("explain")
    .description("show the logical plan, generated SQL and DuckDB's physical plan of a query")
    .argument("<query>", "the SQL text")
    .option("-p, --param <name=value>", "bind $name (repeatable)", collect, [])
    .action((query: string, opts: { param: string[] }, cmd: Command) =>
      withSession(cmd, async (s) => { await s.sql(query, parseParams(opts.param)).explain(); }));

  program.command("schema")
    .description("print the schema of a file, glob or directory (csv, json lines, parquet, delta)")
    .argument("<path>", "file, glob or directory")
    .option("--input-format <format>", "csv, json, parquet or delta (default: from the extension)")
    .option("-o, --option <key=value>", "reader option, e.g. sep=; (repeatable)", collect, [])
    .action((target: string, opts: { inputFormat?: string; option: string[] }, cmd: Command) =>
      withSession(cmd, async (s) => { await readPath(s, target, opts.inputFormat, parseOptions(opts.option)).printSchema(); }));

  program.command("head")
    .description("print the first rows of a file, glob or directory")
    .argument("<path>", "file, glob or directory")
    .addOption(new Option("-n, --rows <n>", "number of rows").default(10).argParser(positiveInt("-n")))
    .addOption(format())
    .option("--input-format <format>", "csv, json, parquet or delta (default: from the extension)")
    .option("-o, --option <key=value>", "reader option, e.g. sep=; (repeatable)", collect, [])
    .option("--no-truncate", "do not cut table cells to 20 characters")
    .action((target: string, opts: { rows: number; format: OutputFormat; inputFormat?: string; option: string[]; truncate: boolean }, cmd: Command) =>
      withSession(cmd, (s, g) => printRows(readPath(s, target, opts.inputFormat, parseOptions(opts.option)), { format: opts.format, maxRows: opts.rows, limit: opts.rows, truncate: opts.truncate, progress: g.progress })));

  program.command("run")
    .description("run a pipeline file: its default export is called as fn(session, args)")
    .argument("<file>", "a .ts or .js module with `export default async function (spark) { … }`")
    .argument("[args...]", "passed to the pipeline")
    .action((file: string, args: string[], _opts: unknown, cmd: Command) => withSession(cmd, async (s, g) => {
      const fn = await loadPipeline(file);
      await withProgress(path.basename(file), async () => { await fn(s, args); }, g.progress);
    }));

  addRunsCommand(program, (cmd, work) => withSession(cmd, (s) => work(s)));
  return program;
}

async function withSession(cmd: Command, work: (s: Session, g: GlobalOptions) => Promise<void>): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const options: SessionOptions = { appName: `weir ${cmd.name()}` };
  if (g.threads !== undefined) options.threads = positiveInt("--threads")(g.threads);
  if (g.memoryLimit !== undefined) options.memoryLimit = g.memoryLimit;
  if (g.warehouse !== undefined) options.warehouse = g.warehouse;
  const session = await Session.create(options);
  try {
    await work(session, g);
  } finally {
    await session.close();
  }
}

async function loadPipeline(file: string): Promise<PipelineMain> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new WeirError("WEIR_PATH_NOT_FOUND", `Pipeline file "${file}" does not exist (resolved to ${abs})`, { hint: "check the path and the working directory" });
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ERR_REQUIRE_CYCLE_MODULE" || code === "ERR_REQUIRE_ASYNC_MODULE" || /Top-level await is currently not supported with the "cjs" output format/.test(String(e))) {
      throw new WeirError("WEIR_CLI_USAGE", `Pipeline file "${file}" could not be loaded as an ES module: no package.json with "type": "module" is above it, so it is treated as CommonJS`, {
        hint: 'add {"type": "module"} to the nearest package.json, or name the file .mts', cause: e,
      });
    }
    throw e;
  }
  if (typeof mod.default !== "function") {
    throw new WeirError("WEIR_CLI_USAGE", `Pipeline file "${file}" has no default export function`, { hint: "add `export default async function (spark: Session) { … }`" });
  }
  return mod.default as PipelineMain;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseOptions(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const eq = f.indexOf("=");
    if (eq <= 0) throw new WeirError("WEIR_CLI_USAGE", `Invalid --option "${f}": expected key=value`, { hint: "e.g. --option sep=; --option header=false" });
    out[f.slice(0, eq)] = f.slice(eq + 1);
  }
  return out;
}

function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new WeirError("WEIR_CLI_USAGE", `Invalid ${flag} "${value}": expected a positive integer`, { hint: `e.g. ${flag} 4` });
    return n;
  };
}
