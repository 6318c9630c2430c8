/**
 * The actions of the Delta transaction log as typed, frozen objects tagged by `kind`, and the validating
 * parser that turns one log line (or one checkpoint row) into an action.
 *
 * Per the protocol, unknown fields and unknown action names are ignored; a known action with a missing or
 * ill-typed required field is corruption and raises `WEIR_DELTA_CORRUPT_LOG` naming the file and line.
 */
import { DeltaError } from "../errors/index.js";

/** A nullable string map as it appears in the log (`partitionValues`, `tags`, `configuration`). @example `{ date: "2020-01-01", region: null }` */
export type StringMap = Readonly<Record<string, string | null>>;

/** `protocol`: the reader/writer versions and table features a client needs. @example `{ kind: "protocol", minReaderVersion: 1, minWriterVersion: 2 }` */
export interface ProtocolAction {
  readonly kind: "protocol";
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  /** Present when minReaderVersion is 3. */
  readonly readerFeatures?: readonly string[];
  /** Present when minWriterVersion is 7. */
  readonly writerFeatures?: readonly string[];
}

/** `metaData`: schema, partition columns and table properties; the latest one wins. @example `snapshot.metadata.partitionColumns` */
export interface MetadataAction {
  readonly kind: "metaData";
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly format: { readonly provider: string; readonly options: StringMap };
  /** Spark JSON schema; parse with `parseSparkSchemaJson`. */
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: StringMap;
  readonly createdTime?: number;
}

/** A deletion vector attached to a logical file (Weir refuses tables that need them). @example `{ storageType: "u", pathOrInlineDv: "…", sizeInBytes: 36, cardinality: 2 }` */
export interface DeletionVectorDescriptor {
  readonly storageType: string;
  readonly pathOrInlineDv: string;
  readonly offset?: number;
  readonly sizeInBytes: number;
  readonly cardinality: number;
}

/** `add`: a logical file becomes part of the table. `path` is the raw, URI-encoded log value. @example `{ kind: "add", path: "part-0.parquet", partitionValues: {}, size: 10, modificationTime: 0, dataChange: true }` */
export interface AddAction {
  readonly kind: "add";
  readonly path: string;
  readonly partitionValues: StringMap;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** Per-file statistics as a JSON string (numRecords, minValues, maxValues, nullCount, tightBounds). */
  readonly stats?: string;
  readonly tags?: StringMap;
  readonly deletionVector?: DeletionVectorDescriptor;
  readonly baseRowId?: number;
  readonly defaultRowCommitVersion?: number;
  readonly clusteringProvider?: string;
}

/** `remove`: a logical file leaves the table and stays as a tombstone for VACUUM. @example `{ kind: "remove", path: "part-0.parquet", dataChange: true, deletionTimestamp: 1700000000000 }` */
export interface RemoveAction {
  readonly kind: "remove";
  readonly path: string;
  readonly deletionTimestamp?: number;
  readonly dataChange: boolean;
  readonly extendedFileMetadata?: boolean;
  readonly partitionValues?: StringMap;
  readonly size?: number;
  readonly stats?: string;
  readonly tags?: StringMap;
  readonly deletionVector?: DeletionVectorDescriptor;
  readonly baseRowId?: number;
  readonly defaultRowCommitVersion?: number;
}

/** `txn`: an application's progress marker, used for idempotent writes. @example `{ kind: "txn", appId: "etl-orders", version: 42 }` */
export interface TxnAction {
  readonly kind: "txn";
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number;
}

