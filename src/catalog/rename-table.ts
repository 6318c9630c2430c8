import { existsSync, mkdirSync, promises as fs } from "node:fs";
import * as path from "node:path";
import { WeirError } from "../errors/index.js";
import type { TableEntry } from "./metadata-store.js";
import { formatTableIdent, type TableIdent } from "./table-name.js";
import { requireDb, tableExists, withDefault, type WarehouseCatalog } from "./warehouse-catalog.js";

/**
 * `ALTER TABLE from RENAME TO to`, crash-safe (protocol in src/catalog/index.ts):
 *
 * 1. one metadata update swaps the names — `from` disappears, `to` appears with `location` = the old directory
 *    and `moveTo` = the new one (the table is now named `to` only; readers find it at the old directory);
 * 2. the directory is renamed (one `rename(2)`: it is at exactly one of the two places at every instant, and
 *    readers take whichever exists);
 * 3. a second update sets `location` = the new directory and clears `moveTo`.
 *
 * A crash after 1 leaves an entry with `moveTo`, which the next {@link recoverRenames} completes; views and
 * external tables only need step 1.
 *
 * @example
 * ```ts
 * await renameTable(catalog, { database: "gold", table: "orders_v2" }, { database: "gold", table: "orders" });
 * ```
 */
export async function renameTable(catalog: WarehouseCatalog, from: TableIdent, to: TableIdent): Promise<void> {
  await recoverRenames(catalog);
  const source = catalog.require(from).entry;
  const taken = catalog.lookup(to);
  if (taken) throw tableExists(to, taken.entry);
  const target = source.kind === "table" && source.managed ? catalog.paths.managedTable(to) : undefined;
  if (target !== undefined) {
    const abs = catalog.paths.assertInside(target);
    if (catalog.store.read().data.pendingDeletes.includes(target)) await catalog.recoverDeletes();
    if (existsSync(abs)) {
      throw new WeirError("WEIR_PATH_EXISTS", `Cannot rename ${formatTableIdent(from)} to ${formatTableIdent(to)}: the directory ${abs} already exists`, {
        hint: "remove the stray directory or choose another name", details: { path: abs },
      });
    }
  }
  const moved = await catalog.store.update((data) => {
    const d = withDefault(data);
    const srcDb = requireDb(d, from.database);
    const entry = srcDb.tables[from.table] ?? catalog.require(from).entry;
    requireDb(d, to.database);
    const taken = d.databases[to.database]!.tables[to.table];
    if (taken) throw tableExists(to, taken);
    const renamed: TableEntry = { ...entry, name: to.table, ...(target !== undefined ? { moveTo: target } : {}) };
    const { [from.table]: _old, ...srcTables } = srcDb.tables;
    const databases = { ...d.databases, [from.database]: { ...srcDb, tables: srcTables } };
    const dstDb = databases[to.database]!;
    databases[to.database] = { ...dstDb, tables: { ...dstDb.tables, [to.table]: renamed } };
    return { data: { ...d, databases }, result: renamed };
  });
  if (moved.moveTo !== undefined) await completeMove(catalog, to, moved);
}

/**
 * Finish every rename a crash interrupted (entries with `moveTo`): move the directory if it has not moved
 * yet, then record the new location. Safe to run concurrently and repeatedly.
 *
 * @example
 * ```ts
 * await recoverRenames(catalog); // after a process died in ALTER TABLE … RENAME TO
 * ```
 */
export async function recoverRenames(catalog: WarehouseCatalog): Promise<void> {
  const data = withDefault(catalog.store.read().data);
  for (const db of Object.values(data.databases)) {
    for (const entry of Object.values(db.tables)) {
      if (entry.moveTo !== undefined) await completeMove(catalog, { database: db.name, table: entry.name }, entry);
    }
  }
}

async function completeMove(catalog: WarehouseCatalog, id: TableIdent, entry: TableEntry): Promise<void> {
  const fromAbs = catalog.paths.absolute(entry.location ?? "");
  const toAbs = catalog.paths.assertInside(entry.moveTo!);
  if (!existsSync(toAbs) && existsSync(fromAbs)) {
    mkdirSync(path.dirname(toAbs), { recursive: true });
    try {
      await fs.rename(fromAbs, toAbs);
    } catch (e) {
      // Another process completing the same rename got there first.
      if (!existsSync(toAbs)) throw e;
    }
  }
  await catalog.store.update((data) => {
    const db = data.databases[id.database];
    const cur = db?.tables[id.table];
    if (!db || !cur || cur.moveTo !== entry.moveTo) return { data, result: undefined };
    const { moveTo, ...rest } = cur;
    const done: TableEntry = { ...rest, location: moveTo! };
    return { data: { ...data, databases: { ...data.databases, [id.database]: { ...db, tables: { ...db.tables, [id.table]: done } } } }, result: undefined };
  });
}
