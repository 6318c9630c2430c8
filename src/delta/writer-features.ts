/**
 * The writer side of the protocol: which writer versions and features Weir honours, the check refusing to
 * write a table that needs more, and the protocol a table's metadata requires (PROTOCOL.md "Append-only
 * Tables", "Column Invariants", "CHECK Constraints", "Table Features"):
 *
 * ```
 *   feature            legacy writer version   table feature (writer version 7)
 *   appendOnly                 2                      appendOnly
 *   invariants                 2                      invariants
 *   checkConstraints           3                      checkConstraints
 *   deletionVectors            —                      deletionVectors (reader 3 + writer 7, both feature lists)
 * ```
 * A commit whose metadata enables a feature the protocol lacks upgrades the protocol in the same commit: the
 * legacy writer version is raised to the lowest one implying it; a table-features protocol gets the feature
 * added to `writerFeatures`. Deletion vectors (`delta.enableDeletionVectors=true`) exist only as a table
 * feature: a legacy protocol becomes (3, 7) listing the features its old versions implied, plus
 * `deletionVectors` in both lists (what Delta does on `ALTER TABLE … SET TBLPROPERTIES`).
 */
import { DeltaError } from "../errors/index.js";
import type { MetadataAction, ProtocolAction } from "./actions.js";
import { hasInvariants, CONSTRAINT_PREFIX } from "./table-constraints.js";
import { parseSparkSchemaJson } from "../types/index.js";

/** The highest legacy `minWriterVersion` Weir writes correctly (3: appendOnly, invariants, CHECK constraints). @example `MAX_WRITER_VERSION // 3` */
export const MAX_WRITER_VERSION = 3;

/**
 * Writer table features Weir honours. `timestampNtz` needs only the type; `columnMapping` is accepted in mode
 * `none` (checked when reading); `vacuumProtocolCheck` only constrains VACUUM, which reads the protocol.
 *
 * @example `SUPPORTED_WRITER_FEATURES.has("checkConstraints") // true`
 */
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set(["appendOnly", "invariants", "checkConstraints", "timestampNtz", "columnMapping", "vacuumProtocolCheck", "deletionVectors"]);

const LEGACY_FEATURES: Readonly<Record<number, string>> = { 4: "changeDataFeed, generatedColumns", 5: "columnMapping", 6: "identityColumns" };

/**
 * Throw `WEIR_DELTA_UNSUPPORTED_FEATURE` (naming the feature) when writing the table needs a writer version
 * or writer feature Weir does not implement.
 *
 * @example
 * ```ts
 * assertWritable(snapshot.protocol, "/data/orders");
 * ```
 */
export function assertWritable(protocol: ProtocolAction, table: string): void {
  const v = protocol.minWriterVersion;
  if (v >= 7) {
    for (const feature of protocol.writerFeatures ?? []) {
      if (!SUPPORTED_WRITER_FEATURES.has(feature)) throw unsupported(table, feature, `it requires the writer table feature "${feature}", which Weir does not implement`);
    }
    return;
  }
  if (v > MAX_WRITER_VERSION) {
    const feature = LEGACY_FEATURES[v] ?? `writer version ${v}`;
    throw unsupported(table, feature, `it requires Delta writer protocol version ${v} (${feature}); Weir writes versions up to ${MAX_WRITER_VERSION}`);
  }
}

/**
 * The writer features a table's metadata uses: `appendOnly` (`delta.appendOnly=true`), `invariants` (a
 * column with `delta.invariants`), `checkConstraints` (a `delta.constraints.*` property), `deletionVectors`
 * (`delta.enableDeletionVectors=true`).
 *
 * @example `featuresInUse(metadata) // ["checkConstraints"]`
 */
export function featuresInUse(metadata: MetadataAction): string[] {
  const out: string[] = [];
  const conf = metadata.configuration;
  if (String(conf["delta.appendOnly"] ?? "").toLowerCase() === "true") out.push("appendOnly");
  let invariants = false;
  try {
    invariants = hasInvariants(parseSparkSchemaJson(metadata.schemaString));
  } catch {
    // An unparsable schema is reported by the snapshot; it enables no feature here.
  }
  if (invariants) out.push("invariants");
  if (Object.keys(conf).some((k) => k.toLowerCase().startsWith(CONSTRAINT_PREFIX) && conf[k] !== null && conf[k] !== undefined)) out.push("checkConstraints");
  if (deletionVectorsEnabled(conf)) out.push("deletionVectors");
  return out;
}

