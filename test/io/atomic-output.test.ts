import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IoError } from "../../src/errors/index.js";
import { beginOutput, listInputFiles, recoverOutput } from "../../src/io/index.js";
import { generationFiles, writeGeneration, type GenerationSpec } from "./fixtures/generation.js";

const here = path.dirname(fileURLToPath(import.meta.url));

async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "weir-output-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  return root;
}

/** What a reader sees: "<partition dir>|<content>" per visible file, sorted; [] when the output is absent. */
async function visible(dest: string): Promise<string[]> {
  try {
    const { files } = await listInputFiles(dest);
    return (await Promise.all(files.map(async (f) => `${path.relative(dest, path.dirname(f.path))}|${await readFile(f.path, "utf8")}`))).sort();
  } catch (e) {
    if (e instanceof IoError && e.code === "WEIR_PATH_NOT_FOUND") return [];
    throw e;
  }
}

/** The output a reader should see after `spec` commits on top of `before`. */
function expectedAfter(before: readonly string[], spec: GenerationSpec): string[] {
  const mine = generationFiles(spec);
  if (spec.mode === "append") return [...before, ...mine].sort();
  if (spec.mode === "overwrite" && spec.dynamic) {
    const touched = new Set(spec.partitions.map((p) => `p=${p}`));
    return [...before.filter((f) => !touched.has(f.split("|")[0]!)), ...mine].sort();
  }
  return mine;
}

const gen = (dest: string, generation: number, mode: GenerationSpec["mode"], partitions: number[], dynamic = false): GenerationSpec =>
  ({ dest, mode, dynamic, generation, partitions, filesPerPartition: 3 });

test("mode error publishes a new output with _SUCCESS, then fails with WEIR_PATH_EXISTS and leaves it as it was", async (t) => {
  const dest = path.join(await scratch(t), "out");
  const first = await writeGeneration(gen(dest, 1, "error", [1, 2]));
  assert.equal(first.files.length, 6);
  assert.deepEqual(await visible(dest), generationFiles(gen(dest, 1, "error", [1, 2])));
  assert.match(await readFile(path.join(dest, "_SUCCESS"), "utf8"), /"files":6/);
  await assert.rejects(writeGeneration(gen(dest, 2, "error", [3])), (e: unknown) => {
    assert.ok(e instanceof IoError && e.code === "WEIR_PATH_EXISTS");
    assert.match(e.message, /already exists and the save mode is "error"\. Hint: use mode\("overwrite"\)/);
    return true;
  });
  assert.deepEqual(await visible(dest), generationFiles(gen(dest, 1, "error", [1, 2])));
  assert.deepEqual((await readdir(path.dirname(dest))).sort(), ["out"], "no staging directory is left behind");
});

test("mode ignore keeps existing data and skips; on a missing path it writes", async (t) => {
  const dest = path.join(await scratch(t), "out");
  const out0 = await beginOutput(dest, "ignore");
  assert.equal(out0.skipped, false);
  await out0.abort();
  await writeGeneration(gen(dest, 1, "ignore", [1]));
  const out = await beginOutput(dest, "ignore");
  assert.equal(out.skipped, true);
  assert.deepEqual(await out.commit(), { committed: false, files: [], deletedFiles: 0 });
  assert.deepEqual(await visible(dest), generationFiles(gen(dest, 1, "ignore", [1])));
});

test("mode append adds files under fresh names and never overwrites an existing file", async (t) => {
  const dest = path.join(await scratch(t), "out");
  await writeGeneration(gen(dest, 1, "append", [1, 2]));
  const before = await readFile(path.join(dest, "p=1", "part-00000.txt"), "utf8");
  const second = await writeGeneration(gen(dest, 2, "append", [2, 3]));
  assert.equal(await readFile(path.join(dest, "p=1", "part-00000.txt"), "utf8"), before);
  assert.equal(second.files.filter((f) => f.includes("p=2") && /part-00000-[0-9a-f]{6}\.txt$/.test(f)).length, 1, second.files.join());
  assert.deepEqual(await visible(dest), [...generationFiles(gen(dest, 1, "append", [1, 2])), ...generationFiles(gen(dest, 2, "append", [2, 3]))].sort());
});

