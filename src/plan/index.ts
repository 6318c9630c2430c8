/**
 * plan — logical plans: immutable node trees built lazily by the DataFrame API, rewritten by optimizer rules
 * (one file each under optimizer/), then compiled by an executor at each action.
 *
 *   DataFrame builder ──▶ Plan nodes ──▶ optimize() ──▶ engine compiler (plan → SQL) ──▶ executor
 *
 * Invariants: nodes are frozen, tagged by `kind`, and carry a unique `id`; rewrites never mutate.
 */
export * from "./nodes.js";
export { mapPlan } from "./transform.js";
export { optimize, splitConjuncts, RULES, type Rule } from "./optimizer/index.js";
export { planTreeString } from "./tree-string.js";
