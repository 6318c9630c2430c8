import { WeirError } from "../errors/index.js";

/**
 * Session configuration, as Spark's `spark.conf`: string values by key.
 * @example
 * ```ts
 * spark.conf.set("weir.sql.shuffle.partitions", 8);
 * spark.conf.get("weir.sql.shuffle.partitions"); // "8"
 * ```
 */
export class RuntimeConfig {
  private readonly values: Map<string, string>;

  constructor(initial: Readonly<Record<string, string>> = {}) {
    this.values = new Map(Object.entries(initial));
  }

  /** A value; `defaultValue` when unset; an error when unset without a default. */
  get(key: string, defaultValue?: string): string {
    const v = this.values.get(key);
    if (v !== undefined) return v;
    if (defaultValue !== undefined) return defaultValue;
    throw new WeirError("WEIR_INVALID_ARGUMENT", `Configuration "${key}" is not set`, { hint: `set it with spark.conf.set("${key}", value) or pass a default` });
  }
  /** Set a value (stored as a string). */
  set(key: string, value: string | number | boolean): void {
    this.values.set(key, String(value));
  }
  /** Remove a value. */
  unset(key: string): void {
    this.values.delete(key);
  }
  /** Whether a key is set. */
  isSet(key: string): boolean {
    return this.values.has(key);
  }
  /** All values. */
  getAll(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}
