import pg from "pg";

/** The test database (trust auth on 127.0.0.1, database `test`); PGURL overrides. */
export const PG_URL = process.env.PGURL ?? "postgres://postgres@127.0.0.1:5432/test";

const HOW_TO_START = "Postgres is not running at 127.0.0.1:5432: start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (or run .ci/run)";

/**
 * Whether Postgres answers. When it does not: tests skip with how to start it, except under CI=true, where a
 * missing database is a failure (the suite must really run there).
 */
export async function postgresAvailable(): Promise<true | string> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  c.on("error", () => undefined);
  try {
    await c.connect();
    return true;
  } catch {
    if (process.env.CI === "true") throw new Error(`${HOW_TO_START} — CI=true, so Postgres tests must run`);
    return HOW_TO_START;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Run SQL on the test database (setup and assertions; never used by Weir itself). */
export async function sql<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: PG_URL });
  c.on("error", () => undefined);
  await c.connect();
  try {
    const res = await c.query(text, values);
    const last = Array.isArray(res) ? res[res.length - 1] : res;
    return (last?.rows ?? []) as R[];
  } finally {
    await c.end();
  }
}

/** A table name unique to this process, so test files can run in parallel. */
export function tableName(base: string): string {
  return `weir_${base}_${process.pid}`;
}

