import type pg from "pg";

/**
 * Bound values for statements that cannot take protocol parameters. `COPY (SELECT …) TO STDOUT` accepts no `$1`,
 * so each value is stored as a transaction-local setting with a bound `set_config($name, $value, true)` and the
 * query reads it back as `CAST(current_setting('weir.pN') AS <type>)`. The SQL text holds only setting names
 * Weir generates — user values never become SQL.
 *
 * @example
 * ```ts
 * const p = new PgParams();
 * const where = `"id" > ${p.bind("42", "bigint")}`;
 * await p.apply(client); // inside the transaction that runs the COPY
 * ```
 */
export class PgParams {
  private readonly values: string[] = [];

  /** Bind a value (its Postgres text form) and return the SQL that reads it as `type`. */
  bind(text: string, type: string): string {
    this.values.push(text);
    if (!/^[a-z_][a-z0-9_ ]*(\[\])?$/i.test(type)) throw new Error(`invalid Postgres type name ${JSON.stringify(type)}: this is a bug in Weir`);
    return `CAST(current_setting('weir.p${this.values.length}') AS ${type})`;
  }

  /** How many values are bound. */
  get size(): number {
    return this.values.length;
  }

  /** The bound values, in order (for explain()). */
  get bound(): readonly string[] {
    return this.values;
  }

  /** Store the values as transaction-local settings (must run inside the transaction that uses them), in one round trip. */
  async apply(client: pg.Client): Promise<void> {
    if (this.values.length === 0) return;
    const sets = this.values.map((_, i) => `set_config('weir.p${i + 1}', $${i + 1}, true)`);
    await client.query(`SELECT ${sets.join(", ")}`, [...this.values]);
  }
}
