import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SlotTable } from "../../src/engine/js/slot-table.js";

// The slot table is the per-record key lookup of every map-side combiner: short strings go through its own
// open-addressing table, other keys through Maps. These tests pin down that both give each key one stable slot.

/** A fresh string object with the same characters (as a user's split() produces). */
const fresh = (s: string): string => s.split("").join("");

function slotOf(t: SlotTable, k: unknown): number {
  return t.slot(k) ?? t.add(k);
}

describe("SlotTable", () => {
  test("short, long, non-ASCII and empty strings, numbers and composite keys each get one slot, found again by equal keys", () => {
    const keys: unknown[] = ["", "a", "1", 1, "1.5", 1.5, null, undefined, true, "true", "é", "😀x", "x".repeat(64), "x".repeat(65),
      "y".repeat(1000), ["a", 1], ["a", "1"], { b: 2 }, -0, NaN, 2n];
    const t = new SlotTable();
    const slots = keys.map((k) => slotOf(t, k));
    assert.equal(new Set(slots).size, keys.length, "distinct keys get distinct slots");
    assert.equal(t.size, keys.length);
    keys.forEach((k, i) => {
      const again = typeof k === "string" ? fresh(k) : Array.isArray(k) ? [...(k as unknown[])] : k;
      assert.equal(t.slot(again), slots[i], `key ${String(k)} is found again`);
      assert.equal(t.keys[slots[i]!], k);
    });
    assert.equal(t.slot("b"), undefined);
    assert.equal(t.slot("x".repeat(66)), undefined);
  });

  test("a table grown to 300k distinct strings (many rehashes) keeps every key's slot", () => {
    const t = new SlotTable();
    const n = 300_000;
    for (let i = 0; i < n; i++) assert.equal(slotOf(t, `w${i.toString(36)}`), i);
    for (let i = 0; i < n; i += 7) assert.equal(t.slot(fresh(`w${i.toString(36)}`)), i);
    assert.equal(t.slot("w-none"), undefined);
  });

  test("strings that all hash alike still get correct slots: past the probe limit the table moves them to a Map", () => {
    const t = new SlotTable(() => 7);
    const words = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    words.forEach((w, i) => assert.equal(slotOf(t, w), i));
    words.forEach((w, i) => assert.equal(t.slot(fresh(w)), i));
    assert.equal(slotOf(t, "later"), 5000, "keys added after the move are found too");
    assert.equal(t.slot(fresh("later")), 5000);
    t.clear();
    assert.equal(t.size, 0);
    assert.equal(t.slot("k1"), undefined, "clear forgets keys moved to the Map");
    assert.equal(slotOf(t, "k1"), 0);
  });

  test("clear() forgets every key and numbers slots from 0 again", () => {
    const t = new SlotTable();
    for (let i = 0; i < 100_000; i++) slotOf(t, `a${i}`);
    slotOf(t, 42);
    slotOf(t, ["c", 1]);
    t.clear();
    assert.equal(t.size, 0);
    for (const k of ["a1", 42, ["c", 1]]) assert.equal(t.slot(k), undefined);
    assert.equal(slotOf(t, "a99999"), 0);
    assert.equal(slotOf(t, "a1"), 1);
    assert.equal(t.slot(fresh("a99999")), 0);
  });
});
