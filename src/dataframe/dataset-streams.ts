/**
 * Datasets meet Node streams and DataFrames: records that exist once (async iterables, Readables, a DataFrame's
 * streamed rows) are spooled by the driver into one record file on first use and cut into contiguous partitions
 * (the file is then the lineage root); results leave as a backpressured Readable, as a DataFrame over JSON-lines
 * files the workers write, or through a bounded-concurrency async map.
 *
 *   fromAsyncIterable / fromStream / df.toDataset ─▶ spool file ─▶ n byte-range partitions ─▶ workers
 *   ds.toStream()  ─▶ Readable (pulls one partition at a time, only when the consumer reads)
 *   ds.toDF(schema) ─▶ workers write part-N.json ─▶ session.read.schema(schema).json(dir)
 *   ds.mapAsync(fn, { concurrency }) ─▶ driver event loop, ≤ concurrency calls in flight, order kept ─▶ spool
 */
import path from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { bug, WeirError } from "../errors/index.js";
import { LineageNode, shipFunction, spoolRecords, type RecordSplit } from "../engine/index.js";
import type { Plan } from "../plan/index.js";
import type { StructType } from "../types/index.js";
import { streamRows } from "./actions.js";
import { beginOutput } from "../io/index.js";
import { Dataset, checkPartitions } from "./dataset.js";
import type { DatasetContext } from "./dataset-context.js";
import type { DataFrame } from "./dataframe.js";
import { DataFrameReader } from "./reader.js";
import type { Runtime } from "./runtime.js";
import type { Row } from "./typed.js";

let nextSpool = 1;

/** A Dataset over records spooled from `source` when its first action runs. @example `fromAsyncIterable(ctx, gen(), 4, "fromAsyncIterable")` */
export function fromAsyncIterable<T>(ctx: DatasetContext, source: AsyncIterable<T> | Iterable<T>, numPartitions: number | undefined, name = "fromAsyncIterable"): Dataset<T> {
  const n = numPartitions ?? ctx.defaultParallelism;
  checkPartitions(n, `${name}()`);
  const splits: RecordSplit[] = [];
  const node = new LineageNode(name, n, { type: "records", splits, label: name });
  node.prepare = async () => {
    const file = path.join(ctx.engine.options.tempDir, "sources", `spool-${nextSpool++}`);
    const spooled = await spoolRecords(source, file, n);
    splits.push(...spooled.splits);
  };
  return new Dataset<T>(ctx, node);
}

/**
 * Records of a Node Readable: each chunk of an object-mode stream is a record; a byte stream is read as UTF-8
 * lines (like textFile). @example `fromStream(ctx, fs.createReadStream("a.txt"), 2)`
 */
export function fromStream<T>(ctx: DatasetContext, stream: NodeJS.ReadableStream & { readableObjectMode?: boolean }, numPartitions?: number): Dataset<T> {
  if (typeof (stream as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== "function") {
    throw new WeirError("WEIR_INVALID_ARGUMENT", "fromStream() expects a Node Readable stream", { hint: "for an async generator use fromAsyncIterable()" });
  }
  const source = stream.readableObjectMode === false ? createInterface({ input: stream, crlfDelay: Infinity }) : (stream as AsyncIterable<T>);
  return fromAsyncIterable(ctx, source as AsyncIterable<T>, numPartitions, "fromStream");
}

/** df.toDataset(): the DataFrame's rows (plain objects), streamed from DuckDB into a spool on first use. @example `dataFrameToDataset(ctx, rt, df.plan)` */
export function dataFrameToDataset<S>(ctx: DatasetContext, rt: Runtime, plan: Plan, numPartitions?: number): Dataset<S> {
  const rows = async function* (): AsyncGenerator<S> {
    for await (const batch of streamRows(rt, plan, 10_000)) yield* batch as S[];
  };
  return fromAsyncIterable(ctx, rows(), numPartitions, "toDataset");
}

/** A Readable of the Dataset's records: one partition is computed at a time, when the consumer asks for more. @example `toStream(ds).pipe(out)` */
export function toStream<T>(ds: Dataset<T>): Readable {
  return Readable.from(ds.toLocalIterator(), { objectMode: true, highWaterMark: 16 });
}

/**
 * ds.toDF(schema): the workers write records as JSON lines (objects by name; arrays by position onto the
 * schema's field names), read back with the schema (inferred without one). @example `await datasetToDF(ds, schema)`
 */
export async function datasetToDF<T>(ds: Dataset<T>, schema?: StructType): Promise<DataFrame<Row>> {
  const rt = ds.context.runtime;
  if (!rt) return bug("toDF(): the Dataset's context has no DataFrame runtime", { dataset: ds.id });
  const names = schema?.fields.map((f) => f.name) ?? [];
  const asObject = shipFunction((r: unknown) => (Array.isArray(r) && names.length > 0 ? Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])) : r),
    { capture: { names } }, "toDF()");
  const rows = ds.map(asObject as never);
  const dir = path.join(ds.context.engine.options.tempDir, "frames", `ds${ds.id}-${nextSpool++}`);
  const out = await beginOutput(dir, "error");
  try {
    await rows.runJob("toDF", (p) => ({ sink: { kind: "textFile", path: path.join(out.stagingDir, `part-${String(p).padStart(5, "0")}.json`) } }));
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  const reader = new DataFrameReader(rt);
  return (schema ? reader.schema(schema) : reader).json(dir);
}

/** Options of mapAsync. @example `{ concurrency: 8 }` */
export interface MapAsyncOptions {
  /** Calls in flight at most (default 16). */
  readonly concurrency?: number;
}

/**
 * Ordered async map with at most `concurrency` calls in flight: the source is pulled only when a slot is free, so
 * a slow consumer or a slow function holds the producer back. @example `for await (const y of mapConcurrent(xs, f, 8)) …`
 */
export async function* mapConcurrent<T, U>(source: AsyncIterable<T>, fn: (x: T) => U | Promise<U>, concurrency: number): AsyncGenerator<U> {
  const inFlight: Promise<U>[] = [];
  for await (const x of source) {
    const p = Promise.resolve().then(() => fn(x));
    p.catch(() => undefined); // surfaced when awaited in order, never as an unhandled rejection
    inFlight.push(p);
    if (inFlight.length >= concurrency) yield await inFlight.shift()!;
  }
  while (inFlight.length > 0) yield await inFlight.shift()!;
}

/**
 * mapAsync(): `fn` runs on the driver's event loop — the place for I/O-bound calls (HTTP, databases), not for
 * CPU work (use map). Results keep the Dataset's order and partition count.
 * @example `mapAsync(ds, async (id) => (await fetch(url + id)).json(), { concurrency: 8 })`
 */
export function mapAsync<T, U>(ds: Dataset<T>, fn: (x: T) => U | Promise<U>, options: MapAsyncOptions = {}): Dataset<U> {
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `mapAsync(): concurrency must be a positive integer, got ${concurrency}`, { hint: "e.g. { concurrency: 8 }" });
  }
  if (typeof fn !== "function") throw new WeirError("WEIR_INVALID_ARGUMENT", `mapAsync() expects a function, got ${typeof fn}`, { hint: "pass an async function" });
  const results = { [Symbol.asyncIterator]: () => mapConcurrent(ds.toLocalIterator(), fn, concurrency) };
  return fromAsyncIterable(ds.context, results, ds.getNumPartitions(), "mapAsync");
}
