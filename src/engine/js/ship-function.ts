/**
 * Turning a user function into something a worker thread can rebuild (docs/adr/002-shipping-functions.md):
 * - an inline function → its source text plus explicitly captured values (`{ capture: { k } }`), checked for
 *   free variables at submission;
 * - a function exported by a module → `fnRef(import.meta.url, "name")`, imported by the worker;
 * - broadcast variables and accumulators travel as references inside captures.
 */
import { serialize } from "node:v8";
import { WeirError } from "../../errors/index.js";
import { analyzeFunctionSource } from "./free-variables.js";

/**
 * A reference to a function exported by a module, imported by each worker (helpers from the user's own modules).
 * @example `ds.flatMap(fnRef<(l: string) => string[]>(import.meta.url, "tokenize"))`
 */
export class FnRef<F = (...args: never[]) => unknown> {
  /** Phantom: the function type, for inference only. */
  declare readonly __fn?: F;
  constructor(readonly moduleUrl: string, readonly exportName: string) {}
}

/**
 * Reference an exported function of a module (by its URL, usually `import.meta.url`) so workers import it.
 * @example `export function tokenize(l: string) { return l.split(" "); }  ds.flatMap(fnRef(import.meta.url, "tokenize"))`
 */
export function fnRef<F = (...args: never[]) => unknown>(moduleUrl: string | URL, exportName: string): FnRef<F> {
  const url = String(moduleUrl);
  if (!/^(file|data|node):/.test(url)) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `fnRef() needs a module URL, got "${url}"`, { hint: "pass import.meta.url or new URL(\"./helpers.js\", import.meta.url)" });
  }
  return new FnRef<F>(url, exportName);
}

/**
 * A read-only value shipped once to every worker (Spark's broadcast variable). Capture it and read `.value`.
 * @example `const stop = spark.broadcast(new Set(["a"])); ds.filter((w) => !stop.value.has(w), { capture: { stop } })`
 */
export class Broadcast<T> {
  /** Serialized value (sent to each worker at most once). */
  readonly bytes: Buffer;
  constructor(readonly id: number, readonly value: T) {
    try {
      this.bytes = serialize(value);
    } catch (cause) {
      throw new WeirError("WEIR_FUNCTION_NOT_SERIALIZABLE", `broadcast(): the value cannot be copied to worker threads: ${(cause as Error).message}`, {
        hint: "broadcast plain data (objects, arrays, Map, Set, typed arrays, Dates); functions and class instances with behaviour cannot be copied", cause,
      });
    }
  }
}

/**
 * A numeric sum that tasks add to and the driver reads after an action (Spark's LongAccumulator). Only
 * successful task attempts count.
 * @example `const bad = spark.accumulator(0); await ds.foreach((r) => { if (!r) bad.add(1); }, { capture: { bad } }); bad.value`
 */
export class Accumulator {
  constructor(readonly id: number, public value: number) {}
  /** Add to the value (driver side; in a task this is the worker's local copy). @example `acc.add(1)` */
  add(delta: number): void {
    this.value += delta;
  }
}

/** One captured value as shipped. @example `{ t: "v", v: 3 }` */
export type CapturedValue =
  | { readonly t: "v"; readonly v: unknown }
  | { readonly t: "f"; readonly spec: FnSpec }
  | { readonly t: "b"; readonly id: number }
  | { readonly t: "a"; readonly id: number };

/** A function as shipped to workers. @example `{ id: 3, kind: "source", expression: "(x => x + 1)", ... }` */
export type FnSpec =
  | { readonly id: number; readonly kind: "source"; readonly expression: string; readonly isMethod: boolean; readonly names: readonly string[]; readonly captures: Uint8Array }
  | { readonly id: number; readonly kind: "module"; readonly moduleUrl: string; readonly exportName: string };

/**
 * What {@link shipFunction} returns: the spec plus the broadcasts and accumulators it references. Capturing a
 * ShippedFunction in another function ships it with its own captures (Weir's wrappers use this).
 * @example `shipped.spec.id`
 */
export class ShippedFunction {
  constructor(readonly spec: FnSpec, readonly broadcasts: readonly Broadcast<unknown>[], readonly accumulators: readonly Accumulator[],
    /** The original function (or reference), for running on the driver (e.g. the final merge of reduce()). */
    readonly original: unknown) {}
}

