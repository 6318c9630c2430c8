/** FileSystemLogStore runs the shared LogStore conformance suite in a temp directory. */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after } from "node:test";
import { FileSystemLogStore } from "../../src/delta/index.js";
import { runLogStoreSuite } from "./log-store-suite.js";

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});
runLogStoreSuite("FileSystemLogStore", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "weir-logstore-"));
  dirs.push(dir);
  return { store: new FileSystemLogStore(), dir, join: (...p: string[]) => path.join(dir, ...p) };
});