test("mode overwrite replaces the whole output, including partitions the new data does not have", async (t) => {
  const dest = path.join(await scratch(t), "out");
  await writeGeneration(gen(dest, 1, "error", [1, 2, 3]));
  await writeFile(path.join(dest, "p=3", ".part-0.crc"), "x");
  const result = await writeGeneration(gen(dest, 2, "overwrite", [2, 4]));
  assert.equal(result.deletedFiles, 10);
  assert.deepEqual(await visible(dest), generationFiles(gen(dest, 2, "overwrite", [2, 4])));
  assert.deepEqual((await readdir(dest)).sort(), ["_SUCCESS", "p=2", "p=4"]);
});

test("dynamic partition overwrite replaces only the partitions written and keeps the others untouched", async (t) => {
  const dest = path.join(await scratch(t), "out");
  await writeGeneration(gen(dest, 1, "error", [1, 2, 3]));
  await writeGeneration(gen(dest, 2, "overwrite", [2, 4], true));
  assert.deepEqual(await visible(dest), [
    ...generationFiles(gen(dest, 1, "error", [1, 3])), ...generationFiles(gen(dest, 2, "overwrite", [2, 4])),
  ].sort());
});

test("abort and a failed engine write leave the destination as it was, with no staging left", async (t) => {
  const dest = path.join(await scratch(t), "out");
  await writeGeneration(gen(dest, 1, "error", [1]));
  const out = await beginOutput(dest, "overwrite");
  await writeFile(path.join(out.stagingDir, "x.txt"), "new");
  await out.abort();
  await out.abort();
  assert.deepEqual(await visible(dest), generationFiles(gen(dest, 1, "error", [1])));
  assert.deepEqual((await readdir(dest)).sort(), ["_SUCCESS", "p=1"]);
  {
    await using disposed = await beginOutput(dest, "overwrite");
    await writeFile(path.join(disposed.stagingDir, "y.txt"), "never committed");
  }
  assert.deepEqual((await readdir(dest)).sort(), ["_SUCCESS", "p=1"]);
});

/** Simulate a writer killed right after its commit point: gen 1 in p=1, p=2; staged p=9 + journal, nothing applied. */
async function crashedAfterCommitPoint(dest: string): Promise<void> {
  await writeGeneration(gen(dest, 1, "error", [1, 2]));
  const jobId = "lzzzzzzz-00000000-1-abcdef"; // another host's id: recovery does not wait for it
  await mkdir(path.join(dest, "_temporary", jobId, "p=9"), { recursive: true });
  await writeFile(path.join(dest, "_temporary", jobId, "p=9", "a.txt"), "g2 p=9 part-0");
  const old = [1, 2].flatMap((p) => [0, 1, 2].map((i) => `p=${p}/part-0000${i}.txt`));
  await writeFile(path.join(dest, "_weir_commit.json"), JSON.stringify({
    version: 1, jobId, mode: "overwrite", staging: `_temporary/${jobId}`, deletes: old,
    pruneDirs: ["p=2", "p=1"], moves: [{ from: "p=9/a.txt", to: "p=9/a.txt" }],
  }));
  for (const rel of old.slice(0, 4)) await rm(path.join(dest, rel)); // the crash came after some deletes
}

test("a journal left by a crashed commit is rolled forward by the next reader of the output", async (t) => {
  const dest = path.join(await scratch(t), "out");
  await crashedAfterCommitPoint(dest);
  assert.deepEqual(await visible(dest), ["p=9|g2 p=9 part-0"]);
  assert.deepEqual((await readdir(dest)).sort(), ["_SUCCESS", "p=9"]);
  assert.equal(await recoverOutput(dest), false);
});

test("reading a partition directory that only the interrupted commit creates recovers the output above it", async (t) => {
  const dest = path.join(await scratch(t), "out");
  await crashedAfterCommitPoint(dest);
  const { files } = await listInputFiles(path.join(dest, "p=9"));
  assert.deepEqual(files.map((f) => path.relative(dest, f.path)), ["p=9/a.txt"]);
});

/**
 * Spawn the writer child; SIGKILL it `kill.delayMs` after it prints `kill.after` ("ready": before staging,
 * "staged": before committing). Resolves with its staging and commit times if it finished.
 */
