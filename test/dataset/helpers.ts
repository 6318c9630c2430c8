/** Functions exported for fnRef() tests: workers import this module by URL. */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { WeirError } from "../../src/errors/index.js";

export function tokenize(line: string): string[] {
  return line.split(/\s+/).filter((w) => w !== "");
}

export function shout(s: string): string {
  return `${s.toUpperCase()}!`;
}

/** Throws (or exits the worker) the first time it sees `marker` missing, then succeeds: a transient failure. */
export function failOnce(x: [string, string, number]): number {
  const [marker, mode, v] = x;
  if (!existsSync(marker)) {
    writeFileSync(marker, "1");
    if (mode === "exit") process.exit(3);
    throw new Error("transient failure");
  }
  return v * 2;
}

/**
 * Throws the WeirError user code calling Weir gets for a dropped Postgres connection the first time it sees
 * `marker` missing, then succeeds: a transient failure that carries a Weir code.
 */
export function weirErrorOnce(x: [string, number]): number {
  const [marker, v] = x;
  if (!existsSync(marker)) {
    writeFileSync(marker, "1");
    throw new WeirError("WEIR_POSTGRES_CONNECTION", "Postgres connection lost during COPY", { hint: "check the server; the load can be rerun" });
  }
  return v * 2;
}

/** Appends a line to the file `log` (counting attempts across worker threads), then returns a pair whose value is a function: not a record Weir can send. */
export function logThenUnsendable(x: [string, number]): [number, () => number] {
  const [log, v] = x;
  appendFileSync(log, "attempt\n");
  return [v, () => v];
}
