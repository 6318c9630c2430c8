import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ERROR_CODES } from "../../src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const registered = new Set(Object.keys(ERROR_CODES));

/** Sections of docs/errors.md: `## WEIR_X` followed by its body. */
function documentedSections(): Map<string, string> {
  const text = readFileSync(path.join(root, "docs/errors.md"), "utf8");
  const sections = new Map<string, string>();
  const parts = text.split(/^## /m).slice(1);
  for (const part of parts) {
    const [heading = "", ...body] = part.split("\n");
    sections.set(heading.trim(), body.join("\n"));
  }
  return sections;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath, e.name));
}

test("every registered error code has a section in docs/errors.md", () => {
  const documented = documentedSections();
  const missing = [...registered].filter((c) => !documented.has(c));
  assert.deepEqual(missing, [], `add a "## <code>" section to docs/errors.md for: ${missing.join(", ")}`);
});

test("docs/errors.md documents no code that src/errors/codes.ts does not register", () => {
  const extra = [...documentedSections().keys()].filter((c) => !registered.has(c));
  assert.deepEqual(extra, [], `remove these sections from docs/errors.md or register the codes: ${extra.join(", ")}`);
});

test("each documented code says its meaning, typical cause and fix", () => {
  for (const [code, body] of documentedSections()) {
    for (const label of ["Meaning", "Typical cause", "Fix"]) {
      assert.match(body, new RegExp(`\\*\\*${label}:\\*\\* \\S`), `${code} in docs/errors.md lacks "**${label}:**"`);
    }
  }
});

test("every WEIR_* code literal used under src/ is registered in codes.ts", () => {
  const unregistered: string[] = [];
  for (const file of sourceFiles(path.join(root, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/["'`](WEIR_[A-Z0-9_]+)["'`]/g)) {
      if (!registered.has(m[1]!)) unregistered.push(`${path.relative(root, file)}: ${m[1]}`);
    }
  }
  assert.deepEqual(unregistered, [], "register these codes in src/errors/codes.ts (and document them in docs/errors.md)");
});
