/**
 * util — small dependency-free helpers shared by every layer (name matching, SQL quoting).
 */
export { editDistance, didYouMean } from "./names.js";
export { quoteIdent, quoteString } from "./sql.js";
export { sparkToStrftime } from "./datetime-pattern.js";
export { seededRandom } from "./seeded-random.js";
