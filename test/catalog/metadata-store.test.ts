import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { CATALOG_DIR, FileSystemMetadataStore, InMemoryMetadataStore, type MetadataStore } from "../../src/catalog/index.js";
import { metadataStoreSuite } from "./metadata-store-suite.js";

const fsWarehouse = mkdtempSync(path.join(os.tmpdir(), "weir-meta-"));
metadataStoreSuite("FileSystemMetadataStore", () => new FileSystemMetadataStore(fsWarehouse));

let memory: MetadataStore | undefined;
metadataStoreSuite("InMemoryMetadataStore", () => (memory ??= new InMemoryMetadataStore()));

test("FileSystemMetadataStore keeps only the last 20 versions after many updates", async () => {
  const wh = mkdtempSync(path.join(os.tmpdir(), "weir-meta-"));
  const store = new FileSystemMetadataStore(wh);
  for (let i = 0; i < 30; i++) await store.update((d) => ({ data: { ...d, pendingDeletes: [String(i)] }, result: undefined }));
  const files = readdirSync(path.join(wh, CATALOG_DIR)).filter((f) => f.endsWith(".json"));
  assert.equal(files.length, 20);
  assert.equal(store.read().version, 29);
  assert.deepEqual(store.read().data.pendingDeletes, ["29"]);
});
