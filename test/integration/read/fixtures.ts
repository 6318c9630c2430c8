import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { Session, WeirError } from "../../../src/index.js";

/** A small session for read tests, closed when the test ends. */
export async function session(t: TestContext): Promise<Session> {
  const spark = await Session.create({ threads: 1, memoryLimit: "1GB" });
  t.after(() => spark.close());
  return spark;
}

/** Files (relative path → content) under a fresh temp directory, removed when the test ends. */
export async function tree(t: TestContext, files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "weir-read-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  return root;
}

/** Every JSON line of every file under `dir` (bad-records output), recursively. */
export async function jsonLinesUnder(dir: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
    const text = await readFile(path.join(entry.parentPath, entry.name), "utf8");
    for (const line of text.split("\n")) if (line.trim()) out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

/** Number of non-blank lines of a text (data records of a JSON-lines file; data rows + header of a CSV). */
export function nonBlankLines(text: string): number {
  return text.split("\n").filter((l) => l.trim() !== "").length;
}

/** The WeirError `fn` rejects with; fails the test when it succeeds or fails with anything else. */
export async function failure(fn: () => Promise<unknown>): Promise<WeirError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof WeirError, String(e));
    return e;
  }
  assert.fail("expected an error");
}
