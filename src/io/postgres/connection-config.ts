import pg from "pg";
import { IoError, WeirError } from "../../errors/index.js";

/**
 * How to reach a Postgres database: a `postgres://user:password@host:port/db` URL, optionally with the user and
 * password given separately (they win over the URL's). The password is a secret: it is kept out of every
 * message, plan and log Weir produces ({@link maskUrl}, {@link redactSecrets}).
 *
 * @example `{ url: "postgres://etl@127.0.0.1:5432/shop", password: process.env.PGPASSWORD }`
 */
export interface PostgresConnectionOptions {
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
}

/**
 * A parsed connection: the `pg` client config, the URL with its password masked (for messages and explain())
 * and the secrets to redact from any text that leaves Weir.
 *
 * @example `const c = parseConnection({ url }); new pg.Client(c.client); console.log(c.display)`
 */
export interface PostgresConnection {
  readonly client: pg.ClientConfig;
  /** The URL with the password replaced by `***`. */
  readonly display: string;
  readonly secrets: readonly string[];
}

/**
 * Parse connection options (URL validated, password never echoed back).
 *
 * @example `parseConnection({ url: "postgres://u:pw@localhost/test" }).display // "postgres://u:***@localhost/test"`
 */
export function parseConnection(opts: PostgresConnectionOptions): PostgresConnection {
  let u: URL;
  try {
    u = new URL(opts.url);
  } catch {
    // The raw text may hold a password: say only what is wrong with its shape.
    throw new WeirError("WEIR_INVALID_ARGUMENT", "Invalid Postgres URL: it does not parse as postgres://user:password@host:port/database", { hint: 'e.g. { url: "postgres://etl@127.0.0.1:5432/shop" }' });
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `Invalid Postgres URL: scheme "${u.protocol}" is not postgres: or postgresql:`, { hint: 'e.g. { url: "postgres://etl@127.0.0.1:5432/shop" }' });
  }
  const urlPassword = u.password ? decodeURIComponent(u.password) : undefined;
  const password = opts.password ?? urlPassword;
  const user = opts.user ?? (u.username ? decodeURIComponent(u.username) : undefined);
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined;
  const client: pg.ClientConfig = {
    host: u.hostname || "localhost",
    port: u.port ? Number(u.port) : 5432,
    ...(user ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(database ? { database } : {}),
    application_name: "weir",
  };
  const masked = new URL(u.toString());
  if (masked.password) masked.password = "***";
  for (const k of [...masked.searchParams.keys()]) if (/pass|secret|key|token/i.test(k)) masked.searchParams.set(k, "***");
  const secrets = [password, urlPassword, u.password].filter((s): s is string => !!s && s.length > 0);
  return { client, display: masked.toString(), secrets: [...new Set(secrets)] };
}

/**
 * Mask the password (and password-like query parameters) of a Postgres URL.
 *
 * @example `maskUrl("postgres://u:pw@h/db") // "postgres://u:***@h/db"`
 */
export function maskUrl(url: string): string {
  try {
    return parseConnection({ url }).display;
  } catch {
    return "postgres://<invalid url>";
  }
}

/**
 * Replace every secret in a text by `***` (longest first, so a secret containing another is fully masked).
 *
 * @example `redactSecrets("auth failed for pw", ["pw"]) // "auth failed for ***"`
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
  return out;
}

/**
 * Open a client, turning a connect failure into a WEIR_POSTGRES_CONNECTION error without the password. Sessions
 * run with TimeZone UTC and ISO dates, and floats at full precision, so text output round-trips.
 *
 * @example `const client = await connectPostgres(parseConnection({ url }))`
 */
export async function connectPostgres(conn: PostgresConnection): Promise<pg.Client> {
  const client = new pg.Client(conn.client);
  // An idle client's socket error would otherwise be an unhandled 'error' event that kills the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3; SET IntervalStyle = 'iso_8601'");
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    throw postgresError(conn, `Connecting to ${conn.display} failed`, e, "WEIR_POSTGRES_CONNECTION");
  }
}

/**
 * Wrap a `pg` (or socket) error: "<what> failed: <why>" with the SQLSTATE in details, the password redacted from
 * the message, and the cause kept only as redacted text (pg errors can carry connection parameters).
 *
 * @example `throw postgresError(conn, "Reading public.orders", e)`
 */
export function postgresError(conn: PostgresConnection, what: string, e: unknown, code: "WEIR_POSTGRES_CONNECTION" | "WEIR_POSTGRES_QUERY" = classify(e)): WeirError {
  const err = e as { message?: string; code?: string; detail?: string; where?: string };
  const why = redactSecrets(String(err?.message ?? e), conn.secrets);
  const detail = err?.detail ? ` (${redactSecrets(err.detail, conn.secrets)})` : "";
  const hint = code === "WEIR_POSTGRES_CONNECTION"
    ? `check that Postgres is running at ${conn.display} and that the user and password are right; a connection lost mid-operation can be retried`
    : "check the table, column names and types; the statement ran in a transaction that was rolled back";
  const cause = new Error(why + detail);
  return new IoError(code, `${redactSecrets(what, conn.secrets)}: ${why}${detail}`, { hint, cause, details: { url: conn.display, ...(err?.code ? { sqlState: err.code } : {}) } });
}

function classify(e: unknown): "WEIR_POSTGRES_CONNECTION" | "WEIR_POSTGRES_QUERY" {
  const code = (e as { code?: string })?.code ?? "";
  // Class 08 (connection exception), 57P01-03 (admin shutdown / terminated), 28 (auth) and socket errors.
  if (/^(08|28|57P0)/.test(code) || /^E[A-Z]+$/.test(code)) return "WEIR_POSTGRES_CONNECTION";
  const msg = String((e as { message?: string })?.message ?? "");
  if (/Connection terminated|connection.*(closed|ended)|ECONNRESET|terminating connection/i.test(msg)) return "WEIR_POSTGRES_CONNECTION";
  return "WEIR_POSTGRES_QUERY";
}
