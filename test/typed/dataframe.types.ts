/**
 * Type tests for the typed DataFrame API: compiled by `tsc --noEmit` (never run). With a static schema, a
 * misspelled column name is a compile error (`@ts-expect-error` fails the build if the line compiles), and
 * result row types follow each transformation.
 */
import { expectTypeOf } from "expect-type";
import { col, F, t, type Column, type DataFrame, type Row, type Session } from "../../src/index.js";

declare const spark: Session;

const orderSchema = t.struct({ order_id: t.string(), qty: t.int32(), price: t.float64(), ts: t.timestamp(), n: t.int64() });
const orders = spark.read.schema(orderSchema).csv("orders.csv");
type Order = { order_id: string | null; qty: number | null; price: number | null; ts: Date | null; n: bigint | null };

export async function readerSchemaInfersRows(): Promise<void> {
  expectTypeOf(orders).toEqualTypeOf<DataFrame<Order>>();
  expectTypeOf(await orders.collect()).toEqualTypeOf<Order[]>();
  expectTypeOf(await orders.first()).toEqualTypeOf<Order | undefined>();
}

export function misspelledNamesAreCompileErrors(): void {
  // @ts-expect-error "qyt" is not a column
  orders.select("qyt");
  // @ts-expect-error drop of a misspelled column
  orders.drop("prise");
  // @ts-expect-error groupBy of a misspelled column
  orders.groupBy("order");
  // @ts-expect-error orderBy of a misspelled column
  orders.orderBy("timestamp");
  // @ts-expect-error sort of a misspelled column
  orders.sort(["qty", "qtty"]);
  // @ts-expect-error withColumnRenamed of a misspelled column
  orders.withColumnRenamed("pric", "p");
  // @ts-expect-error dropDuplicates with a misspelled column
  orders.dropDuplicates(["order_idd"]);
  // @ts-expect-error df.col of a misspelled column
  orders.col("quantity");
  // @ts-expect-error groupBy shortcut of a misspelled column
  orders.groupBy("order_id").sum("qtyy");
  // @ts-expect-error fillna subset
  orders.fillna(0, ["qt"]);
  // @ts-expect-error describe
  void orders.describe("prce");
}

export async function joinKeysMustExistOnBothSides(): Promise<void> {
  const products = spark.createDataFrame([{ order_id: "o1", category: "toys" }]);
  // @ts-expect-error "qty" exists only on the left
  orders.join(products, "qty");
  // @ts-expect-error misspelled key in a list
  orders.join(products, ["order_id", "categry"]);
  const joined = orders.join(products, "order_id", "left");
  expectTypeOf(await joined.collect()).toEqualTypeOf<{ order_id: string | null; qty: number | null; price: number | null; ts: Date | null; n: bigint | null; category: string }[]>();
  const semi = orders.join(products, ["order_id"], "left_semi");
  expectTypeOf(semi).toEqualTypeOf<DataFrame<Order>>();
  const anti = orders.join(products, orders.col("order_id").equalTo(products.col("order_id")), "anti");
  expectTypeOf(anti).toEqualTypeOf<DataFrame<Order>>();
  expectTypeOf(orders.crossJoin(products).col("category")).toEqualTypeOf<ReturnType<typeof products.col<"category">>>();
}

export async function rowTypesFollowTransformations(): Promise<void> {
  expectTypeOf(await orders.select("order_id", "qty").first()).toEqualTypeOf<{ order_id: string | null; qty: number | null } | undefined>();
  expectTypeOf(await orders.select("*").first()).toEqualTypeOf<Order | undefined>();
  const amount = orders.withColumn("amount", orders.col("qty").multiply(orders.col("price")));
  expectTypeOf(await amount.first()).toEqualTypeOf<{ order_id: string | null; qty: number | null; price: number | null; ts: Date | null; n: bigint | null; amount: number | null } | undefined>();
  // @ts-expect-error the new column is known, a misspelling of it is not
  amount.select("amout");
  const replaced = orders.withColumn("qty", F.lit("many") as Column<string, string>);
  expectTypeOf(await replaced.first()).toEqualTypeOf<{ order_id: string | null; price: number | null; ts: Date | null; n: bigint | null; qty: string } | undefined>();
  const renamed = orders.withColumnRenamed("qty", "quantity");
  expectTypeOf<Awaited<ReturnType<typeof renamed.first>>>().toEqualTypeOf<{ order_id: string | null; price: number | null; ts: Date | null; n: bigint | null; quantity: number | null } | undefined>();
  // @ts-expect-error the old name is gone after the rename
  renamed.select("qty");
  const dropped = orders.drop("ts", "n");
  expectTypeOf(await dropped.collect()).toEqualTypeOf<{ order_id: string | null; qty: number | null; price: number | null }[]>();
  // @ts-expect-error a dropped column cannot be selected
  dropped.select("ts");
  const filtered = orders.filter(col("qty").gt(1)).orderBy(orders.col("price").desc()).limit(5).distinct();
  expectTypeOf(filtered).toEqualTypeOf<DataFrame<Order>>();
  expectTypeOf(orders.col("qty")).toEqualTypeOf<Column<number | null, "qty">>();
}

export async function aggregationRowTypes(): Promise<void> {
  const agg = orders.groupBy("order_id").agg(F.sum("qty").alias("units"));
  expectTypeOf(agg).toHaveProperty("collect");
  const rows = await agg.collect();
  expectTypeOf(rows[0]!.order_id).toEqualTypeOf<string | null>();
  expectTypeOf(rows[0]!).toHaveProperty("units");
  // @ts-expect-error only keys and aggregates exist after agg()
  agg.select("qty");
  const counted = await orders.groupBy("order_id").count().collect();
  expectTypeOf(counted).toEqualTypeOf<{ order_id: string | null; count: bigint }[]>();
  const maxed = await orders.groupBy("order_id").max("qty").collect();
  expectTypeOf(maxed).toEqualTypeOf<{ order_id: string | null; "max(qty)": number | null }[]>();
}

export async function qualifiedColumnsAreNamedByTheirLastPart(): Promise<void> {
  const picked = orders.alias("o").select(col("o.qty"), orders.col("price").alias("p"));
  expectTypeOf(await picked.first()).toEqualTypeOf<{ qty: unknown; p: number | null } | undefined>();
}

export function createDataFrameIsTyped(): void {
  const people = spark.createDataFrame<{ id: number; name: string }>([{ id: 1, name: "a" }]);
  people.select("id", "name");
  // @ts-expect-error misspelled
  people.select("nmae");
  // @ts-expect-error misspelled in orderBy
  people.orderBy("idd");
}

export function untypedFramesAcceptAnyName(): void {
  const untyped = spark.sql("SELECT 1 AS a");
  expectTypeOf(untyped).toEqualTypeOf<DataFrame<Row>>();
  untyped.select("anything").drop("whatever").groupBy("x").count();
  expectTypeOf(untyped.select("a")).toEqualTypeOf<DataFrame<Row>>();
  expectTypeOf(untyped.withColumn("b", col("a"))).toEqualTypeOf<DataFrame<Row>>();
}
