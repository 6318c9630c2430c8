/**
 * Writes records as lines of a text file (saveAsTextFile): strings as they are, other values as JSON
 * (bigints as their digits), so the output reads back with textFile + JSON.parse.
 */
import { closeSync, openSync, writeSync } from "node:fs";

/** Text form of one record. @example `formatTextRecord(["a", 1]) // '["a",1]'` */
export function formatTextRecord(x: unknown): string {
  if (typeof x === "string") return x;
  if (typeof x === "bigint" || typeof x === "number" || typeof x === "boolean" || x === undefined) return String(x);
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * A buffered line writer.
 * @example `const w = new TextFileWriter("/out/part-00000"); w.write("hello"); w.close();`
 */
export class TextFileWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  write(x: unknown): void {
    const line = formatTextRecord(x);
    this.parts.push(line);
    this.size += line.length + 1;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, this.parts.join("\n") + "\n");
    this.parts = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
