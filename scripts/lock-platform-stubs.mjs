#!/usr/bin/env node
// Adds package-lock.json entries for optional platform packages (other OS/CPU builds of native deps such as
// @duckdb/node-bindings-* and nodejs-polars-*) that the npm registry reachable from this workplace does not
// serve. npm then leaves them out of the lock, and `npm ci` refuses the lock as "not in sync". The stubs carry
// only version, os and cpu: npm ci skips them on a platform mismatch without fetching anything.
// Run after every `npm install` that changes dependencies: `node scripts/lock-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;
const OS = ["darwin", "linux", "win32", "android", "freebsd"];
const CPU = ["arm64", "x64", "ia32", "arm"];
let added = 0;
for (const meta of Object.values(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (packages[key]) continue;
    const parts = dep.split(/[-/]/);
    const os = OS.filter((o) => parts.includes(o));
    const cpu = CPU.filter((c) => parts.includes(c));
    if (os.length === 0 || cpu.length === 0) {
      console.error(`lock-platform-stubs: cannot tell the platform of ${dep}; add its lock entry by hand`);
      process.exitCode = 1;
      continue;
    }
    packages[key] = { version, optional: true, os, cpu, ...(parts.includes("musl") ? { libc: ["musl"] } : {}) };
    added++;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-stubs: ${added} stub entr${added === 1 ? "y" : "ies"} added`);