function runWriter(spec: GenerationSpec, kill?: { after: "ready" | "staged"; delayMs: number }): Promise<{ killed: boolean; stageMs: number; commitMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures", "partitioned-writer.ts"), JSON.stringify(spec)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (kill && !timer && stdout.includes(`${kill.after}\n`)) timer = setTimeout(() => child.kill("SIGKILL"), kill.delayMs);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") return resolve({ killed: true, stageMs: 0, commitMs: 0 });
      if (code !== 0) return reject(new Error(`writer exited with ${code}: ${stderr}`));
      const m = /done ([\d.]+) ([\d.]+)/.exec(stdout);
      resolve({ killed: false, stageMs: Number(m?.[1] ?? 50), commitMs: Number(m?.[2] ?? 20) });
    });
  });
}

test("a writer SIGKILLed at 24 random moments leaves the old or the new complete output, and a rerun succeeds", { timeout: 60_000 }, async (t) => {
  const root = await scratch(t);
  const dest = path.join(root, "out");
  const filesPerPartition = 40;
  const spec = (generation: number): GenerationSpec => {
    const kind = generation % 4;
    const partitions = [0, 1, 2, 3, 4].filter((p) => (p + generation) % 5 !== 0 && (kind !== 1 || p % 2 === generation % 2));
    if (generation % 8 === 0) return { dest, mode: "error", generation, partitions, filesPerPartition };
    return { dest, mode: kind === 2 ? "append" : "overwrite", dynamic: kind === 1, generation, partitions, filesPerPartition };
  };
  // Calibrate: uninterrupted runs (a new output, then a journaled overwrite) tell how long staging and
  // committing take here. Even trials kill anywhere in the run, odd ones aim at the commit itself.
  const calibrationDest = path.join(root, "calibration");
  const runs = [await runWriter({ ...spec(8), dest: calibrationDest }), await runWriter({ ...spec(9), dest: calibrationDest })];
  await rm(calibrationDest, { recursive: true });
  const stageMs = Math.max(...runs.map((r) => r.stageMs));
  const commitMs = Math.max(5, ...runs.map((r) => r.commitMs));
  let current: string[] = [];
  const outcomes = { old: 0, new: 0, rolledForward: 0 };
  for (let generation = 0; generation < 24; generation++) {
    const s = spec(generation);
    if (s.mode === "error") {
      await rm(dest, { recursive: true, force: true });
      current = [];
    }
    const next = expectedAfter(current, s);
    await runWriter(s, generation % 2 === 0
      ? { after: "ready", delayMs: Math.random() * (stageMs + commitMs) * 1.2 }
      : { after: "staged", delayMs: Math.random() * commitMs * 1.5 });
    if (await stat(path.join(dest, "_weir_commit.json")).then(() => true, () => false)) outcomes.rolledForward++;
    const seen = await visible(dest);
    const isOld = JSON.stringify(seen) === JSON.stringify(current);
    const isNew = JSON.stringify(seen) === JSON.stringify(next);
    assert.ok(isOld || isNew, `generation ${generation} (${s.mode}${s.dynamic ? " dynamic" : ""}): the reader saw ${seen.length} files, neither the old ${current.length} nor the new ${next.length}`);
    outcomes[isNew ? "new" : "old"]++;
    current = seen;
    // Rerun to completion in this process: it must succeed (or, for mode error after a commit, refuse cleanly).
    if (s.mode === "error" && isNew) {
      await assert.rejects(writeGeneration(s), (e: unknown) => e instanceof IoError && e.code === "WEIR_PATH_EXISTS");
    } else {
      await writeGeneration(s);
      current = expectedAfter(current, s);
    }
    assert.deepEqual(await visible(dest), current);
    const leftovers = [...(await readdir(dest)), ...(await readdir(root))].filter((n) => n.startsWith("_temporary") || n.startsWith("_weir") || n.includes(".weir-"));
    assert.deepEqual(leftovers, [], `generation ${generation}: crashed job leftovers were not collected`);
  }
  t.diagnostic(`staging ~${stageMs.toFixed(0)} ms, commit ~${commitMs.toFixed(0)} ms; kills that left the old output: ${outcomes.old}, the new output: ${outcomes.new} (${outcomes.rolledForward} of them mid-commit, completed by the reader)`);
  assert.ok(outcomes.old > 0 && outcomes.new > 0, `kills should land both before and after the commit point: ${JSON.stringify(outcomes)}`);
});
