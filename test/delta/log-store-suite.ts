/**
 * The shared conformance suite every {@link LogStore} implementation runs (one suite per seam, as the
 * conventions ask): listing order and bounds, missing files/directories, put-if-absent exclusivity, overwrite.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LogStore } from "../../src/delta/index.js";

/**
 * Register the LogStore conformance tests for one implementation.
 *
 * @example
 * ```ts
 * runLogStoreSuite("FileSystemLogStore", async () => ({ store: new FileSystemLogStore(), dir: await mkdtemp(...) }));
 * ```
 */
export function runLogStoreSuite(name: string, setup: () => Promise<{ store: LogStore; dir: string; join: (...p: string[]) => string }>): void {
  const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

  test(`${name}: read and list of something missing give undefined`, async () => {
    const { store, join } = await setup();
    assert.equal(await store.read(join("_delta_log", "00000000000000000000.json")), undefined);
    assert.equal(await store.list(join("no-such-dir")), undefined);
  });

  test(`${name}: list returns files in name order, from a name on, with sizes`, async () => {
    const { store, join } = await setup();
    for (const v of [2, 0, 10, 1]) {
      assert.equal(await store.putIfAbsent(join("_delta_log", `${String(v).padStart(20, "0")}.json`), Buffer.from("x".repeat(v + 1))), "created");
    }
    const all = await store.list(join("_delta_log"));
    assert.deepEqual(all?.map((f) => f.name), [0, 1, 2, 10].map((v) => `${String(v).padStart(20, "0")}.json`));
    assert.deepEqual(all?.map((f) => f.size), [1, 2, 3, 11]);
    const from = await store.list(join("_delta_log"), "00000000000000000002");
    assert.deepEqual(from?.map((f) => f.name), ["00000000000000000002.json", "00000000000000000010.json"]);
    assert.equal(text(await store.read(all?.[3]?.path ?? "")), "x".repeat(11));
  });

  test(`${name}: putIfAbsent creates once, then reports "exists" and keeps the first bytes`, async () => {
    const { store, join } = await setup();
    const p = join("_delta_log", "00000000000000000000.json");
    assert.equal(await store.putIfAbsent(p, Buffer.from("first")), "created");
    assert.equal(await store.putIfAbsent(p, Buffer.from("second")), "exists");
    assert.equal(text(await store.read(p)), "first");
  });

  test(`${name}: of 10 concurrent putIfAbsent calls exactly one is "created"`, async () => {
    const { store, join } = await setup();
    const p = join("_delta_log", "00000000000000000005.json");
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.putIfAbsent(p, Buffer.from(`writer ${i}`))));
    assert.equal(results.filter((r) => r === "created").length, 1);
    assert.equal(text(await store.read(p)), `writer ${results.indexOf("created")}`);
    assert.deepEqual((await store.list(join("_delta_log")))?.map((f) => f.name), ["00000000000000000005.json"]);
  });

  test(`${name}: overwrite replaces content whole`, async () => {
    const { store, join } = await setup();
    const p = join("_delta_log", "_last_checkpoint");
    await store.overwrite(p, Buffer.from('{"version":10}'));
    await store.overwrite(p, Buffer.from('{"version":20}'));
    assert.equal(text(await store.read(p)), '{"version":20}');
  });
}
