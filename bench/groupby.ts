import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import pl from "nodejs-polars";
import { F, Session, type DataFrame, type Row } from "../src/index.js";
import { ensureGroupbyCsv, groupbyName, type GroupbySpec } from "./gen-groupby.js";
import { G1_POLARS_DTYPES, G1_SCHEMA, GROUPBY_QUESTIONS, type G1, type GroupbyQuestion } from "./groupby-questions.js";
import { formatTable, ratio, sameChecksum, secs, timed } from "./report.js";

/** One engine's answer to a question: row count, per-column sums, and the two run times. */
interface Answer {
  readonly rows: number;
  readonly sums: Readonly<Record<string, number>>;
  readonly times: readonly [number, number];
}

/** An engine under test: load the CSV once, then answer questions (materialized, counted, checksummed). */
interface Engine {
  readonly name: string;
  load(csv: string): Promise<number>;
  /** Run the question, materializing and counting its result; time only that. */
  answer(q: GroupbyQuestion): Promise<{ seconds: number; rows: number; sums: () => Promise<Record<string, number>>; drop: () => Promise<void> }>;
  close(): Promise<void>;
}

/** The result of the groupby benchmark, for the summary. @example `const r = await runGroupby(spec); r.ok` */
export interface GroupbyResult {
  readonly name: string;
  readonly table: string;
  readonly totals: Readonly<Record<string, number>>;
  readonly loads: Readonly<Record<string, number>>;
  readonly checksumsEqual: boolean;
  readonly mismatches: readonly string[];
}

/**
 * db-benchmark groupby: the 10 questions with the Weir DataFrame API, as raw SQL on a bare DuckDB connection, and
 * with nodejs-polars' lazy API. Each engine loads the CSV into memory first (not timed in the totals); each
 * question runs twice per engine, engines interleaved per question; checksums must agree.
 *
 * @example `const r = await runGroupby({ n: 1e5, k: 100, na: 0, sort: false }); console.log(r.table)`
 */
export async function runGroupby(spec: GroupbySpec, log: (line: string) => void = console.log): Promise<GroupbyResult> {
  const csv = await ensureGroupbyCsv(spec);
  const engines: Engine[] = [weirEngine(), duckdbEngine(), polarsEngine()];
  const loads: Record<string, number> = {};
  const answers = new Map<string, Map<string, Answer>>();
  try {
    for (const e of engines) {
      loads[e.name] = await e.load(csv);
      log(`  loaded into ${e.name} in ${secs(loads[e.name]!)} s`);
    }
    for (const q of GROUPBY_QUESTIONS) {
      // Runs interleaved across engines (run 1 of each, then run 2 of each) so load from elsewhere on the
      // machine spreads over all engines instead of landing on one.
      const times = new Map<string, number[]>(engines.map((e) => [e.name, []]));
      const last = new Map<string, Awaited<ReturnType<Engine["answer"]>>>();
      for (let run = 0; run < 2; run++) {
        for (const e of engines) {
          await last.get(e.name)?.drop();
          const a = await e.answer(q);
          last.set(e.name, a);
          times.get(e.name)!.push(a.seconds);
        }
      }
      const perEngine = new Map<string, Answer>();
      for (const e of engines) {
        const a = last.get(e.name)!;
        const sums = await a.sums();
        await a.drop();
        const [t1, t2] = times.get(e.name)!;
        perEngine.set(e.name, { rows: a.rows, sums, times: [t1!, t2!] });
      }
      answers.set(q.id, perEngine);
      log(`  ${q.id.padEnd(3)} ${[...perEngine].map(([n, a]) => `${n} ${secs(a.times[0])} + ${secs(a.times[1])} s`).join(", ")}`);
    }
  } finally {
    for (const e of engines) await e.close();
  }

  const names = engines.map((e) => e.name);
  const totals: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const mismatches: string[] = [];
  const rows = GROUPBY_QUESTIONS.map((q) => {
    const per = answers.get(q.id)!;
    const ref = per.get("duckdb")!;
    for (const n of names) {
      const a = per.get(n)!;
      totals[n]! += a.times[0] + a.times[1];
      if (a.rows !== ref.rows) mismatches.push(`${q.id}: ${n} has ${a.rows} rows, duckdb ${ref.rows}`);
      for (const c of q.checksum) {
        if (!sameChecksum(a.sums[c]!, ref.sums[c]!)) mismatches.push(`${q.id}.${c}: ${n} ${a.sums[c]} vs duckdb ${ref.sums[c]}`);
      }
    }
    const t = (n: string): number => per.get(n)!.times[0] + per.get(n)!.times[1];
    return [q.id, q.title, String(ref.rows), secs(t("weir")), secs(t("duckdb")), secs(t("polars")), ratio(t("weir"), t("duckdb")), ratio(t("weir"), t("polars")),
      mismatches.some((m) => m.startsWith(`${q.id}:`) || m.startsWith(`${q.id}.`)) ? "DIFF" : "equal"];
  });
  rows.push(["total", "", "", secs(totals.weir!), secs(totals.duckdb!), secs(totals.polars!), ratio(totals.weir!, totals.duckdb!), ratio(totals.weir!, totals.polars!), mismatches.length ? "DIFF" : "equal"]);
  const table = formatTable(["question", "title", "rows", "weir s", "duckdb s", "polars s", "weir/duckdb", "weir/polars", "checksums"], rows, 2);
  return { name: groupbyName(spec), table, totals, loads, checksumsEqual: mismatches.length === 0, mismatches };
}