/** `commitInfo`: free-form provenance; the well-known fields are typed, the rest kept in `raw`. @example `commit.operation === "WRITE"` */
export interface CommitInfoAction {
  readonly kind: "commitInfo";
  readonly timestamp?: number;
  /** Set when the in-commit-timestamps feature is on; then it is the commit's timestamp. */
  readonly inCommitTimestamp?: number;
  readonly operation?: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  readonly operationMetrics?: Readonly<Record<string, unknown>>;
  readonly readVersion?: number;
  readonly isBlindAppend?: boolean;
  readonly engineInfo?: string;
  /** The whole object as written. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** `cdc`: a change-data file of this version (only change-data readers use it). @example `{ kind: "cdc", path: "_change_data/c.parquet", partitionValues: {}, size: 1, dataChange: false }` */
export interface CdcAction {
  readonly kind: "cdc";
  readonly path: string;
  readonly partitionValues: StringMap;
  readonly size: number;
  readonly dataChange: boolean;
  readonly tags?: StringMap;
}

/** `domainMetadata`: configuration of a named metadata domain; `removed` makes it a tombstone. @example `{ kind: "domainMetadata", domain: "app.x", configuration: "{}", removed: false }` */
export interface DomainMetadataAction {
  readonly kind: "domainMetadata";
  readonly domain: string;
  readonly configuration: string;
  readonly removed: boolean;
}

/** `checkpointMetadata` (v2 checkpoints only). @example `{ kind: "checkpointMetadata", version: 10 }` */
export interface CheckpointMetadataAction {
  readonly kind: "checkpointMetadata";
  readonly version: number;
  readonly tags?: StringMap;
}

/** `sidecar` (v2 checkpoints only): a parquet file under `_delta_log/_sidecars` holding file actions. @example `{ kind: "sidecar", path: "a.parquet", sizeInBytes: 10, modificationTime: 0 }` */
export interface SidecarAction {
  readonly kind: "sidecar";
  readonly path: string;
  readonly sizeInBytes: number;
  readonly modificationTime: number;
  readonly tags?: StringMap;
}

/** Any action of the Delta log. @example `switch (action.kind) { case "add": …; default: assertNeverAction(action); }` */
export type Action =
  | ProtocolAction | MetadataAction | AddAction | RemoveAction | TxnAction | CommitInfoAction | CdcAction
  | DomainMetadataAction | CheckpointMetadataAction | SidecarAction;

/** The log's name of every action kind, in the order checkpoints usually hold them. @example `ACTION_KINDS.includes("add")` */
export const ACTION_KINDS: readonly Action["kind"][] = Object.freeze([
  "protocol", "metaData", "txn", "add", "remove", "commitInfo", "cdc", "domainMetadata", "checkpointMetadata", "sidecar",
]);

/** Where an action came from, for error messages. @example `{ file: "/t/_delta_log/00000000000000000003.json", line: 2 }` */
export interface ActionSource {
  readonly file: string;
  /** 1-based line of a JSON log file, or 1-based row of a checkpoint. */
  readonly line: number;
  /** "line" (JSON) or "row" (parquet checkpoint); defaults to "line". */
  readonly unit?: "line" | "row";
}

/**
 * Parse every action of a newline-delimited JSON commit file. Blank lines are skipped; an unparsable line
 * (e.g. a truncated last line) raises `WEIR_DELTA_CORRUPT_LOG` naming the file and line.
 *
 * @example
 * ```ts
 * const actions = parseCommitFile(text, "/t/_delta_log/00000000000000000000.json");
 * const adds = actions.filter((a) => a.kind === "add");
 * ```
 */
export function parseCommitFile(text: string, file: string): Action[] {
  const actions: Action[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "") continue;
    const source = { file, line: i + 1 };
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw corrupt(source, `not valid JSON (${(cause as Error).message})`, cause);
    }
    const action = parseAction(json, source);
    if (action) actions.push(action);
  }
  return actions;
}

/**
 * Parse one log entry — an object with a single key naming the action (`{"add":{…}}`), or a checkpoint row
 * whose other action columns are null. Returns `undefined` for entries holding only unknown actions.
 *
 * @example
 * ```ts
 * parseAction({ txn: { appId: "a", version: 3 } }, { file: "00.json", line: 1 }); // { kind: "txn", appId: "a", version: 3 }
 * ```
 */
export function parseAction(entry: unknown, source: ActionSource): Action | undefined {
  if (!isObject(entry)) throw corrupt(source, `expected a JSON object, found ${describe(entry)}`);
  let found: Action | undefined;
  for (const kind of ACTION_KINDS) {
    const body = entry[kind];
    if (body === undefined || body === null) continue;
    if (found) throw corrupt(source, `holds two actions ("${found.kind}" and "${kind}")`);
    if (!isObject(body)) throw corrupt(source, `"${kind}" is ${describe(body)}, not an object`);
    found = parseBody(kind, new Fields(body, kind, source));
  }
  return found;
}

