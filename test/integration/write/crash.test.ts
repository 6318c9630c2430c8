import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Session } from "../../../src/index.js";
import { expectedAfter, readGeneration, writeGeneration } from "./fixtures/generation.js";

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "partitioned-writer.ts");

/** A writer child that has started its session and waits for "go". */
interface ReadyChild {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Resolves with the write time (ms) once the child prints "done". */
  readonly done: Promise<number>;
  readonly ready: Promise<void>;
}

function startChild(dest: string, generation: number): ReadyChild {
  const child = spawn(process.execPath, ["--import", "tsx", writer, dest, String(generation)], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let onReady!: () => void;
  let onDone!: (ms: number) => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const done = new Promise<number>((r) => (onDone = r));
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes("ready\n")) onReady();
    const m = /done ([\d.]+)\n/.exec(stdout);
    if (m) onDone(Number(m[1]));
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    child.on("exit", (code, signal) => (signal === "SIGKILL" || code === 0 ? resolve() : reject(new Error(`writer child exited with ${code}: ${stderr}`))));
  });
  // A child that dies early must fail the test rather than hang it.
  exited.catch(() => undefined);
  return { child, exited, done, ready: Promise.race([ready, exited.then(() => { throw new Error(`writer child exited before ready: ${stderr}`); })]) };
}

test("df.write overwrite partitioned, SIGKILLed at 20 random moments (and once after it finished), leaves the old or the new complete dataset and a rerun succeeds", { timeout: 120_000 }, async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), "weir-write-crash-"));
  const session = await Session.create({ threads: 1 });
  t.after(async () => {
    await session.close();
    await rm(root, { recursive: true, force: true });
  });
  const dest = path.join(root, "out");

  // Generation 0 runs to completion in its child (then is killed, idle) to measure how long a write takes
  // there; generations 1–20 are killed at moments stratified over [0, 1.3 × that time]: early kills hit
  // staging, middle ones the commit, late ones the finished child — every one a real SIGKILL.
  const kills = 20;
  let writeMs = 0;
  const outcomes = { old: 0, new: 0 };
  let current: string[] = []; // absent
  let spare = startChild(dest, 0);
  for (let generation = 0; generation <= kills; generation++) {
    const running = spare;
    await running.ready;
    if (generation < kills) spare = startChild(dest, generation + 1); // starts up while this trial runs
    running.child.stdin!.write("go\n");
    const delayMs = ((generation - 1 + Math.random()) / kills) * writeMs * 1.3;
    if (generation === 0) writeMs = await running.done;
    else await new Promise((r) => setTimeout(r, delayMs));
    void running.done.then((ms) => (writeMs = Math.max(writeMs, ms))); // overwrites may take longer than the first write
    running.child.kill("SIGKILL");
    await running.exited;

    const next = expectedAfter(current, generation);
    const seen = await readGeneration(session, dest);
    const isOld = JSON.stringify(seen) === JSON.stringify(current);
    const isNew = JSON.stringify(seen) === JSON.stringify(next);
    assert.ok(isOld || isNew, `generation ${generation} killed after ${generation ? delayMs.toFixed(0) : "completion,"} ms: the reader saw ${seen.length} rows, neither the old ${current.length} nor the new ${next.length}`);
    if (generation > 0) outcomes[isNew ? "new" : "old"]++;

    // The rerun, in this process, succeeds and gives the new dataset.
    await writeGeneration(session, dest, generation);
    current = expectedAfter(seen, generation);
    assert.deepEqual(await readGeneration(session, dest), current, `generation ${generation}: rerun`);
    const leftovers = [...(await readdir(dest)), ...(await readdir(root))].filter((n) => n.startsWith("_temporary") || n.startsWith("_weir") || n.includes(".weir-"));
    assert.deepEqual(leftovers, [], `generation ${generation}: leftovers of the killed job were not collected`);
  }
  t.diagnostic(`write ~${writeMs.toFixed(0)} ms; kills that left the old dataset: ${outcomes.old}, the new one: ${outcomes.new}`);
  assert.ok(outcomes.old > 0 && outcomes.new > 0, `kills should land both before and after the commit: ${JSON.stringify(outcomes)}`);
});
