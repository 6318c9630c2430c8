import { test } from "node:test";
import assert from "node:assert/strict";
import type { CatalogData, MetadataStore } from "../../src/catalog/index.js";

/** A database entry for the tests. */
function db(name: string): CatalogData["databases"][string] {
  return { name, createdAt: 1, tables: {} };
}

function addDb(name: string) {
  return (d: CatalogData) => ({ data: { ...d, databases: { ...d.databases, [name]: db(name) } }, result: name });
}

/**
 * The MetadataStore conformance suite: every implementation runs it. `open()` returns a store; calling it
 * twice returns two stores over the same storage when the implementation is shared (file system), or the
 * same store otherwise.
 */
export function metadataStoreSuite(name: string, open: () => MetadataStore): void {
  test(`${name}: a new store reads as the empty catalog at version -1`, () => {
    const s = open().read();
    assert.equal(s.version, -1);
    assert.deepEqual(s.data.databases, {});
    assert.deepEqual(s.data.pendingDeletes, []);
  });

  test(`${name}: an update is visible to later reads with the next version and its result returned`, async () => {
    const store = open();
    const before = store.read().version;
    assert.equal(await store.update(addDb("gold")), "gold");
    const after = store.read();
    assert.equal(after.version, before + 1);
    assert.equal(after.data.databases.gold?.name, "gold");
  });

  test(`${name}: a mutation returning the same document writes nothing`, async () => {
    const store = open();
    const before = store.read().version;
    assert.equal(await store.update((d) => ({ data: d, result: 7 })), 7);
    assert.equal(store.read().version, before);
  });

  test(`${name}: a throwing mutation leaves the document unchanged`, async () => {
    const store = open();
    const before = store.read();
    await assert.rejects(store.update(() => { throw new Error("no"); }), /no/);
    assert.deepEqual(store.read(), before);
  });

  test(`${name}: stored documents are frozen copies the caller cannot change`, async () => {
    const store = open();
    await store.update(addDb("frozen"));
    const data = store.read().data;
    assert.throws(() => { (data.databases as Record<string, unknown>).x = 1; });
  });

  test(`${name}: 20 concurrent updates from two store instances all land (no lost update)`, async () => {
    const a = open();
    const b = open();
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
    await Promise.all(names.map((n, i) => (i % 2 ? a : b).update(addDb(n))));
    const dbs = open().read().data.databases;
    for (const n of names) assert.ok(dbs[n], `database ${n} was lost`);
  });
}