function weirEngine(): Engine {
  let session: Session | undefined;
  let x: DataFrame<G1> | undefined;
  return {
    name: "weir",
    async load(csv) {
      session = await Session.create();
      const [s, df] = await timed(() => session!.read.schema(G1_SCHEMA).option("header", true).csv(csv).cache());
      x = df;
      return s;
    },
    async answer(q) {
      const [seconds, [ans, rows]] = await timed(async () => {
        const ans = await q.weir(x!).cache();
        return [ans, await ans.count()] as const;
      });
      return {
        seconds, rows,
        sums: () => sumsOf(ans, q.checksum),
        drop: async () => void (await ans.unpersist()),
      };
    },
    async close() {
      await session?.close();
    },
  };
}

async function sumsOf(df: DataFrame<Row>, columns: readonly string[]): Promise<Record<string, number>> {
  const [row] = await df.agg(...columns.map((c) => F.sum(c).alias(c))).collect();
  return Object.fromEntries(columns.map((c) => [c, Number(row![c])]));
}

function duckdbEngine(): Engine {
  let db: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  return {
    name: "duckdb",
    async load(csv) {
      db = await DuckDBInstance.create(":memory:");
      conn = await db.connect();
      const [s] = await timed(() => conn!.run(`CREATE TABLE x AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true, columns = {
        'id1': 'VARCHAR', 'id2': 'VARCHAR', 'id3': 'VARCHAR', 'id4': 'INTEGER', 'id5': 'INTEGER', 'id6': 'INTEGER',
        'v1': 'INTEGER', 'v2': 'INTEGER', 'v3': 'DOUBLE'})`));
      return s;
    },
    async answer(q) {
      const c = conn!;
      const [seconds, rows] = await timed(async () => {
        await c.run(`CREATE TEMP TABLE ans AS ${q.sql}`);
        const r = await c.runAndReadAll("SELECT count(*) AS n FROM ans");
        return Number(r.getRowObjects()[0]!.n);
      });
      return {
        seconds, rows,
        sums: async () => {
          const r = await c.runAndReadAll(`SELECT ${q.checksum.map((n) => `sum("${n}")::DOUBLE AS "${n}"`).join(", ")} FROM ans`);
          const row = r.getRowObjects()[0]!;
          return Object.fromEntries(q.checksum.map((n) => [n, Number(row[n])]));
        },
        drop: () => c.run("DROP TABLE IF EXISTS ans").then(() => undefined),
      };
    },
    async close() {
      conn?.closeSync();
      db?.closeSync();
    },
  };
}

function polarsEngine(): Engine {
  let x: pl.DataFrame | undefined;
  return {
    name: "polars",
    async load(csv) {
      const [s, df] = await timed(async () => pl.readCSV(csv, { hasHeader: true, dtypes: G1_POLARS_DTYPES }));
      x = df;
      return s;
    },
    async answer(q) {
      const [seconds, ans] = await timed(() => q.polars(x!.lazy()).collect());
      return {
        seconds, rows: ans.height,
        sums: async () => Object.fromEntries(q.checksum.map((n) => [n, Number(ans.getColumn(n).cast(pl.Float64).sum())])),
        drop: async () => undefined,
      };
    },
    async close() {
      x = undefined;
    },
  };
}
