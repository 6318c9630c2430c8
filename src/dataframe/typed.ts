import type { Column } from "./column.js";

/** An untyped row. @example `const r: Row = { id: 1 };` */
export type Row = Record<string, unknown>;

/** Flatten an intersection for readable hover types. @example `Simplify<{a: 1} & {b: 2}>` */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** True when the row type has no static column names (any string is a column). */
export type IsUntyped<S> = string extends keyof S ? true : false;

/** `T` when the row type `S` is static, `Row` when it is not. @example `IsRow<Row, { a: 1 }> // Row` */
export type IsRow<S, T> = IsUntyped<S> extends true ? Row : T;

/**
 * The column names accepted where a DataFrame expects a name: the row type's keys when the schema is static
 * (so a misspelling is a compile error), any string otherwise.
 * @example `type N = ColName<{ id: number; name: string }>; // "id" | "name"`
 */
export type ColName<S> = IsUntyped<S> extends true ? string : Extract<keyof S, string>;

/** One item of a select list: a column name, `"*"`, or a Column. */
export type SelectItem<S> = ColName<S> | "*" | Column<unknown, string> | Column<never, string>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The output name of a reference: `"e.name"` (alias-qualified or a struct field) is named `"name"`, as at run time. */
export type LastSegment<N extends string> = N extends `${string}.${infer Rest}` ? LastSegment<Rest> : N;

type ItemRow<S, I> =
  I extends "*" ? S
  : I extends string ? (I extends keyof S ? { [K in I]: S[I] } : { [K in I]: unknown })
  : I extends Column<infer T, infer N> ? (string extends N ? {} : { [K in LastSegment<N>]: T })
  : {};

/**
 * The row type produced by a select list (names keep their types; aliased Columns add their name).
 * @example `type R = SelectRow<{ a: number; b: string }, ["a"]>; // { a: number }`
 */
export type SelectRow<S, Items extends readonly unknown[]> =
  IsUntyped<S> extends true ? Row : Simplify<UnionToIntersection<ItemRow<S, Items[number]>> & {}>;

/** The row after `withColumn(name, column)`. @example `WithColumn<{ a: number }, "b", string>` */
export type WithColumn<S, N extends string, T> = IsUntyped<S> extends true ? Row : Simplify<Omit<S, N> & { [K in N]: T }>;

/** The row after renaming `E` to `N`. @example `Renamed<{ a: number }, "a", "b"> // { b: number }` */
export type Renamed<S, E extends keyof S, N extends string> = IsUntyped<S> extends true ? Row : Simplify<Omit<S, E> & { [K in N]: S[E] }>;
