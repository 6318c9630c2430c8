/**
 * util — small helpers shared by every layer (name matching, SQL quoting); depends only on errors.
 */
export { editDistance, didYouMean, unknownColumnError } from "./names.js";
export { quoteIdent, quoteString } from "./sql.js";
export { sparkToStrftime } from "./datetime-pattern.js";
export { seededRandom } from "./seeded-random.js";
