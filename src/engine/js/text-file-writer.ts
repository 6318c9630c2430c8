/**
 * Writes records as lines of a text file (saveAsTextFile): strings as they are, other values as JSON
 * (bigints as their digits), so the output reads back with textFile + JSON.parse.
 */
import { writeSync } from "node:fs";
import { closeTaskFile, openTaskFile, type TaskFile } from "./task-files.js";

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
  private readonly file: TaskFile;
  private parts: string[] = [];
  private size = 0;

  constructor(readonly path: string) {
    this.file = openTaskFile(path, "w");
  }

  write(x: unknown): void {
    const line = formatTextRecord(x);
    this.parts.push(line);
    this.size += line.length + 1;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.file.fd, this.parts.join("\n") + "\n");
    this.parts = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeTaskFile(this.file);
  }
}
