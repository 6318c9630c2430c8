/**
 * types — Spark's data types (`t.*` builders, DDL strings), their JS value types, and their DuckDB SQL names.
 *
 * Invariants: types are frozen plain objects tagged by `kind`; a schema is a `struct`; field names are
 * case-preserving and compared case-insensitively (as Spark does by default).
 */
export * from "./data-types.js";
export { t } from "./builders.js";
export { parseSchemaDDL, parseDataType } from "./ddl.js";
export { toDuckDBType } from "./duckdb-sql.js";
export { treeString } from "./tree-string.js";
export { parseSparkSchemaJson, parseSparkDataType, toSparkSchemaJson, toSparkTypeJson, type SparkTypeJson, type SparkStructJson, type SparkFieldJson, type SparkArrayJson, type SparkMapJson } from "./spark-json.js";
