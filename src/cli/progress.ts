/** How long work may run before a progress bar appears (issue: "progress bar on work longer than a second"). */
const DELAY_MS = 1000;

/** When to draw the bar: `auto` = only when stderr is a terminal. @example `withProgress("sql", work, "never")` */
export type ProgressMode = "auto" | "always" | "never";

/**
 * Await `work`, drawing an indeterminate progress bar on stderr (label and elapsed time) once it has taken more
 * than a second. Nothing is printed for fast work or when stderr is not a terminal (unless `mode` is `always`);
 * cli-progress is only loaded when a bar is actually shown, so quick commands do not pay for it.
 *
 * @example
 * ```ts
 * const rows = await withProgress("sql", () => df.collect());
 * ```
 */
export async function withProgress<T>(label: string, work: () => Promise<T>, mode: ProgressMode = "auto"): Promise<T> {
  if (mode === "never" || (mode === "auto" && !process.stderr.isTTY)) return work();
  let stop: (() => void) | undefined;
  let done = false;
  const timer = setTimeout(() => {
    void startBar(label).then((s) => {
      if (done) s();
      else stop = s;
    });
  }, DELAY_MS);
  try {
    return await work();
  } finally {
    done = true;
    clearTimeout(timer);
    stop?.();
  }
}

/** Start the bar; returns the function that removes it. */
async function startBar(label: string): Promise<() => void> {
  const { default: progress } = await import("cli-progress");
  const width = 24;
  const bar = new progress.SingleBar({
    format: `weir: {bar} ${label} {duration_formatted}`,
    barsize: width,
    hideCursor: true,
    clearOnComplete: true,
    noTTYOutput: true,
    stream: process.stderr,
    // Work has no known total: a block bounces across the bar while the clock runs.
    formatBar: (p: number) => {
      const pos = Math.round(p * (width - 4));
      return `${"-".repeat(pos)}====${"-".repeat(width - 4 - pos)}`;
    },
  });
  bar.start(100, 0);
  let tick = 0;
  const interval = setInterval(() => {
    tick = (tick + 5) % 200;
    bar.update(tick <= 100 ? tick : 200 - tick);
  }, 100);
  // Results printed by the work itself (df.show()) must not land on the bar's line: the first write to stdout
  // removes the bar.
  const stdoutWrite = process.stdout.write;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.stdout.write = stdoutWrite;
    clearInterval(interval);
    bar.stop();
  };
  process.stdout.write = function (this: NodeJS.WriteStream, ...args: Parameters<typeof stdoutWrite>) {
    stop();
    return stdoutWrite.apply(this, args);
  } as typeof stdoutWrite;
  return stop;
}
