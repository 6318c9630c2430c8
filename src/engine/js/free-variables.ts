/**
 * Free-variable analysis of a user function's source text, so a function that cannot run in a worker is
 * refused when it is submitted — never a ReferenceError deep inside a worker (docs/adr/002-shipping-functions.md).
 * Parses with acorn (a real ECMAScript parser) and resolves every identifier against the function's own
 * scopes (parameters, var hoisting, block-scoped let/const/class, catch parameters, named function expressions).
 */
import { parse, type Node } from "acorn";

/** Names every worker provides: ECMAScript and Node globals. `__name` is esbuild/tsx's keep-names helper, shimmed. */
export const WORKER_GLOBALS: ReadonlySet<string> = new Set([
  "undefined", "NaN", "Infinity", "globalThis", "Object", "Function", "Array", "Number", "String", "Boolean",
  "Symbol", "BigInt", "Math", "JSON", "Date", "RegExp", "Map", "Set", "WeakMap", "WeakSet", "WeakRef",
  "FinalizationRegistry", "Promise", "Proxy", "Reflect", "Atomics", "Intl", "ArrayBuffer", "SharedArrayBuffer",
  "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
  "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "Error", "EvalError",
  "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError", "AggregateError", "parseInt",
  "parseFloat", "isNaN", "isFinite", "encodeURI", "encodeURIComponent", "decodeURI", "decodeURIComponent",
  "escape", "unescape", "console", "process", "Buffer", "TextEncoder", "TextDecoder", "URL", "URLSearchParams",
  "structuredClone", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate",
  "clearImmediate", "queueMicrotask", "atob", "btoa", "performance", "crypto", "fetch", "AbortController",
  "AbortSignal", "Blob", "Headers", "Request", "Response", "Event", "EventTarget", "__name",
]);

/** Result of {@link analyzeFunctionSource}. @example `{ expression: "(x => x + k)", free: ["k"], usesThis: false }` */
export interface FunctionAnalysis {
  /** Source that evaluates to the function (method shorthand is wrapped into an object literal and picked). */
  readonly expression: string;
  /** True when `expression` is `({ m() {} })` and the function is its only property's value. */
  readonly isMethod: boolean;
  /** Identifiers the function reads but does not declare, excluding worker globals; sorted. */
  readonly free: readonly string[];
  /** An arrow function (at the top level) that reads `this`, which is undefined in a worker. */
  readonly usesThis: boolean;
}

type AnyNode = Node & Record<string, unknown>;
type Scope = { names: Set<string>; parent: Scope | undefined };

/**
 * Parse a function's `toString()` and list its free variables.
 * @example `analyzeFunctionSource("(x) => x * factor").free // ["factor"]`
 */
export function analyzeFunctionSource(source: string): FunctionAnalysis | undefined {
  const attempts: [string, boolean][] = [[`(${source})`, false], [`({${source}})`, true]];
  for (const [expression, isMethod] of attempts) {
    let program: Node;
    try {
      program = parse(expression, { ecmaVersion: "latest", sourceType: "script" });
    } catch {
      continue;
    }
    const fn = isMethod ? findMethodFunction(program as AnyNode) : findExpressionFunction(program as AnyNode);
    if (!fn) continue;
    const free = new Set<string>();
    const state = { usesThis: false };
    visitFunction(fn, undefined, free, state, true);
    for (const g of WORKER_GLOBALS) free.delete(g);
    return { expression, isMethod, free: [...free].sort(), usesThis: state.usesThis };
  }
  return undefined;
}

function findExpressionFunction(program: AnyNode): AnyNode | undefined {
  const stmt = (program.body as AnyNode[])[0];
  const expr = stmt?.expression as AnyNode | undefined;
  return expr && (expr.type === "ArrowFunctionExpression" || expr.type === "FunctionExpression") ? expr : undefined;
}

function findMethodFunction(program: AnyNode): AnyNode | undefined {
  const obj = (program.body as AnyNode[])[0]?.expression as AnyNode | undefined;
  const prop = (obj?.properties as AnyNode[] | undefined)?.[0];
  const value = prop?.value as AnyNode | undefined;
  return obj?.type === "ObjectExpression" && (obj.properties as AnyNode[]).length === 1 && value?.type === "FunctionExpression" ? value : undefined;
}

function declared(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s; s = s.parent) if (s.names.has(name)) return true;
  return false;
}

