import pl from "nodejs-polars";
import { col, F, t, Window, type DataFrame, type Row } from "../src/index.js";

/** The G1 columns as loaded by every engine: ids 1–3 strings, integers INTEGER, v3 DOUBLE. */
export const G1_SCHEMA = t.struct({
  id1: t.string(), id2: t.string(), id3: t.string(),
  id4: t.int32(), id5: t.int32(), id6: t.int32(),
  v1: t.int32(), v2: t.int32(), v3: t.float64(),
});

/** The same columns for nodejs-polars' CSV reader. */
export const G1_POLARS_DTYPES = {
  id1: pl.Utf8, id2: pl.Utf8, id3: pl.Utf8,
  id4: pl.Int32, id5: pl.Int32, id6: pl.Int32,
  v1: pl.Int32, v2: pl.Int32, v3: pl.Float64,
};

/** A G1 row. */
export type G1 = t.Infer<typeof G1_SCHEMA>;

/**
 * One db-benchmark groupby question in each engine's idiom. `checksum` lists the numeric result columns
 * whose sums must agree between engines (the same names in every engine).
 */
export interface GroupbyQuestion {
  readonly id: string;
  readonly title: string;
  readonly checksum: readonly string[];
  /** Weir DataFrame API over the cached table. */
  readonly weir: (x: DataFrame<G1>) => DataFrame<Row>;
  /** Hand-written DuckDB SQL over table `x` (as db-benchmark's DuckDB solution writes it). */
  readonly sql: string;
  /** nodejs-polars lazy API (as db-benchmark's Polars solution writes it). */
  readonly polars: (x: pl.LazyDataFrame) => pl.LazyDataFrame;
}

/**
 * The 10 questions of `shared/bench/README.md`.
 * @example `for (const q of GROUPBY_QUESTIONS) await q.weir(x).cache()`
 */
export const GROUPBY_QUESTIONS: readonly GroupbyQuestion[] = [
  {
    id: "q1", title: "sum v1 by id1", checksum: ["v1"],
    weir: (x) => x.groupBy("id1").agg(F.sum("v1").alias("v1")),
    sql: "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1",
    polars: (x) => x.groupBy("id1").agg(pl.col("v1").sum()),
  },
  {
    id: "q2", title: "sum v1 by id1:id2", checksum: ["v1"],
    weir: (x) => x.groupBy("id1", "id2").agg(F.sum("v1").alias("v1")),
    sql: "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2",
    polars: (x) => x.groupBy(["id1", "id2"]).agg(pl.col("v1").sum()),
  },
  {
    id: "q3", title: "sum v1 mean v3 by id3", checksum: ["v1", "v3"],
    weir: (x) => x.groupBy("id3").agg(F.sum("v1").alias("v1"), F.mean("v3").alias("v3")),
    sql: "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3",
    polars: (x) => x.groupBy("id3").agg(pl.col("v1").sum(), pl.col("v3").mean()),
  },
  {
    id: "q4", title: "mean v1:v3 by id4", checksum: ["id4", "v1", "v2", "v3"],
    weir: (x) => x.groupBy("id4").agg(F.mean("v1").alias("v1"), F.mean("v2").alias("v2"), F.mean("v3").alias("v3")),
    sql: "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4",
    polars: (x) => x.groupBy("id4").agg(pl.col("v1").mean(), pl.col("v2").mean(), pl.col("v3").mean()),
  },
  {
    id: "q5", title: "sum v1:v3 by id6", checksum: ["id6", "v1", "v2", "v3"],
    weir: (x) => x.groupBy("id6").agg(F.sum("v1").alias("v1"), F.sum("v2").alias("v2"), F.sum("v3").alias("v3")),
    sql: "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6",
    polars: (x) => x.groupBy("id6").agg(pl.col("v1").sum(), pl.col("v2").sum(), pl.col("v3").sum()),
  },
  {
    id: "q6", title: "median v3 sd v3 by id4 id5", checksum: ["id4", "id5", "median_v3", "sd_v3"],
    weir: (x) => x.groupBy("id4", "id5").agg(F.median("v3").alias("median_v3"), F.stddev("v3").alias("sd_v3")),
    sql: "SELECT id4, id5, quantile_cont(v3, 0.5) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5",
    polars: (x) => x.groupBy(["id4", "id5"]).agg(pl.col("v3").median().alias("median_v3"), pl.col("v3").std().alias("sd_v3")),
  },
  {
    id: "q7", title: "max v1 - min v2 by id3", checksum: ["range_v1_v2"],
    weir: (x) => x.groupBy("id3").agg(F.max("v1").minus(F.min("v2")).alias("range_v1_v2")),
    sql: "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3",
    polars: (x) => x.groupBy("id3").agg(pl.col("v1").max().minus(pl.col("v2").min()).alias("range_v1_v2")),
  },
  {
    // row_number rather than rank: ties in v3 would give rank() more than two rows per group.
    id: "q8", title: "largest two v3 by id6", checksum: ["id6", "largest2_v3"],
    weir: (x) => x.filter(col("v3").isNotNull())
      .withColumn("order_v3", F.rowNumber().over(Window.partitionBy("id6").orderBy(col("v3").desc())))
      .filter(col("order_v3").leq(2))
      .select("id6", col("v3").alias("largest2_v3")),
    sql: "SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2",
    polars: (x) => x.dropNulls("v3").sort("v3", true).groupBy("id6").agg(pl.col("v3").head(2).alias("largest2_v3")).explode("largest2_v3"),
  },
  {
    id: "q9", title: "regression v1 v2 by id2 id4", checksum: ["id4", "r2"],
    weir: (x) => x.groupBy("id2", "id4").agg(F.pow(F.corr("v1", "v2"), 2).alias("r2")),
    sql: "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4",
    polars: (x) => x.groupBy(["id2", "id4"]).agg(pl.pearsonCorr("v1", "v2").pow(2).alias("r2")),
  },
  {
    id: "q10", title: "sum v3 count by id1:id6", checksum: ["id4", "id5", "id6", "v3", "count"],
    weir: (x) => x.groupBy("id1", "id2", "id3", "id4", "id5", "id6").agg(F.sum("v3").alias("v3"), F.count("*").alias("count")),
    sql: "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6",
    polars: (x) => x.groupBy(["id1", "id2", "id3", "id4", "id5", "id6"]).agg(pl.col("v3").sum().alias("v3"), pl.len().alias("count")),
  },
];
