/** Type tests: `t.struct` schemas infer TypeScript row types (compiled by tsc, never run). */
import { expectTypeOf } from "expect-type";
import { t } from "../../src/index.js";

const schema = t.struct({
  id: t.notNull(t.int64()), name: t.string(), qty: t.int32(), price: t.decimal(10, 2), big: t.decimal(20, 2), day: t.date(),
  ok: t.boolean(), tags: t.array(t.string()), attrs: t.map(t.string(), t.int32()), addr: t.struct({ city: t.string() }), raw: t.binary(),
});

export function inferredRow(): void {
  type R = t.Infer<typeof schema>;
  expectTypeOf<R["id"]>().toEqualTypeOf<bigint>();
  expectTypeOf<R["name"]>().toEqualTypeOf<string | null>();
  expectTypeOf<R["qty"]>().toEqualTypeOf<number | null>();
  expectTypeOf<R["price"]>().toEqualTypeOf<number | null>();
  expectTypeOf<R["big"]>().toEqualTypeOf<string | null>();
  expectTypeOf<R["day"]>().toEqualTypeOf<Date | null>();
  expectTypeOf<R["ok"]>().toEqualTypeOf<boolean | null>();
  expectTypeOf<R["tags"]>().toEqualTypeOf<(string | null)[] | null>();
  expectTypeOf<R["attrs"]>().toEqualTypeOf<Map<string, number | null> | null>();
  expectTypeOf<R["addr"]>().toEqualTypeOf<{ city: string | null } | null>();
  expectTypeOf<R["raw"]>().toEqualTypeOf<Uint8Array | null>();
  // @ts-expect-error no such field
  expectTypeOf<R["nmae"]>().toBeString();
}
