import { existsSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { WeirError } from "../errors/index.js";
import type { TableIdent } from "./table-name.js";

/**
 * The warehouse layout (Spark's): database `default` is the warehouse directory itself, database `db` is
 * `<warehouse>/db.db/`, a managed table is a directory in its database's directory. Paths in the metadata are
 * relative to the warehouse, so a warehouse can be moved or copied whole.
 *
 * @example
 * ```ts
 * const paths = new WarehousePaths("/data/wh");
 * paths.managedTable({ database: "gold", table: "orders" }); // "gold.db/orders"
 * paths.absolute("gold.db/orders");                          // "/data/wh/gold.db/orders"
 * ```
 */
export class WarehousePaths {
  readonly root: string;

  constructor(warehouse: string) {
    this.root = path.resolve(warehouse);
  }

  /** The database directory, relative ("" for default). @example `paths.database("gold") // "gold.db"` */
  database(db: string): string {
    return db === "default" ? "" : `${db}.db`;
  }

  /** The managed directory of a table, relative. @example `paths.managedTable({ database: "default", table: "t" }) // "t"` */
  managedTable(id: TableIdent): string {
    const db = this.database(id.database);
    return db ? `${db}/${id.table}` : id.table;
  }

  /** A stored location as an absolute path (absolute locations are external tables). @example `paths.absolute("t")` */
  absolute(location: string): string {
    return path.isAbsolute(location) ? location : path.join(this.root, location);
  }

  /**
   * Fail with `WEIR_INVALID_NAME` unless `location` (relative) stays inside the warehouse once symlinks are
   * followed: the nearest existing ancestor's real path must be under the warehouse's real path.
   *
   * @example
   * ```ts
   * paths.assertInside("gold.db/orders"); // ok; throws if gold.db is a symlink to /etc
   * ```
   */
  assertInside(location: string): string {
    const abs = path.resolve(this.root, location);
    const rootReal = existsSync(this.root) ? realpathSync(this.root) : this.root;
    let probe = abs;
    while (!existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
    const real = path.join(existsSync(probe) ? realpathSync(probe) : probe, path.relative(probe, abs));
    const rel = path.relative(rootReal, real);
    if (path.isAbsolute(location) || rel.startsWith("..") || path.isAbsolute(rel)) {
      throw new WeirError("WEIR_INVALID_NAME", `The table directory ${abs} resolves to ${real}, outside the warehouse ${rootReal}`, {
        hint: "a database or table directory in the warehouse is a symbolic link leading out of it; remove the link", details: { location: abs, resolved: real },
      });
    }
    return abs;
  }
}
