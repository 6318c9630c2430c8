/**
 * Quote a SQL identifier for DuckDB: wrapped in double quotes, embedded quotes doubled. Weir-generated SQL
 * passes every identifier through here.
 * @example `quoteIdent('my "col"') // '"my ""col"""'`
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quote a string literal for DuckDB. Used only for values Weir itself controls (file paths it listed, option
 * values it validated) inside table-function calls, where DuckDB does not accept bound parameters; user values
 * in queries are always bound.
 * @example `quoteString("it's") // "'it''s'"`
 */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