/** Options for a user function. @example `{ capture: { factor: 2, stop } }` */
export interface FnOptions {
  /** Values the function reads by name: plain data, broadcasts, accumulators, other functions or fnRef()s. */
  readonly capture?: Readonly<Record<string, unknown>>;
}

let nextFnId = 1;

/**
 * Prepare a function for workers; throws `WEIR_FUNCTION_NOT_SERIALIZABLE` naming the free variable and the fix.
 * @example `shipFunction((x: number) => x * k, { capture: { k: 2 } }, "map()")`
 */
export function shipFunction(fn: unknown, options: FnOptions = {}, where = "function"): ShippedFunction {
  if (fn instanceof ShippedFunction) return fn;
  if (fn instanceof FnRef) {
    return new ShippedFunction({ id: nextFnId++, kind: "module", moduleUrl: fn.moduleUrl, exportName: fn.exportName }, [], [], fn);
  }
  if (typeof fn !== "function") {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `${where} expects a function, got ${fn === null ? "null" : typeof fn}`, { hint: "pass an arrow function or fnRef(import.meta.url, \"exportName\")" });
  }
  const source = Function.prototype.toString.call(fn);
  const analysis = /\{\s*\[native code\]\s*\}\s*$/.test(source) ? undefined : analyzeFunctionSource(source);
  if (!analysis) {
    throw new WeirError("WEIR_FUNCTION_NOT_SERIALIZABLE", `${where}: the function ${fn.name ? `"${fn.name}" ` : ""}cannot be shipped to worker threads: its source is not available (native, bound or class constructor)`, {
      hint: "wrap it in an arrow function, e.g. (x) => f(x), and capture what it uses; or export it and pass fnRef(import.meta.url, \"name\")",
    });
  }
  const capture = options.capture ?? {};
  const missing = analysis.free.filter((name) => !(name in capture));
  if (missing.length > 0) {
    const list = missing.map((n) => `"${n}"`).join(", ");
    throw new WeirError("WEIR_FUNCTION_NOT_SERIALIZABLE", `${where}: the function reads ${list} from its enclosing scope, which does not exist in a worker thread`, {
      hint: `capture the value${missing.length > 1 ? "s" : ""} explicitly: { capture: { ${missing.join(", ")} } } (large values: spark.broadcast(v)); for a function exported by a module use fnRef(import.meta.url, "${missing[0]}")`,
      details: { freeVariables: missing, source: source.slice(0, 500) },
    });
  }
  if (analysis.usesThis) {
    throw new WeirError("WEIR_FUNCTION_NOT_SERIALIZABLE", `${where}: the arrow function reads "this", which does not exist in a worker thread`, {
      hint: "copy what you need from this into a local value and capture it: { capture: { value } }",
    });
  }
  const broadcasts: Broadcast<unknown>[] = [];
  const accumulators: Accumulator[] = [];
  const names = Object.keys(capture);
  const values: CapturedValue[] = names.map((name) => encodeCapture(name, capture[name], where, broadcasts, accumulators));
  let captures: Uint8Array;
  try {
    captures = serialize(values);
  } catch (cause) {
    const bad = names.find((n, i) => { try { serialize(values[i]); return false; } catch { return true; } }) ?? names[0];
    throw new WeirError("WEIR_FUNCTION_NOT_SERIALIZABLE", `${where}: captured value "${bad}" cannot be copied to worker threads: ${(cause as Error).message}`, {
      hint: "capture plain data (objects, arrays, Map, Set, typed arrays, Dates), functions, fnRef()s, broadcasts or accumulators", cause,
    });
  }
  return new ShippedFunction({ id: nextFnId++, kind: "source", expression: analysis.expression, isMethod: analysis.isMethod, names, captures }, broadcasts, accumulators, fn);
}

function encodeCapture(name: string, v: unknown, where: string, bcs: Broadcast<unknown>[], accs: Accumulator[]): CapturedValue {
  if (v instanceof Broadcast) { bcs.push(v); return { t: "b", id: v.id }; }
  if (v instanceof Accumulator) { accs.push(v); return { t: "a", id: v.id }; }
  if (v instanceof ShippedFunction) { bcs.push(...v.broadcasts); accs.push(...v.accumulators); return { t: "f", spec: v.spec }; }
  if (typeof v === "function" || v instanceof FnRef) {
    const inner = shipFunction(v, {}, `${where} (captured function "${name}")`);
    bcs.push(...inner.broadcasts);
    accs.push(...inner.accumulators);
    return { t: "f", spec: inner.spec };
  }
  return { t: "v", v };
}
