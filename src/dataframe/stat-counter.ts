/**
 * Spark's StatCounter: count, mean, variance, min and max of numbers in one pass, numerically stable (Welford's
 * update per value, Chan's formula to merge two counters), so per-partition counters merge into the exact result
 * whatever the partitioning. Imported by worker tasks (through dataset-kernels.ts): no heavy imports here.
 */

/**
 * Summary statistics of numbers, as `Dataset.stats()` returns them. An empty counter has count 0, mean and sum 0,
 * min +Infinity, max -Infinity and NaN variances (Spark's values); NaN inputs make the mean and variances NaN.
 * @example
 * ```ts
 * const s = await spark.parallelize([1, 2, 3, 4]).stats();
 * s.count; s.mean; s.stdev; s.sampleVariance; // 4, 2.5, 1.118…, 1.666…
 * new StatCounter([1, 2]).mergeStats(new StatCounter([3, 4])).mean // 2.5
 * ```
 */
export class StatCounter {
  private n = 0;
  private mu = 0;
  /** Sum of squared differences from the mean. */
  private m2 = 0;
  private maxValue = -Infinity;
  private minValue = Infinity;

  constructor(values: Iterable<number> = []) {
    for (const v of values) this.merge(v);
  }

  /** Add one value. @example `counter.merge(3.5)` */
  merge(value: number): this {
    const delta = value - this.mu;
    this.n += 1;
    this.mu += delta / this.n;
    this.m2 += delta * (value - this.mu);
    this.maxValue = Math.max(this.maxValue, value);
    this.minValue = Math.min(this.minValue, value);
    return this;
  }

  /** Add the values another counter has seen (PySpark's mergeStats). @example `a.mergeStats(b)` */
  mergeStats(other: StatCounter): this {
    if (other === this) return this.mergeStats(other.copy());
    if (other.n === 0) return this;
    if (this.n === 0) {
      [this.n, this.mu, this.m2, this.maxValue, this.minValue] = other.state();
      return this;
    }
    const n = this.n + other.n;
    const delta = other.mu - this.mu;
    // Spark's choice of form: when one side is much larger, move its mean by the small side's weight (less rounding).
    if (other.n * 10 < this.n) this.mu += (delta * other.n) / n;
    else if (this.n * 10 < other.n) this.mu = other.mu - (delta * this.n) / n;
    else this.mu = (this.mu * this.n + other.mu * other.n) / n;
    this.m2 += other.m2 + (delta * delta * this.n * other.n) / n;
    this.n = n;
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    this.minValue = Math.min(this.minValue, other.minValue);
    return this;
  }

  /** An independent copy. @example `const c = counter.copy()` */
  copy(): StatCounter {
    return StatCounter.fromState(this.state());
  }

  /** Number of values. @example `counter.count` */
  get count(): number { return this.n; }
  /** Arithmetic mean (0 when empty, as Spark). @example `counter.mean` */
  get mean(): number { return this.mu; }
  /** Sum of the values (count × mean). @example `counter.sum` */
  get sum(): number { return this.n * this.mu; }
  /** Largest value (-Infinity when empty). @example `counter.max` */
  get max(): number { return this.maxValue; }
  /** Smallest value (+Infinity when empty). @example `counter.min` */
  get min(): number { return this.minValue; }
  /** Population variance (divides by count; NaN when empty). @example `counter.variance` */
  get variance(): number { return this.n === 0 ? NaN : this.m2 / this.n; }
  /** Sample variance (divides by count - 1; NaN below two values). @example `counter.sampleVariance` */
  get sampleVariance(): number { return this.n <= 1 ? NaN : this.m2 / (this.n - 1); }
  /** Population standard deviation. @example `counter.stdev` */
  get stdev(): number { return Math.sqrt(this.variance); }
  /** Sample standard deviation. @example `counter.sampleStdev` */
  get sampleStdev(): number { return Math.sqrt(this.sampleVariance); }

  /** The statistics as a plain object. @example `JSON.stringify(counter)` */
  toJSON(): { count: number; mean: number; sum: number; min: number; max: number; variance: number; sampleVariance: number; stdev: number; sampleStdev: number } {
    const { count, mean, sum, min, max, variance, sampleVariance, stdev, sampleStdev } = this;
    return { count, mean, sum, min, max, variance, sampleVariance, stdev, sampleStdev };
  }

  /** Spark's format. @example `String(counter) // "(count: 4, mean: 2.5, stdev: 1.118…, max: 4, min: 1)"` */
  toString(): string {
    return `(count: ${this.n}, mean: ${this.mu}, stdev: ${this.stdev}, max: ${this.maxValue}, min: ${this.minValue})`;
  }

  /** The internal state, to send a partition's counter from a worker. @internal */
  state(): [n: number, mu: number, m2: number, max: number, min: number] {
    return [this.n, this.mu, this.m2, this.maxValue, this.minValue];
  }

  /** A counter from {@link StatCounter.state}. @internal */
  static fromState(s: readonly [number, number, number, number, number]): StatCounter {
    const c = new StatCounter();
    [c.n, c.mu, c.m2, c.maxValue, c.minValue] = s;
    return c;
  }
}