function parseBody(kind: Action["kind"], f: Fields): Action {
  switch (kind) {
    case "protocol":
      return freeze({
        kind, minReaderVersion: f.int("minReaderVersion"), minWriterVersion: f.int("minWriterVersion"),
        readerFeatures: f.optStrings("readerFeatures"), writerFeatures: f.optStrings("writerFeatures"),
      });
    case "metaData": {
      const format = f.optObject("format");
      return freeze({
        kind, id: f.str("id"), name: f.optStr("name"), description: f.optStr("description"),
        format: Object.freeze({
          provider: typeof format?.provider === "string" ? format.provider : "parquet",
          options: format && isObject(format.options) ? toStringMap(format.options, f, "format.options") : {},
        }),
        schemaString: f.str("schemaString"),
        partitionColumns: f.optStrings("partitionColumns") ?? [],
        configuration: f.optMap("configuration") ?? {},
        createdTime: f.optNum("createdTime"),
      });
    }
    case "add":
      return freeze({
        kind, path: f.str("path"), partitionValues: f.optMap("partitionValues") ?? f.missing("partitionValues"),
        size: f.num("size"), modificationTime: f.num("modificationTime"), dataChange: f.optBool("dataChange") ?? true,
        stats: f.optStr("stats") ?? parsedStats(f.body), tags: f.optMap("tags"), deletionVector: f.optDv("deletionVector"),
        baseRowId: f.optNum("baseRowId"), defaultRowCommitVersion: f.optNum("defaultRowCommitVersion"),
        clusteringProvider: f.optStr("clusteringProvider"),
      });
    case "remove":
      return freeze({
        kind, path: f.str("path"), deletionTimestamp: f.optNum("deletionTimestamp"), dataChange: f.optBool("dataChange") ?? true,
        extendedFileMetadata: f.optBool("extendedFileMetadata"), partitionValues: f.optMap("partitionValues"),
        size: f.optNum("size"), stats: f.optStr("stats"), tags: f.optMap("tags"), deletionVector: f.optDv("deletionVector"),
        baseRowId: f.optNum("baseRowId"), defaultRowCommitVersion: f.optNum("defaultRowCommitVersion"),
      });
    case "txn":
      return freeze({ kind, appId: f.str("appId"), version: f.num("version"), lastUpdated: f.optNum("lastUpdated") });
    case "commitInfo":
      return freeze({
        kind, timestamp: f.optNum("timestamp"), inCommitTimestamp: f.optNum("inCommitTimestamp"),
        operation: f.optStr("operation"), operationParameters: f.optObject("operationParameters"),
        operationMetrics: f.optObject("operationMetrics"), readVersion: f.optNum("readVersion"),
        isBlindAppend: f.optBool("isBlindAppend"), engineInfo: f.optStr("engineInfo"), raw: f.body,
      });
    case "cdc":
      return freeze({
        kind, path: f.str("path"), partitionValues: f.optMap("partitionValues") ?? {}, size: f.num("size"),
        dataChange: f.optBool("dataChange") ?? false, tags: f.optMap("tags"),
      });
    case "domainMetadata":
      return freeze({ kind, domain: f.str("domain"), configuration: f.str("configuration"), removed: f.optBool("removed") ?? false });
    case "checkpointMetadata":
      return freeze({ kind, version: f.num("version"), tags: f.optMap("tags") });
    case "sidecar":
      return freeze({
        kind, path: f.str("path"), sizeInBytes: f.num("sizeInBytes"), modificationTime: f.num("modificationTime"), tags: f.optMap("tags"),
      });
    default:
      return assertNeverAction(kind);
  }
}

/**
 * PROTOCOL.md's derived `uniqueId` of a deletion vector — `<storageType><pathOrInlineDv>[@<offset>]` — or ""
 * for none; with the path it identifies a logical file.
 *
 * @example `deletionVectorId({ storageType: "u", pathOrInlineDv: "vBn[lx{q8@P<9BNH/isA", offset: 1, sizeInBytes: 36, cardinality: 2 }) // "uvBn[lx{q8@P<9BNH/isA@1"`
 */
export function deletionVectorId(dv: DeletionVectorDescriptor | undefined): string {
  return dv ? `${dv.storageType}${dv.pathOrInlineDv}${dv.offset !== undefined ? `@${dv.offset}` : ""}` : "";
}

/**
 * The `remove` action retiring a logical file: same path, partition values, size, stats and deletion vector
 * (a file is identified by path + DV); `dataChange` false for rewrites that keep rows unchanged (OPTIMIZE).
 *
 * @example `removeOf(file.add) // { kind: "remove", path: file.add.path, dataChange: true, … }`
 */
export function removeOf(add: AddAction, dataChange = true, deletionTimestamp = Date.now()): RemoveAction {
  return {
    kind: "remove", path: add.path, deletionTimestamp, dataChange, extendedFileMetadata: true,
    partitionValues: add.partitionValues, size: add.size, ...(add.stats ? { stats: add.stats } : {}),
    ...(add.deletionVector ? { deletionVector: add.deletionVector } : {}),
  };
}

