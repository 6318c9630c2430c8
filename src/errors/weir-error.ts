import type { ErrorCode } from "./codes.js";

/** Options for constructing a {@link WeirError}. @example `{ hint: "check the path", cause: err }` */
export interface WeirErrorOptions {
  /** How to fix it; appended to the message as "Hint: …". */
  hint?: string;
  /** The underlying error (kept as `cause`). */
  cause?: unknown;
  /** Structured details (file, line, column …) for programs that handle the error. */
  details?: Record<string, unknown>;
}

/**
 * The base of every error Weir throws: a stable `code`, a message "<what failed>: <why>. Hint: <fix>",
 * an optional `hint`, `details` and the original `cause`.
 *
 * @example
 * ```ts
 * try { await df.collect(); } catch (e) {
 *   if (e instanceof WeirError && e.code === "WEIR_UNKNOWN_COLUMN") console.error(e.hint);
 * }
 * ```
 */
export class WeirError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: WeirErrorOptions = {}) {
    super(options.hint ? `${message}. Hint: ${options.hint}` : message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }
}

/** Errors found while analyzing a plan: unknown/ambiguous columns, type mismatches. @example `new AnalysisError("WEIR_UNKNOWN_COLUMN", "…")` */
export class AnalysisError extends WeirError {}
/** Errors reading or writing files. @example `new IoError("WEIR_PATH_NOT_FOUND", "…")` */
export class IoError extends WeirError {}
/** Errors raised by the execution engine. @example `new ExecutionError("WEIR_EXECUTION_FAILED", "…")` */
export class ExecutionError extends WeirError {}
/** Errors of the Delta Lake layer. @example `new DeltaError("WEIR_DELTA_CORRUPT_LOG", "…")` */
export class DeltaError extends WeirError {}

/**
 * Raise a broken-invariant error: says it is a bug in Weir and carries the state needed to report it.
 *
 * @example
 * ```ts
 * default: return bug(`unhandled plan node ${(node as { kind: string }).kind}`, { node });
 * ```
 */
export function bug(what: string, state: Record<string, unknown> = {}): never {
  throw new WeirError("WEIR_INTERNAL", `${what}: this is a bug in Weir`, {
    hint: "please report it with the details in error.details",
    details: state,
  });
}
