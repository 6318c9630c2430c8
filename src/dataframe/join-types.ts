import { WeirError } from "../errors/index.js";
import type { JoinType } from "../plan/index.js";
import type { Column } from "./column.js";
import type { ColName, IsRow, Simplify } from "./typed.js";

const JOIN_TYPES: Record<JoinTypeName, JoinType> = {
  inner: "inner", cross: "cross", outer: "full", full: "full", fullouter: "full", full_outer: "full", left: "left",
  leftouter: "left", left_outer: "left", right: "right", rightouter: "right", right_outer: "right", semi: "left_semi",
  leftsemi: "left_semi", left_semi: "left_semi", anti: "left_anti", leftanti: "left_anti", left_anti: "left_anti",
};

/** Join type names accepted by join(), as in PySpark. @example `"left_anti"` */
export type JoinTypeName = "inner" | "cross" | "outer" | "full" | "fullouter" | "full_outer" | "left" | "leftouter" | "left_outer" | "right" | "rightouter" | "right_outer" | "semi" | "leftsemi" | "left_semi" | "anti" | "leftanti" | "left_anti";

/** The `on` argument of join: column name(s) present on both sides, or a boolean Column. @example `"id"` */
export type JoinOn<S, S2> = (ColName<S> & ColName<S2>) | readonly (ColName<S> & ColName<S2>)[] | Column<unknown, string>;

/**
 * The row type of a join: the left row for semi/anti joins, both rows otherwise (columns of the side that may be
 * missing are unchanged: the row types already allow null).
 * @example `JoinRow<{a: number}, {b: string}, "inner"> // { a: number; b: string }`
 */
export type JoinRow<S, S2, H extends string> = H extends "semi" | "leftsemi" | "left_semi" | "anti" | "leftanti" | "left_anti" ? S : IsRow<S, IsRow<S2, Simplify<S & Omit<S2, keyof S>>>>;

/**
 * The plan join type of a PySpark join type name (case-insensitive).
 * @example `resolveJoinType("left_outer") // "left"`
 */
export function resolveJoinType(how: string): JoinType {
  const joinType = (JOIN_TYPES as Record<string, JoinType>)[how.toLowerCase()];
  if (!joinType) throw new WeirError("WEIR_INVALID_ARGUMENT", `join() failed: unknown join type "${how}"`, { hint: `use one of ${Object.keys(JOIN_TYPES).join(", ")}` });
  return joinType;
}
