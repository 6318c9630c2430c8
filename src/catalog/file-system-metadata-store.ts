import { readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { FileSystemLogStore, type LogStore } from "../delta/index.js";
import { IoError, WeirError } from "../errors/index.js";
import { deepFreeze } from "./in-memory-metadata-store.js";
import { EMPTY_CATALOG, type CatalogData, type CatalogSnapshot, type CatalogUpdate, type MetadataStore } from "./metadata-store.js";

/** The directory (under the warehouse) holding the catalog log; a dot name can never be a table. @example `".weir-catalog"` */
export const CATALOG_DIR = ".weir-catalog";
const KEEP_VERSIONS = 20;
const NAME = /^(\d{20})\.json$/;

/**
 * The catalog document as a tiny Delta-style log: `<warehouse>/.weir-catalog/%020d.json`, each file the whole
 * document, created with put-if-absent (temp file + hard link), so concurrent writers — threads or processes —
 * never lose an update: the loser re-reads and re-applies its mutation. Old versions beyond the last 20 are
 * deleted after each commit.
 *
 * @example
 * ```ts
 * const store = new FileSystemMetadataStore("/data/warehouse");
 * store.read(); // { version: -1, data: { databases: {}, pendingDeletes: [] } } on a new warehouse
 * ```
 */
export class FileSystemMetadataStore implements MetadataStore {
  private readonly dir: string;

  constructor(warehouse: string, private readonly logStore: LogStore = new FileSystemLogStore()) {
    this.dir = path.join(path.resolve(warehouse), CATALOG_DIR);
  }

  read(): CatalogSnapshot {
    for (let attempt = 0; ; attempt++) {
      const version = this.latestVersion();
      if (version < 0) return { version, data: EMPTY_CATALOG };
      const file = path.join(this.dir, fileName(version));
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        // Deleted by another writer's cleanup between listing and reading: a newer version exists.
        if ((e as NodeJS.ErrnoException).code === "ENOENT" && attempt < 10) continue;
        throw new IoError("WEIR_CATALOG_IO", `Cannot read the catalog file ${file}: ${(e as Error).message}`, { hint: "check the warehouse's permissions", cause: e });
      }
      try {
        return { version, data: deepFreeze(JSON.parse(text) as CatalogData) };
      } catch (e) {
        throw new WeirError("WEIR_INTERNAL", `The catalog file ${file} is not valid JSON: this is a bug in Weir (catalog files are created atomically)`, { hint: "report it with the file attached", cause: e, details: { file } });
      }
    }
  }

  async update<T>(mutate: (current: CatalogData) => CatalogUpdate<T>): Promise<T> {
    for (;;) {
      const snap = this.read();
      const { data, result } = mutate(snap.data);
      if (data === snap.data) return result;
      const next = snap.version + 1;
      const bytes = new TextEncoder().encode(JSON.stringify(data, null, 1));
      if ((await this.logStore.putIfAbsent(path.join(this.dir, fileName(next)), bytes)) === "created") {
        this.cleanUp(next);
        return result;
      }
    }
  }

  private latestVersion(): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return -1;
      throw new IoError("WEIR_CATALOG_IO", `Cannot list the catalog directory ${this.dir}: ${(e as Error).message}`, { hint: "check the warehouse's permissions", cause: e });
    }
    let max = -1;
    for (const n of names) {
      const m = NAME.exec(n);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max;
  }

  private cleanUp(latest: number): void {
    try {
      for (const n of readdirSync(this.dir)) {
        const m = NAME.exec(n);
        if (m && Number(m[1]) <= latest - KEEP_VERSIONS) rmSync(path.join(this.dir, n), { force: true });
      }
    } catch {
      // Old versions are only clutter; a later commit retries.
    }
  }
}

function fileName(version: number): string {
  return `${String(version).padStart(20, "0")}.json`;
}
