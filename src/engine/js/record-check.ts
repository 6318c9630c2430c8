/**
 * What may cross a thread boundary or go into a record file, and — when something cannot — where in the value
 * the offender sits. Records are plain data (the codec's value set, codec.ts); a task's other results (fold and
 * aggregate accumulators, countByValue's counts) need only survive structured cloning.
 *
 *   Encoder.write fails ─▶ findUnencodable(record) ─▶ "a function at [1].f"
 *   postMessage fails   ─▶ findUncloneable(message) ─▶ "a WeakMap at sink.zero.cache"
 *   parallelize slices  ─▶ findUnsendableRecord(plan), once per slice, before the first task is sent
 *
 * Only failure paths and the one-time slice check walk values: the encoder's hot path stays a single switch.
 */
import { ExecutionError } from "../../errors/index.js";
import { childPlans, type TaskPlan } from "./task-plan.js";

/** The hint of every WEIR_RECORD_NOT_SERIALIZABLE error. @example `new ExecutionError(code, msg, { hint: RECORD_HINT })` */
export const RECORD_HINT = "records must be plain data: strings, numbers, booleans, null, undefined, bigints, Dates, typed arrays (Uint8Array, Float64Array …), "
  + "and arrays, Maps, Sets and plain objects of those; convert class instances to plain objects ({ ...x } or x.toJSON()) and drop functions and symbols";

/** Where a value that cannot be sent sits, and what it is. @example `{ path: "[1].f", what: "a function (f)" }` */
export interface ValueProblem {
  /** Property path from the top value ("" for the value itself), e.g. `[1].f` or `.get("k")`. */
  readonly path: string;
  readonly what: string;
}

/** A typed array constructor the codec knows. @example `const Kind: TypedArrayClass = Float64Array` */
export type TypedArrayClass = new (buffer: ArrayBuffer) => ArrayBufferView;
/** Typed arrays the codec carries (Uint8Array has its own tag, 12); the index is the encoded kind byte. @example `TYPED_ARRAYS.indexOf(Float64Array) // 7` */
export const TYPED_ARRAYS: readonly TypedArrayClass[] = [Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array];

/** Whether the codec encodes `v` as a typed array (tag 15): exactly one of TYPED_ARRAYS, not a subclass. @example `isCodecTypedArray(new Float64Array(2)) // true` */
export function isCodecTypedArray(v: object): v is ArrayBufferView {
  return ArrayBuffer.isView(v) && TYPED_ARRAYS.includes(v.constructor as TypedArrayClass);
}

/**
 * Whether an object is a plain object for the codec: created by a literal, `Object.create(null)` or JSON.parse.
 * @example `isPlainObject({ a: 1 }) // true; isPlainObject(new Map()) // false`
 */
