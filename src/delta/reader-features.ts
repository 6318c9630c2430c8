/**
 * Which Delta reader protocol versions and reader table features Weir implements, and the check that
 * refuses any table needing more.
 */
import { DeltaError } from "../errors/index.js";
import type { MetadataAction, ProtocolAction } from "./actions.js";

/**
 * Reader features Weir reads correctly. `timestampNtz` needs only the schema type; `vacuumProtocolCheck`
 * only constrains VACUUM; `columnMapping` is accepted in mode `none` (no physical renaming) and refused
 * otherwise; `deletionVectors` are applied by the scan (deleted row positions filtered out; written by DML
 * when `delta.enableDeletionVectors` is true, see writer-features.ts). Not here, hence refused: `v2Checkpoint`, `catalogManaged`, `typeWidening`,
 * `variantType`, `variantShredding` and every name Weir does not know.
 *
 * @example
 * ```ts
 * SUPPORTED_READER_FEATURES.has("timestampNtz"); // true
 * ```
 */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set(["timestampNtz", "vacuumProtocolCheck", "columnMapping", "deletionVectors"]);

/** The highest `minReaderVersion` Weir understands. @example `protocol.minReaderVersion <= MAX_READER_VERSION` */
export const MAX_READER_VERSION = 3;

/**
 * Throw `WEIR_DELTA_UNSUPPORTED_FEATURE` (naming the feature) if reading the table needs something Weir
 * lacks; the error's `details.feature` holds the feature name.
 *
 * @example
 * ```ts
 * assertReadable(snapshot.protocol, snapshot.metadata, "/data/orders");
 * ```
 */
export function assertReadable(protocol: ProtocolAction, metadata: MetadataAction, table: string): void {
  const v = protocol.minReaderVersion;
  if (v > MAX_READER_VERSION) {
    throw unsupported(table, `reader version ${v}`, `it requires Delta reader protocol version ${v}; Weir reads versions up to ${MAX_READER_VERSION}`);
  }
  let columnMapping = v === 2;
  if (v === 3) {
    for (const feature of protocol.readerFeatures ?? []) {
      if (!SUPPORTED_READER_FEATURES.has(feature)) {
        throw unsupported(table, feature, `it requires the reader table feature "${feature}", which Weir does not implement`);
      }
      if (feature === "columnMapping") columnMapping = true;
    }
  }
  if (columnMapping) {
    const mode = metadata.configuration["delta.columnMapping.mode"] ?? "none";
    if (mode !== "none") {
      throw unsupported(table, "columnMapping", `it uses column mapping mode "${mode}" (physical column names differ from the schema); Weir reads only mode "none"`);
    }
  }
}

function unsupported(table: string, feature: string, why: string): DeltaError {
  return new DeltaError("WEIR_DELTA_UNSUPPORTED_FEATURE", `Cannot read the Delta table at ${table}: ${why}`, {
    hint: `read it with an engine that supports "${feature}" (e.g. Spark/Delta), or rewrite the table without it`,
    details: { table, feature },
  });
}
