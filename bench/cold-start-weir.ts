// Cold start of the Weir library from source (through tsx, as a user's pipeline script runs): import, open a
// Session, run `select 42`, print, close.
import { Session } from "../src/index.js";

const session = await Session.create();
await session.sql("select 42 AS answer").show();
await session.close();