export function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** "a function (f)", "a symbol (Symbol(s))", "an instance of WeakMap". @example `describeValue(new WeakMap()) // "an instance of WeakMap"` */
function describeValue(v: unknown): string {
  if (typeof v === "function") return v.name ? `a function (${v.name})` : "a function";
  if (typeof v === "symbol") return `a symbol (${String(v)})`;
  if (typeof v !== "object" || v === null) return `a ${typeof v}`;
  const name = (Object.getPrototypeOf(v) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? `an instance of ${name}` : "an object with a custom prototype";
}

/**
 * "A record is a symbol (…)" / "A record holds a function at [1].f".
 * @example `problemText("A record", { path: ".f", what: "a function" }) // "A record holds a function at .f"`
 */
export function problemText(subject: string, p: ValueProblem): string {
  return p.path === "" ? `${subject} is ${p.what}` : `${subject} holds ${p.what} at ${p.path}`;
}

const CYCLE = "a reference cycle (an array or object that contains itself)";

function keySegment(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

function mapKeySegment(k: unknown): string {
  return `.get(${typeof k === "string" ? JSON.stringify(k) : typeof k === "bigint" ? `${k}n` : typeof k === "object" && k !== null ? "{…}" : String(k)})`;
}

/** Children of a container the walkers descend into, as [path segment, value]. */
function* children(v: object): Generator<[string, unknown]> {
  if (Array.isArray(v)) { for (let i = 0; i < v.length; i++) yield [`[${i}]`, v[i]]; return; }
  if (v instanceof Map) { for (const [k, x] of v) { yield [`${mapKeySegment(k)} (key)`, k]; yield [mapKeySegment(k), x]; } return; }
  if (v instanceof Set) { for (const x of v) yield ["{set element}", x]; return; }
  for (const k of Object.keys(v)) yield [keySegment(k), (v as Record<string, unknown>)[k]];
}

/**
 * The first part of `v` the record codec cannot encode (codec.ts's value set), or undefined. Arrays and plain
 * objects — most of a record — are walked without allocating: a path segment is built only for the culprit.
 * @example `findUnencodable({ a: [1, () => 2] }) // { path: ".a[1]", what: "a function" }`
 */
export function findUnencodable(v: unknown, ancestors = new Set<object>()): ValueProblem | undefined {
  switch (typeof v) {
    case "string": case "number": case "boolean": case "undefined": case "bigint": return undefined;
    case "function": case "symbol": return { path: "", what: describeValue(v) };
    default: break;
  }
  if (v === null) return undefined;
  const o = v as object;
  const array = Array.isArray(o);
  const plain = !array && isPlainObject(o);
  if (!array && !plain && !(o instanceof Map) && !(o instanceof Set)) {
    return o instanceof Date || o instanceof Uint8Array || isCodecTypedArray(o) ? undefined : { path: "", what: describeValue(o) };
  }
  if (ancestors.has(o)) return { path: "", what: CYCLE };
  ancestors.add(o);
  try {
    if (array) {
      const a = o as readonly unknown[];
      for (let i = 0; i < a.length; i++) { const p = findUnencodable(a[i], ancestors); if (p) return inside(`[${i}]`, p); }
    } else if (plain) {
      for (const k of Object.keys(o)) { const p = findUnencodable((o as Record<string, unknown>)[k], ancestors); if (p) return inside(keySegment(k), p); }
    } else {
      for (const [seg, x] of children(o)) { const p = findUnencodable(x, ancestors); if (p) return inside(seg, p); }
    }
    return undefined;
  } finally {
    ancestors.delete(o);
  }
}

function inside(segment: string, p: ValueProblem): ValueProblem {
  return { path: segment + p.path, what: p.what };
}

/**
 * The first part of `v` that structured cloning (postMessage) refuses, or undefined.
 * @example `findUncloneable({ zero: { w: new WeakMap() } }) // { path: ".zero.w", what: "an instance of WeakMap" }`
 */
export function findUncloneable(v: unknown, seen = new Set<object>()): ValueProblem | undefined {
  if (typeof v === "function" || typeof v === "symbol") return { path: "", what: describeValue(v) };
  if (typeof v !== "object" || v === null || seen.has(v)) return undefined;
  seen.add(v);
  const container = Array.isArray(v) || v instanceof Map || v instanceof Set || isPlainObject(v);
  if (!container) {
    try { structuredClone(v); return undefined; } catch { /* look inside for a more precise culprit */ }
  }
  for (const [seg, x] of children(v)) {
    const p = findUncloneable(x, seen);
    if (p) return inside(seg, p);
  }
  return container ? undefined : { path: "", what: describeValue(v) };
}

/**
 * The encoder's error for a record it cannot encode (thrown on the driver when spooling a source, in a worker for
 * results, shuffles and cached blocks).
 * @example `throw recordNotEncodable(findUnencodable(record)!)`
 */
export function recordNotEncodable(p: ValueProblem, cause?: unknown): ExecutionError {
  return new ExecutionError("WEIR_RECORD_NOT_SERIALIZABLE", `${problemText("A record", p)}, which cannot be encoded (results, shuffles, cached blocks and spooled sources hold encoded records)`, {
    hint: RECORD_HINT, cause, details: { path: p.path, valueType: p.what },
  });
}

/**
 * The error for a task result that postMessage refused (a worker's reply to the driver).
 * @example `try { port.postMessage(reply) } catch (e) { throw resultNotSendable(reply.value, e) }`
 */
export function resultNotSendable(value: unknown, cause: unknown): Error {
  const p = findUncloneable(value);
  if (!p) return cause instanceof Error ? cause : new Error(String(cause));
  return new ExecutionError("WEIR_RECORD_NOT_SERIALIZABLE", `${problemText("The task's result", p)}, which cannot be sent back from the worker thread`, {
    hint: RECORD_HINT, cause, details: { path: p.path, valueType: p.what },
  });
}

const checkedSlices = new WeakSet<readonly unknown[]>();

/**
 * The first record of a parallelize() slice in `plan` that is not plain data (structured cloning would refuse it
 * or silently turn a class instance into a plain object). Each slice is checked once per process.
 * @example `const bad = findUnsendableRecord(plan); if (bad) throw …`
 */
export function findUnsendableRecord(plan: TaskPlan): { index: number; problem: ValueProblem } | undefined {
  if (plan.kind === "slice") {
    if (checkedSlices.has(plan.records)) return undefined;
    for (let i = 0; i < plan.records.length; i++) {
      const problem = findUnencodable(plan.records[i]);
      if (problem) return { index: i, problem };
    }
    checkedSlices.add(plan.records);
    return undefined;
  }
  for (const input of childPlans(plan)) {
    const bad = findUnsendableRecord(input);
    if (bad) return bad;
  }
  return undefined;
}
