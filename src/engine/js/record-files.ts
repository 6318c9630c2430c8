/**
 * Streaming reads and buffered writes of encoded record files (shuffle outputs, spill runs, cached blocks).
 * Workers use synchronous I/O: a worker thread runs one task at a time, so blocking it costs nothing.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { Decoder, Encoder } from "./codec.js";

const CHUNK = 1 << 20;

/**
 * Iterate the records of an encoded file (or of its byte range [start, end), which must fall on record
 * boundaries), reading it in 1 MB chunks.
 * @example `for (const r of readRecordFile("/tmp/part-0")) …`
 */
export function* readRecordFile(path: string, onBytes?: (n: number) => void, chunk = CHUNK, start = 0, end = Infinity): Generator<unknown> {
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(chunk);
    let filled = 0;
    let eof = false;
    let pos = start;
    const out = { value: undefined as unknown };
    for (;;) {
      if (!eof) {
        const n = readSync(fd, buf, filled, Math.min(buf.length - filled, end - pos), pos);
        if (n === 0) eof = true;
        pos += n;
        filled += n;
        onBytes?.(n);
      }
      const d = new Decoder(buf, filled);
      while (d.pos < filled && d.tryNext(out)) yield out.value;
      if (d.pos === filled) {
        filled = 0;
        if (eof) return;
        continue;
      }
      if (eof) throw new Error(`Truncated record file ${path}`);
      if (d.pos === 0 && filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2); // one value larger than the buffer
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
        continue;
      }
      buf.copy(buf, 0, d.pos, filled);
      filled -= d.pos;
    }
  } finally {
    closeSync(fd);
  }
}

/** Iterate the records of an in-memory encoded block. @example `for (const r of readRecordBuffer(buf)) …` */
export function* readRecordBuffer(buf: Buffer): Generator<unknown> {
  const d = new Decoder(buf);
  while (d.pos < d.end) yield d.next();
}

/**
 * Appends encoded records to a file, flushing every 256 KB.
 * @example `const w = new RecordFileWriter(path); w.write(["a", 1]); const bytes = w.close();`
 */
export class RecordFileWriter {
  private readonly fd: number;
  private readonly enc = new Encoder(256 * 1024);
  bytesWritten = 0;
  records = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  write(v: unknown): void {
    this.enc.write(v);
    this.records++;
    if (this.enc.pos >= 256 * 1024) this.flush();
  }

  /** Append the record `[k, v]` without allocating the tuple. */
  writePair(k: unknown, v: unknown): void {
    this.enc.writePair(k, v);
    this.records++;
    if (this.enc.pos >= 256 * 1024) this.flush();
  }

  private flush(): void {
    if (this.enc.pos === 0) return;
    writeSync(this.fd, this.enc.buf, 0, this.enc.pos);
    this.bytesWritten += this.enc.pos;
    this.enc.reset();
  }

  /** Byte offset in the file where the next record starts. */
  get offset(): number {
    return this.bytesWritten + this.enc.pos;
  }

  /** Flush and close; returns the file's size. */
  close(): number {
    this.flush();
    closeSync(this.fd);
    return this.bytesWritten;
  }
}
