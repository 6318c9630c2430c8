/**
 * Compiles a stage's record-at-a-time operations into one generated function per job, so the hot loop of a task
 * is a single function calling the user's functions directly.
 *
 * Why generate code: V8 shares type feedback among all closures of one function literal. With hand-written
 * wrapper closures (`(x) => next(f(x))`), a long-lived worker that has run several jobs sees polymorphic, then
 * megamorphic call sites to user functions and combiners, and stops inlining them — measured: 20–30 % more CPU
 * per word from the second word-count job on. Source compiled with `new Function` gets its own feedback, so each
 * job's pipeline (cached by its operations and function ids) stays monomorphic. `freshCopy` does the same for the
 * map-side combiner classes, whose methods call the user's merge/combine functions.
 *
 *   ops [flatMap f0, filter f1, map f2] + terminal insert ─▶
 *     function s0(x0) { for (const x1 of f0(x0)) { if (f1(x1)) { const x3 = f2(x1); term.insert(x3[0], x3[1]); } } }
 *   ops that keep state or emit (sample, zipWithIndex, join, mrMap, mrReduce) end a segment: the rest of the
 *   pipeline becomes the next generated function, which they call.
 */
import type { NarrowOp } from "./task-plan.js";

type Fn = (...args: never[]) => unknown;
/** One record into a pipeline. */
export type Push = (x: unknown) => void;
/** Where a compiled pipeline's records go: a push function, or a combiner taking [key, value] without the tuple. */
export type Terminal = { readonly kind: "push"; readonly push: Push } | { readonly kind: "insert"; readonly into: { insert(k: unknown, v: unknown): void } };

type Factory = (fns: readonly (Fn | undefined)[], wrap: (i: number, next: Push) => Push, term: unknown) => Push;

const INLINE = new Set(["map", "filter", "flatMap", "mapValues", "flatMapValues", "keyBy", "keys", "values", "swap"]);

/** The code of op `i` applied to `x${i}`, with `rest` using `x${i + 1}`. */
function inline(op: NarrowOp, i: number, rest: string): string {
  const x = `x${i}`;
  const y = `x${i + 1}`;
  const f = `f${i}`;
  switch (op.op) {
    case "map": return `const ${y} = ${f}(${x});\n${rest}`;
    case "filter": return `if (${f}(${x})) { const ${y} = ${x};\n${rest} }`;
    case "flatMap": return `for (const ${y} of ${f}(${x})) {\n${rest} }`;
    case "mapValues": return `const ${y} = [${x}[0], ${f}(${x}[1])];\n${rest}`;
    case "flatMapValues": return `for (const v${i} of ${f}(${x}[1])) { const ${y} = [${x}[0], v${i}];\n${rest} }`;
    case "keyBy": return `const ${y} = [${f}(${x}), ${x}];\n${rest}`;
    case "keys": return `const ${y} = ${x}[0];\n${rest}`;
    case "values": return `const ${y} = ${x}[1];\n${rest}`;
    case "swap": return `const ${y} = [${x}[1], ${x}[0]];\n${rest}`;
    default: throw new Error(`op ${op.op} cannot be inlined: this is a bug in Weir`);
  }
}

function generate(ops: readonly NarrowOp[], terminal: Terminal["kind"]): string {
  const lines: string[] = [`"use strict";`, `return function pipeline(fns, wrap, term) {`];
  for (let i = 0; i < ops.length; i++) if ("fn" in ops[i]!) lines.push(`const f${i} = fns[${i}];`);
  // From the end: runs of inlinable ops become one segment function; other ops call the segment after them.
  let next: string | null = terminal === "insert" ? null : "term"; // null: the terminal is `term.insert(k, v)` inline
  let end = ops.length;
  for (let i = ops.length - 1; i >= -1; i--) {
    const op = ops[i];
    if (op && INLINE.has(op.op)) continue;
    const start = i + 1;
    const mr = op?.op === "mrMap" || op?.op === "mrReduce";
    const direct = mr && start === end && next === null; // emit(k, v) goes straight into the combiner
    if (!direct && (start < end || next === null)) {
      let body = next === null ? `term.insert(x${end}[0], x${end}[1]);` : `${next}(x${end});`;
      for (let j = end - 1; j >= start; j--) body = inline(ops[j]!, j, body);
      lines.push(`const s${start} = function (x${start}) {\n${body}\n};`);
      next = `s${start}`;
    }
    if (!op) break;
    if (mr) {
      lines.push(`const e${i} = ${direct ? "(k, v) => term.insert(k, v)" : `(k, v) => ${next}([k, v])`};`);
      lines.push(`const s${i} = function (x${i}) { f${i}(x${i}[0], x${i}[1], e${i}); };`);
    } else lines.push(`const s${i} = wrap(${i}, ${next});`);
    next = `s${i}`;
    end = i;
  }
  lines.push(`return ${next};`, `};`);
  return lines.join("\n");
}

/** The generated source for `ops` (for tests and debugging). @example `console.log(pipelineSource(ops, "push"))` */
export function pipelineSource(ops: readonly NarrowOp[], terminal: Terminal["kind"]): string {
  return generate(ops, terminal);
}

const cache = new Map<string, Factory>();

/**
 * A push function running `ops` into `terminal`. `fns[i]` is op i's user function; `wrap(i, next)` builds ops
 * that keep state (sample, zipWithIndex, join). Compiled code is cached by the ops, their function ids and the
 * terminal kind — one compilation per job and stage, shared by its tasks.
 * @example `const push = compilePipeline(ops, fns, wrap, { kind: "push", push: (x) => out.push(x) })`
 */
export function compilePipeline(ops: readonly NarrowOp[], fns: readonly (Fn | undefined)[], wrap: (i: number, next: Push) => Push, terminal: Terminal): Push {
  const key = `${terminal.kind}|${ops.map((o) => ("fn" in o ? `${o.op}:${o.fn}` : o.op)).join(",")}`;
  let factory = cache.get(key);
  if (!factory) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from a fixed template (see the module doc)
    factory = new Function(generate(ops, terminal.kind))() as Factory;
    if (cache.size >= 256) cache.delete(cache.keys().next().value!);
    cache.set(key, factory);
  }
  return factory(fns, wrap, terminal.kind === "push" ? terminal.push : terminal.into);
}

const copies = new Map<string, unknown>();

/**
 * A copy of a class (or function) compiled from its source, with its own type feedback; `deps` are the
 * module-scope names its source uses. Cached by `key` (e.g. the user function ids it will call).
 * @example `const Fold = freshCopy(FoldCombiner, { SlotTable, estimateSize }, "fold:3:4")`
 */
export function freshCopy<T>(original: T, deps: Readonly<Record<string, unknown>>, key: string): T {
  const k = `${String((original as { name?: string }).name)}|${key}`;
  let copy = copies.get(k) as T | undefined;
  if (!copy) {
    const names = Object.keys(deps);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- recompiles our own class source (see the module doc)
    copy = new Function(...names, "__name", `"use strict"; return (${String(original)});`)(...names.map((n) => deps[n]), (x: unknown) => x) as T;
    if (copies.size >= 256) copies.delete(copies.keys().next().value!);
    copies.set(k, copy);
  }
  return copy;
}
