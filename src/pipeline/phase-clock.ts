/** Wall-clock time per phase of a pipeline run, reported in its result (`phaseMs`). */

/**
 * Laps of one run: each `lap(name)` records the time since the previous lap (adding up when a name repeats).
 *
 * @example
 * ```ts
 * const clock = new PhaseClock();
 * await extract(); clock.lap("extract");
 * await merge(); clock.lap("merge");
 * clock.done(); // { extract: 812, merge: 640, total: 1452 }
 * ```
 */
export class PhaseClock {
  private readonly started = performance.now();
  private last = this.started;
  private readonly laps: Record<string, number> = {};

  /** Close the current phase under `name`. @example `clock.lap("state")` */
  lap(name: string): void {
    const now = performance.now();
    this.record(name, now - this.last);
    this.last = now;
  }

  /** Record a duration measured elsewhere (a sub-phase; not part of the laps' sum). @example `clock.record("merge.scan", m.scanTimeMs)` */
  record(name: string, ms: number | undefined): void {
    if (ms === undefined || !Number.isFinite(ms)) return;
    this.laps[name] = Math.round((this.laps[name] ?? 0) + ms);
  }

  /** The phases so far plus `total`. @example `const phaseMs = clock.done()` */
  done(): Readonly<Record<string, number>> {
    return { ...this.laps, total: Math.round(performance.now() - this.started) };
  }
}
