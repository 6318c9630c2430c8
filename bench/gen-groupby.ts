import { DuckDBInstance } from "@duckdb/node-api";
import { ensureDataFile } from "./data-dir.js";

/** Parameters of a db-benchmark groupby data set `G1_<N>_<K>_<NA>_<SORT>`. @example `{ n: 1e7, k: 100, na: 0, sort: false }` */
export interface GroupbySpec {
  readonly n: number;
  readonly k: number;
  /** Percentage (0..100) of id values / value rows set to null. */
  readonly na: number;
  readonly sort: boolean;
  readonly seed?: number;
}

/** The data set's name as db-benchmark spells it. @example `groupbyName({ n: 1e7, k: 100, na: 0, sort: false }) // "G1_1e7_1e2_0_0"` */
export function groupbyName(s: GroupbySpec): string {
  return `G1_${sci(s.n)}_${sci(s.k)}_${s.na}_${s.sort ? 1 : 0}`;
}

/**
 * Generate (once) the db-benchmark groupby CSV described in `shared/bench/README.md` and return its path.
 *
 * DuckDB writes it in parallel. Randomness is DuckDB's `hash()` (a murmur-style 64-bit mix) of one integer
 * made of seed, row and column, rather than `random()` after `setseed`: DuckDB's `random()` is only
 * reproducible single-threaded, a hash of the row number is reproducible at any thread count. (The
 * multi-argument `hash(a, b, c)` is not used: its combined low bits are correlated between columns.)
 *
 * @example
 * ```ts
 * const csv = await ensureGroupbyCsv({ n: 1e7, k: 100, na: 0, sort: false }); // .bench-data/G1_1e7_1e2_0_0.csv
 * ```
 */
export async function ensureGroupbyCsv(spec: GroupbySpec): Promise<string> {
  return ensureDataFile(`${groupbyName(spec)}.csv`, (tmp) => writeGroupbyCsv(spec, tmp));
}

/**
 * Write the groupby CSV for `spec` to `dest` (no caching; see {@link ensureGroupbyCsv}).
 * @example `await writeGroupbyCsv({ n: 1000, k: 10, na: 0, sort: false }, "/tmp/g1.csv")`
 */
export async function writeGroupbyCsv(spec: GroupbySpec, dest: string): Promise<void> {
  const { n, k, na } = spec;
  const seed = spec.seed ?? 2025;
  const nk = Math.max(1, Math.round(n / k));
  for (const v of [n, k, na, seed]) if (!Number.isInteger(v) || v < 0) throw new Error(`groupby generator: bad parameter ${v}`);
  if (n >= 2 ** 27 || seed >= 2 ** 30) throw new Error("groupby generator: n < 2^27 and seed < 2^30 keep the hash inputs distinct");
  // u(c): a uniform 64-bit draw for column c (< 32) of row i; the seed occupies the bits above 2^32.
  const base = `(i * 32 + ${seed * 2 ** 32})`;
  const u = (c: number): string => `hash(${base} + ${c})`;
  // An id value is nulled when the value (not the row) falls in the NA share; value columns null per row.
  const idNull = (expr: string, c: number): string => (na > 0 ? `CASE WHEN hash(CAST(${expr} AS VARCHAR) || '/${seed}/${c}') % 100 < ${na} THEN NULL ELSE ${expr} END` : expr);
  const vNull = (expr: string, c: number): string => (na > 0 ? `CASE WHEN hash(${base} + ${16 + c}) % 100 < ${na} THEN NULL ELSE ${expr} END` : expr);
  const idStr = (draw: string, width: number, c: number): string =>
    idNull(`'id' || lpad(CAST(${draw} AS VARCHAR), ${width}, '0')`, c);
  const select = `
    SELECT
      ${idStr(`${u(1)} % ${k} + 1`, 3, 1)} AS id1,
      ${idStr(`${u(2)} % ${k} + 1`, 3, 2)} AS id2,
      ${idStr(`${u(3)} % ${nk} + 1`, 10, 3)} AS id3,
      ${idNull(`CAST(${u(4)} % ${k} + 1 AS INTEGER)`, 4)} AS id4,
      ${idNull(`CAST(${u(5)} % ${k} + 1 AS INTEGER)`, 5)} AS id5,
      ${idNull(`CAST(${u(6)} % ${nk} + 1 AS INTEGER)`, 6)} AS id6,
      ${vNull(`CAST(${u(7)} % 5 + 1 AS INTEGER)`, 7)} AS v1,
      ${vNull(`CAST(${u(8)} % 15 + 1 AS INTEGER)`, 8)} AS v2,
      ${vNull(`round(CAST(${u(9)} >> 11 AS DOUBLE) / 9007199254740992.0 * 100, 6)`, 9)} AS v3
    FROM range(${n}) t(i)
    ${spec.sort ? "ORDER BY id1, id2, id3, id4, id5, id6" : ""}`;
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    await conn.run(`COPY (${select}) TO '${dest.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

function sci(x: number): string {
  const e = Math.floor(Math.log10(x));
  const m = x / 10 ** e;
  return Number.isInteger(m) ? `${m}e${e}` : String(x);
}
