/**
 * errors — the one error hierarchy of Weir.
 *
 * Invariants: every thrown error is a {@link WeirError} with a stable code listed in {@link ERROR_CODES}
 * (and in docs/errors.md); messages read "<what failed>: <why>. Hint: <fix>"; the original error is `cause`.
 */
export { ERROR_CODES, type ErrorCode } from "./codes.js";
export { WeirError, AnalysisError, IoError, ExecutionError, DeltaError, bug, type WeirErrorOptions } from "./weir-error.js";
