import { WeirError } from "../errors/index.js";

/**
 * Parse repeated `--param k=v` flags into bound SQL parameters (`$k`). A value that is a JSON scalar (number,
 * `true`, `false`, `null`, `"quoted string"`) takes that type; anything else is a string. Integers beyond 2^53
 * become bigint so no digit is lost.
 *
 * @example
 * ```ts
 * parseParams(["d=2025-01-01", "n=10", 'code="007"']); // { d: "2025-01-01", n: 10, code: "007" }
 * ```
 */
export function parseParams(flags: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    const key = eq < 0 ? "" : flag.slice(0, eq).replace(/^\$/, "");
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new WeirError("WEIR_CLI_USAGE", `Invalid --param "${flag}": expected name=value with a name like d or start_day`, { hint: 'e.g. --param day=2025-01-01 (referenced as $day in the query)' });
    }
    params[key] = parseValue(flag.slice(eq + 1));
  }
  return params;
}

function parseValue(text: string): unknown {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  if (text === "true" || text === "false" || text === "null" || /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) || /^".*"$/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