/** Binding names of a pattern (`a`, `{ a, b: [c] }`, `...d`, `e = 1`). */
function patternNames(p: AnyNode | null | undefined, out: Set<string>): void {
  if (!p) return;
  switch (p.type) {
    case "Identifier": out.add(p.name as string); break;
    case "ObjectPattern": for (const prop of p.properties as AnyNode[]) patternNames((prop.type === "RestElement" ? prop.argument : prop.value) as AnyNode, out); break;
    case "ArrayPattern": for (const el of p.elements as (AnyNode | null)[]) patternNames(el, out); break;
    case "RestElement": patternNames(p.argument as AnyNode, out); break;
    case "AssignmentPattern": patternNames(p.left as AnyNode, out); break;
    default: break;
  }
}

/** Expressions inside a binding pattern that are evaluated (defaults, computed keys). */
function visitPatternExpressions(p: AnyNode | null | undefined, scope: Scope, free: Set<string>, st: { usesThis: boolean }, arrowTop: boolean): void {
  if (!p) return;
  switch (p.type) {
    case "ObjectPattern":
      for (const prop of p.properties as AnyNode[]) {
        if (prop.type === "RestElement") visitPatternExpressions(prop.argument as AnyNode, scope, free, st, arrowTop);
        else {
          if (prop.computed) visit(prop.key as AnyNode, scope, free, st, arrowTop);
          visitPatternExpressions(prop.value as AnyNode, scope, free, st, arrowTop);
        }
      }
      break;
    case "ArrayPattern": for (const el of p.elements as (AnyNode | null)[]) visitPatternExpressions(el, scope, free, st, arrowTop); break;
    case "RestElement": visitPatternExpressions(p.argument as AnyNode, scope, free, st, arrowTop); break;
    case "AssignmentPattern":
      visitPatternExpressions(p.left as AnyNode, scope, free, st, arrowTop);
      visit(p.right as AnyNode, scope, free, st, arrowTop);
      break;
    case "MemberExpression": visit(p, scope, free, st, arrowTop); break; // assignment target in for-of etc.
    case "Identifier": if (!declared(scope, p.name as string)) free.add(p.name as string); break;
    default: break;
  }
}

/** `var` and function declarations of a function body, not entering nested functions. */
function hoist(node: AnyNode | null | undefined, out: Set<string>): void {
  if (!node || typeof node.type !== "string") return;
  if (node.type === "VariableDeclaration" && node.kind === "var") {
    for (const d of node.declarations as AnyNode[]) patternNames(d.id as AnyNode, out);
  }
  if (node.type === "FunctionDeclaration") { out.add((node.id as AnyNode).name as string); return; }
  if (node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression" || node.type.startsWith("Class")) return;
  for (const child of children(node)) hoist(child, out);
}

/** let/const/class/function declared directly in a statement list. */
function lexical(statements: AnyNode[], out: Set<string>): void {
  for (const s of statements) {
    if (s.type === "VariableDeclaration" && s.kind !== "var") for (const d of s.declarations as AnyNode[]) patternNames(d.id as AnyNode, out);
    else if ((s.type === "ClassDeclaration" || s.type === "FunctionDeclaration") && s.id) out.add((s.id as AnyNode).name as string);
  }
}

function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "loc" || key === "range") continue;
    const v = node[key];
    if (Array.isArray(v)) { for (const x of v) if (x && typeof (x as AnyNode).type === "string") out.push(x as AnyNode); }
    else if (v && typeof (v as AnyNode).type === "string") out.push(v as AnyNode);
  }
  return out;
}

function visitFunction(fn: AnyNode, outer: Scope | undefined, free: Set<string>, st: { usesThis: boolean }, top: boolean): void {
  const names = new Set<string>();
  const isArrow = fn.type === "ArrowFunctionExpression";
  if (!isArrow) names.add("arguments");
  if (fn.type === "FunctionExpression" && fn.id) names.add((fn.id as AnyNode).name as string);
  for (const p of fn.params as AnyNode[]) patternNames(p, names);
  const body = fn.body as AnyNode;
  if (body.type === "BlockStatement") { hoist(body, names); lexical(body.body as AnyNode[], names); }
  const scope: Scope = { names, parent: outer };
  const arrowTop = top && isArrow;
  for (const p of fn.params as AnyNode[]) visitPatternExpressions(p, scope, free, st, arrowTop);
  if (body.type === "BlockStatement") for (const s of body.body as AnyNode[]) visit(s, scope, free, st, arrowTop);
  else visit(body, scope, free, st, arrowTop);
}