/**
 * Exhaustiveness check for `switch (action.kind)`: a new action kind fails to compile at every switch.
 *
 * @example
 * ```ts
 * switch (a.kind) { case "add": break; ...; default: assertNeverAction(a); }
 * ```
 */
export function assertNeverAction(x: never): never {
  throw new DeltaError("WEIR_INTERNAL", `unhandled Delta action ${JSON.stringify(x)}: this is a bug in Weir`);
}

/** Typed, source-aware access to the fields of one action body. */
class Fields {
  constructor(readonly body: Record<string, unknown>, private readonly kind: string, private readonly source: ActionSource) {}

  missing(name: string): never {
    throw corrupt(this.source, `"${this.kind}" lacks required field "${name}"`);
  }
  private bad(name: string, expected: string): never {
    throw corrupt(this.source, `"${this.kind}.${name}" should be ${expected}, found ${describe(this.body[name])}`);
  }
  str(name: string): string {
    const v = this.body[name];
    if (v === undefined || v === null) return this.missing(name);
    return typeof v === "string" ? v : this.bad(name, "a string");
  }
  optStr(name: string): string | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    return typeof v === "string" ? v : this.bad(name, "a string");
  }
  num(name: string): number {
    const v = this.optNum(name);
    return v === undefined ? this.missing(name) : v;
  }
  optNum(name: string): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "bigint") return Number(v);
    // Some writers (and checkpoint decoders) render longs as decimal strings.
    if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
    return this.bad(name, "a number");
  }
  int(name: string): number {
    const v = this.num(name);
    return Number.isInteger(v) ? v : this.bad(name, "an integer");
  }
  optBool(name: string): boolean | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    return typeof v === "boolean" ? v : this.bad(name, "a boolean");
  }
  optStrings(name: string): string[] | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) return this.bad(name, "an array of strings");
    return Object.freeze([...v]) as string[];
  }
  optObject(name: string): Record<string, unknown> | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    return isObject(v) ? v : this.bad(name, "an object");
  }
  optMap(name: string): StringMap | undefined {
    const v = this.optObject(name);
    return v === undefined ? undefined : toStringMap(v, this, name);
  }
  optDv(name: string): DeletionVectorDescriptor | undefined {
    const v = this.optObject(name);
    if (v === undefined) return undefined;
    const dv = new Fields(v, `${this.kind}.${name}`, this.source);
    return Object.freeze({
      storageType: dv.str("storageType"), pathOrInlineDv: dv.str("pathOrInlineDv"), offset: dv.optNum("offset"),
      sizeInBytes: dv.num("sizeInBytes"), cardinality: dv.num("cardinality"),
    });
  }
  fail(why: string): never {
    throw corrupt(this.source, why);
  }
}

function toStringMap(obj: Record<string, unknown>, f: Fields, name: string): StringMap {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined) out[k] = null;
    else if (typeof v === "string") out[k] = v;
    // Numbers/booleans in string maps are tolerated (some writers emit them) and kept as their text.
    else if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") out[k] = String(v);
    else f.fail(`"${name}.${k}" should be a string, found ${describe(v)}`);
  }
  return Object.freeze(out);
}

/** Checkpoints written with `delta.checkpoint.writeStatsAsJson=false` carry stats only as the `stats_parsed` struct. */
function parsedStats(body: Record<string, unknown>): string | undefined {
  const parsed = body.stats_parsed;
  return isObject(parsed) ? JSON.stringify(parsed, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) : undefined;
}

/** Drop undefined optional fields so actions print and compare cleanly, then freeze. */
function freeze<T extends object>(obj: T): T {
  for (const key of Object.keys(obj) as (keyof T)[]) if (obj[key] === undefined) delete obj[key];
  return Object.freeze(obj);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = typeof v === "bigint" ? `${v}` : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Build the `WEIR_DELTA_CORRUPT_LOG` error for a bad entry, naming file and line.
 *
 * @example
 * ```ts
 * throw corrupt({ file: "/t/_delta_log/00000000000000000002.json", line: 3 }, "not valid JSON");
 * ```
 */
export function corrupt(source: ActionSource, why: string, cause?: unknown): DeltaError {
  const unit = source.unit ?? "line";
  return new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Corrupt Delta log entry in ${source.file} ${unit} ${source.line}: ${why}`, {
    hint: "the log file was truncated or written by a faulty writer; restore it from a backup or read an earlier version",
    cause,
    details: { file: source.file, [unit]: source.line },
  });
}
