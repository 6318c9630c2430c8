import { Session } from "../src/index.js";
import { GROUPBY_QUESTIONS, G1_SCHEMA } from "./groupby-questions.js";
const s = await Session.create();
const x = await s.read.schema(G1_SCHEMA).option("header", true).csv(".bench-data/G1_1e5_1e2_0_0.csv").cache();
for (const q of GROUPBY_QUESTIONS.filter((q) => process.argv.includes(q.id))) {
  const e = await q.weir(x).explain({ print: false });
  console.log(q.id, e.split("== SQL ==")[1]!.split("== Physical")[0]);
}
await s.close();