function visit(node: AnyNode, scope: Scope, free: Set<string>, st: { usesThis: boolean }, arrowTop: boolean): void {
  switch (node.type) {
    case "Identifier":
      if (!declared(scope, node.name as string)) free.add(node.name as string);
      return;
    case "ThisExpression":
      if (arrowTop) st.usesThis = true;
      return;
    case "FunctionExpression":
    case "FunctionDeclaration":
      visitFunction(node, scope, free, st, false);
      return;
    case "ArrowFunctionExpression":
      visitFunction(node, scope, free, st, arrowTop);
      return;
    case "ClassDeclaration":
    case "ClassExpression": {
      const inner: Scope = { names: new Set(node.id ? [(node.id as AnyNode).name as string] : []), parent: scope };
      if (node.superClass) visit(node.superClass as AnyNode, scope, free, st, arrowTop);
      for (const m of (node.body as AnyNode).body as AnyNode[]) {
        if (m.computed) visit(m.key as AnyNode, inner, free, st, arrowTop);
        const value = m.value as AnyNode | null;
        if (value && value.type === "FunctionExpression") visitFunction(value, inner, free, st, false);
        else if (value) visit(value, inner, free, st, false);
        if (m.type === "StaticBlock") for (const s of m.body as AnyNode[]) visit(s, inner, free, st, false);
      }
      return;
    }
    case "MemberExpression":
      visit(node.object as AnyNode, scope, free, st, arrowTop);
      if (node.computed) visit(node.property as AnyNode, scope, free, st, arrowTop);
      return;
    case "Property":
      if (node.computed) visit(node.key as AnyNode, scope, free, st, arrowTop);
      visit(node.value as AnyNode, scope, free, st, arrowTop);
      return;
    case "LabeledStatement":
      visit(node.body as AnyNode, scope, free, st, arrowTop);
      return;
    case "BreakStatement":
    case "ContinueStatement":
    case "MetaProperty":
    case "Literal":
    case "Super":
    case "EmptyStatement":
    case "DebuggerStatement":
      return;
    case "VariableDeclaration":
      for (const d of node.declarations as AnyNode[]) {
        visitPatternExpressions(d.id as AnyNode, scope, free, st, arrowTop);
        if (d.init) visit(d.init as AnyNode, scope, free, st, arrowTop);
      }
      return;
    case "BlockStatement":
    case "StaticBlock": {
      const names = new Set<string>();
      lexical(node.body as AnyNode[], names);
      const inner: Scope = { names, parent: scope };
      for (const s of node.body as AnyNode[]) visit(s, inner, free, st, arrowTop);
      return;
    }
    case "SwitchStatement": {
      visit(node.discriminant as AnyNode, scope, free, st, arrowTop);
      const names = new Set<string>();
      for (const c of node.cases as AnyNode[]) lexical(c.consequent as AnyNode[], names);
      const inner: Scope = { names, parent: scope };
      for (const c of node.cases as AnyNode[]) {
        if (c.test) visit(c.test as AnyNode, inner, free, st, arrowTop);
        for (const s of c.consequent as AnyNode[]) visit(s, inner, free, st, arrowTop);
      }
      return;
    }
    case "ForStatement":
    case "ForInStatement":
    case "ForOfStatement": {
      const names = new Set<string>();
      const head = (node.type === "ForStatement" ? node.init : node.left) as AnyNode | null;
      if (head && head.type === "VariableDeclaration" && head.kind !== "var") lexical([head], names);
      const inner: Scope = { names, parent: scope };
      if (head && head.type !== "VariableDeclaration" && node.type !== "ForStatement") visitPatternExpressions(head, inner, free, st, arrowTop);
      else if (head) visit(head, inner, free, st, arrowTop);
      for (const key of ["test", "update", "right", "body"]) {
        const child = node[key] as AnyNode | null | undefined;
        if (child) visit(child, inner, free, st, arrowTop);
      }
      return;
    }
    case "CatchClause": {
      const names = new Set<string>();
      patternNames(node.param as AnyNode | null, names);
      const inner: Scope = { names, parent: scope };
      if (node.param) visitPatternExpressions(node.param as AnyNode, inner, free, st, arrowTop);
      visit(node.body as AnyNode, inner, free, st, arrowTop);
      return;
    }
    case "AssignmentExpression":
      if ((node.left as AnyNode).type.endsWith("Pattern")) visitPatternExpressions(node.left as AnyNode, scope, free, st, arrowTop);
      else visit(node.left as AnyNode, scope, free, st, arrowTop);
      visit(node.right as AnyNode, scope, free, st, arrowTop);
      return;
    default:
      for (const child of children(node)) visit(child, scope, free, st, arrowTop);
  }
}
