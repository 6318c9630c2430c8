/**
 * Streaming reads and buffered writes of encoded record files (shuffle outputs, spill runs, cached blocks,
 * checkpoints, spooled sources). Workers use synchronous I/O: a worker thread runs one task at a time, so blocking
 * it costs nothing.
 *
 *   file := encoded records… trailer        trailer := "WRF1" · data length (float64 LE)   (12 bytes)
 *
 * The trailer makes a truncated file (a full disk, a temp file deleted or cut while Weir ran) detectable even
 * when it ends on a record boundary, where the records alone would read as a shorter, valid file. Readers check
 * it before the first record; a missing, truncated or undecodable file throws {@link RecordFileCorruptError}
 * (WEIR_RECORD_FILE_CORRUPT), which the scheduler answers by recomputing the file from lineage where it can.
 */
import { fstatSync, readSync, writeSync } from "node:fs";
import { ExecutionError } from "../../errors/index.js";
import { Decoder, Encoder } from "./codec.js";
import { closeTaskFile, openTaskFile, type TaskFile } from "./task-files.js";

const CHUNK = 1 << 20;
const MAGIC = 0x31465257; // "WRF1" read as a little-endian u32
const TRAILER = 12;

/**
 * A record file is missing, truncated or does not decode. `file` names it; the worker's reply carries it to the
 * scheduler, which matches it against the files the task read (task-failure.ts).
 * @example `if (e instanceof RecordFileCorruptError) console.error(e.file)`
 */
export class RecordFileCorruptError extends ExecutionError {
  constructor(readonly file: string, reason: string, cause?: unknown) {
    super("WEIR_RECORD_FILE_CORRUPT", `Record file ${JSON.stringify(file)} ${reason}`, {
      hint: "Weir's temporary files (shuffle, cache, checkpoint and spool files under the session's tempDir) were changed while it ran: "
        + "free disk space and keep cleanup jobs and other processes out of that directory",
      cause, details: { file, reason },
    });
  }
}

/** Length of the records before the trailer, or a RecordFileCorruptError. */
function dataLength(fd: number, path: string): number {
  const size = fstatSync(fd).size;
  const t = Buffer.alloc(TRAILER);
  if (size < TRAILER || readSync(fd, t, 0, TRAILER, size - TRAILER) !== TRAILER || t.readUInt32LE(0) !== MAGIC) {
    throw new RecordFileCorruptError(path, `is truncated or not a record file (${size} bytes, no end marker)`);
  }
  const length = t.readDoubleLE(4);
  if (length !== size - TRAILER) throw new RecordFileCorruptError(path, `is ${size} bytes but its end marker says ${length + TRAILER}`);
  return length;
}

function openRecordFile(path: string): TaskFile {
  try {
    return openTaskFile(path, "r");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") throw new RecordFileCorruptError(path, "is missing", e);
    throw e;
  }
}

/**
 * Iterate the records of an encoded file (or of its byte range [start, end), which must fall on record
 * boundaries), reading it in 1 MB chunks. A missing, truncated or corrupt file throws {@link RecordFileCorruptError}.
 * @example `for (const r of readRecordFile("/tmp/part-0")) …`
 */
export function* readRecordFile(path: string, onBytes?: (n: number) => void, chunk = CHUNK, start = 0, end = Infinity): Generator<unknown> {
  const file = openRecordFile(path);
  const fd = file.fd;
  try {
    const length = dataLength(fd, path);
    if (end !== Infinity && end > length) throw new RecordFileCorruptError(path, `holds ${length} bytes of records, fewer than the ${end} expected`);
    end = Math.min(end, length);
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
      try {
        while (d.pos < filled && d.tryNext(out)) yield out.value;
      } catch (e) { // the decoder's own errors only: a consumer's exception never enters the generator here
        throw new RecordFileCorruptError(path, `does not decode at byte ${pos - filled + d.pos} (${(e as Error).message})`, e);
      }
      if (d.pos === filled) {
        filled = 0;
        if (eof) return;
        continue;
      }
      if (eof) throw new RecordFileCorruptError(path, `ends inside a record (byte ${pos - filled + d.pos} of ${end})`);
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
    closeTaskFile(file);
  }
}

/** Iterate the records of an in-memory encoded block. @example `for (const r of readRecordBuffer(buf)) …` */
export function* readRecordBuffer(buf: Buffer): Generator<unknown> {
  const d = new Decoder(buf);
  while (d.pos < d.end) yield d.next();
}

/**
 * Appends encoded records to a file, flushing every 256 KB; close() adds the end marker.
 * @example `const w = new RecordFileWriter(path); w.write(["a", 1]); const bytes = w.close();`
 */
export class RecordFileWriter {
  private readonly file: TaskFile;
  private readonly enc = new Encoder(256 * 1024);
  bytesWritten = 0;
  records = 0;

  constructor(readonly path: string) {
    this.file = openTaskFile(path, "w");
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
    writeSync(this.file.fd, this.enc.buf, 0, this.enc.pos);
    this.bytesWritten += this.enc.pos;
    this.enc.reset();
  }

  /** Byte offset in the file where the next record starts. */
  get offset(): number {
    return this.bytesWritten + this.enc.pos;
  }

  /** Flush, append the end marker and close; returns the bytes of records (the file's size less the marker). */
  close(): number {
    this.flush();
    const t = Buffer.alloc(TRAILER);
    t.writeUInt32LE(MAGIC, 0);
    t.writeDoubleLE(this.bytesWritten, 4);
    writeSync(this.file.fd, t, 0, TRAILER);
    closeTaskFile(this.file);
    return this.bytesWritten;
  }
}
