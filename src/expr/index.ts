/**
 * expr — the expression tree shared by the DataFrame API, the planner and the compilers.
 *
 * Invariants: nodes are frozen and tagged by `kind`; literals are values (bound as parameters when compiled),
 * never SQL text; function calls carry Spark function names, mapped to engine SQL only by the compiler.
 */
export * from "./nodes.js";
export { exprName, forEachExpr, children } from "./naming.js";
