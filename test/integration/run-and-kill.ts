import { spawn } from "node:child_process";

/**
 * Run a TypeScript child process (through tsx) and SIGKILL it `delayMs` after its first output on stdout, or let
 * it end if it finishes sooner. Resolves when it has exited, with all it printed and how long it ran after that
 * first output — the driver of the crash-safety tests.
 * @example `const { out } = await runAndKill(CHILD, ["merge", root], 200); const finished = out.includes("done");`
 */
export function runAndKill(child: string, args: readonly string[], delayMs: number, stderr: "ignore" | "inherit" = "ignore"): Promise<{ out: string; ms: number }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", child, ...args], { stdio: ["ignore", "pipe", stderr] });
    let out = "";
    let started = 0;
    p.stdout.on("data", (b: Buffer) => {
      const first = out === "";
      out += b.toString();
      if (first) { started = Date.now(); setTimeout(() => p.kill("SIGKILL"), delayMs); }
    });
    p.on("close", () => resolve({ out, ms: Date.now() - started }));
  });
}
