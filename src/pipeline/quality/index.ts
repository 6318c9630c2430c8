export * from "./expectations.js";
export { validateExpectations, type ExpectationResult, type ValidateOptions, type QualityReport } from "./expectation-suite.js";
