/**
 * The layering of ../shared/DESIGN.md ("Layers and dependency direction"), enforced in `npm test`.
 * Each entry: a folder under src/ and the folders it may import (besides itself).
 */
const allowed = {
  errors: [],
  util: ["errors"],
  types: ["errors", "util"],
  expr: ["errors", "util", "types"],
  plan: ["errors", "util", "types", "expr"],
  io: ["errors", "util", "types"],
  delta: ["errors", "util", "types", "expr", "io"],
  engine: ["errors", "util", "types", "expr", "plan", "io", "delta"],
  catalog: ["errors", "util", "types", "expr", "plan", "io", "delta"],
  dataframe: ["errors", "util", "types", "expr", "plan", "io", "delta", "engine", "catalog"],
  pipeline: ["errors", "util", "types", "expr", "plan", "io", "delta", "engine", "catalog", "dataframe"],
  streaming: ["errors", "util", "types", "expr", "plan", "io", "delta", "engine", "catalog", "dataframe", "pipeline"],
  orchestrator: ["errors", "util"],
  cluster: ["errors", "util", "types", "expr", "plan", "io", "delta", "engine", "orchestrator"],
  server: null, // everything
  cli: null, // everything
};

const forbidden = [];
for (const [layer, deps] of Object.entries(allowed)) {
  if (deps === null) continue;
  const ok = [layer, ...deps].join("|");
  forbidden.push({
    name: `layer-${layer}`,
    comment: `src/${layer} may import only: ${deps.join(", ") || "(nothing)"} (see DESIGN.md)`,
    severity: "error",
    from: { path: `^src/${layer}/` },
    to: { path: "^src/", pathNot: `^src/(${ok})/` },
  });
}
// index.ts at src/ root is the public barrel and may import anything; nothing inside src/ may import it.
forbidden.push({
  name: "no-barrel-inside",
  severity: "error",
  from: { path: "^src/.+/" },
  to: { path: "^src/index\\.ts$" },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