/**
 * Whether new deletion vectors may be written: `delta.enableDeletionVectors=true` (PROTOCOL.md: writers write
 * DVs only then; existing DVs are honoured either way).
 *
 * @example `deletionVectorsEnabled(snapshot.configuration) // true`
 */
export function deletionVectorsEnabled(configuration: Readonly<Record<string, string | null | undefined>>): boolean {
  return String(configuration["delta.enableDeletionVectors"] ?? "").toLowerCase() === "true";
}

/** Writer features a legacy writer version implies (PROTOCOL.md "Writer Version Requirements"). */
function legacyWriterFeatures(version: number): string[] {
  const out: string[] = [];
  if (version >= 2) out.push("appendOnly", "invariants");
  if (version >= 3) out.push("checkConstraints");
  if (version >= 4) out.push("changeDataFeed", "generatedColumns");
  if (version >= 5) out.push("columnMapping");
  if (version >= 6) out.push("identityColumns");
  return out;
}

/**
 * The protocol `metadata` requires given the current `protocol`, or undefined when it already suffices.
 * Only `deletionVectors` raises the reader side (to version 3 with `readerFeatures`).
 *
 * @example
 * ```ts
 * upgradedProtocol({ kind: "protocol", minReaderVersion: 1, minWriterVersion: 2 }, metadataWithCheck);
 * // { kind: "protocol", minReaderVersion: 1, minWriterVersion: 3 }
 * ```
 */
export function upgradedProtocol(protocol: ProtocolAction, metadata: MetadataAction): ProtocolAction | undefined {
  const used = featuresInUse(metadata);
  if (used.includes("deletionVectors")) {
    const writerFeatures = protocol.minWriterVersion >= 7 ? [...(protocol.writerFeatures ?? [])] : legacyWriterFeatures(protocol.minWriterVersion);
    const readerFeatures = protocol.minReaderVersion >= 3 ? [...(protocol.readerFeatures ?? [])] : protocol.minReaderVersion === 2 ? ["columnMapping"] : [];
    for (const f of used) if (!writerFeatures.includes(f)) writerFeatures.push(f);
    if (!readerFeatures.includes("deletionVectors")) readerFeatures.push("deletionVectors");
    const next: ProtocolAction = { kind: "protocol", minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures };
    const same = protocol.minReaderVersion === 3 && protocol.minWriterVersion === 7
      && JSON.stringify(protocol.readerFeatures ?? []) === JSON.stringify(readerFeatures) && JSON.stringify(protocol.writerFeatures ?? []) === JSON.stringify(writerFeatures);
    return same ? undefined : next;
  }
  if (protocol.minWriterVersion >= 7) {
    const have = new Set(protocol.writerFeatures ?? []);
    const missing = used.filter((f) => !have.has(f));
    return missing.length ? { ...protocol, writerFeatures: [...(protocol.writerFeatures ?? []), ...missing] } : undefined;
  }
  const needed = Math.max(protocol.minWriterVersion, ...used.map((f) => (f === "checkConstraints" ? 3 : 2)));
  return needed > protocol.minWriterVersion ? { ...protocol, minWriterVersion: needed } : undefined;
}

/**
 * Whether the table is append-only (`delta.appendOnly=true`): no commit may remove a file with `dataChange`.
 *
 * @example `isAppendOnly(snapshot.configuration) // true`
 */
export function isAppendOnly(configuration: Readonly<Record<string, string | null | undefined>>): boolean {
  return String(configuration["delta.appendOnly"] ?? "").toLowerCase() === "true";
}

function unsupported(table: string, feature: string, why: string): DeltaError {
  return new DeltaError("WEIR_DELTA_UNSUPPORTED_FEATURE", `Cannot write to the Delta table at ${table}: ${why}`, {
    hint: `write it with an engine that supports "${feature}" (e.g. Spark/Delta); Weir can still read it if its reader features allow`,
    details: { table, feature },
  });
}
