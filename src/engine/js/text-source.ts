/**
 * Lines of one byte-range split of a text file, with Hadoop's rule so splits never lose or duplicate a line:
 * a split owns every line that *starts* inside [start, end). A split not starting at 0 skips to just after the
 * first "\n" at or after start − 1; it stops after the first "\n" at or after end − 1 (or EOF).
 * Lines are UTF-8, "\n" or "\r\n" terminated; a final line without a terminator is still a line.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { fast } from "./codec.js";

const CHUNK = 1 << 20;

/** Offset of the first "\n" at or after `from`, or -1. */
function findNewline(fd: number, from: number): number {
  const buf = Buffer.allocUnsafe(64 * 1024);
  let pos = from;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) return -1;
    const i = buf.subarray(0, n).indexOf(10);
    if (i >= 0) return pos + i;
    pos += n;
  }
}

function splitLines(buf: Buffer, a: number, b: number, base: number, withOffsets: boolean): unknown[] {
  if (!withOffsets) {
    const lines = fast(buf).utf8Slice(a, b).split("\n");
    if (buf.subarray(a, b).indexOf(13) >= 0) {
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!;
        if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
      }
    }
    return lines;
  }
  const out: unknown[] = [];
  const text = fast(buf).utf8Slice(a, b);
  if (text.length === b - a) { // one UTF-16 unit per byte: character offsets are byte offsets, split once
    let off = base + a;
    for (const line of text.split("\n")) {
      out.push([off, line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line]);
      off += line.length + 1;
    }
    return out;
  }
  let p = a;
  while (p <= b) {
    let nl = buf.indexOf(10, p);
    if (nl < 0 || nl > b) nl = b;
    const e = nl > p && buf[nl - 1] === 13 ? nl - 1 : nl;
    out.push([base + p, fast(buf).utf8Slice(p, e)]);
    p = nl + 1;
  }
  return out;
}

/**
 * Batches of lines (or `[byteOffset, line]` pairs) of the split [start, end) of a file.
 * @example `for (const batch of readTextSplit("/data/a.txt", 0, 1 << 26, false)) for (const line of batch) …`
 */
export function* readTextSplit(path: string, start: number, end: number, withOffsets: boolean, onBytes?: (n: number) => void): Generator<unknown[]> {
  const fd = openSync(path, "r");
  try {
    let pos = start;
    if (start > 0) {
      const nl = findNewline(fd, start - 1);
      if (nl < 0) return;
      pos = nl + 1;
    }
    if (pos >= end) return;
    let buf = Buffer.allocUnsafe(CHUNK);
    let filled = 0;
    let base = pos; // file offset of buf[0]
    for (;;) {
      const n = readSync(fd, buf, filled, buf.length - filled, base + filled);
      onBytes?.(n);
      filled += n;
      const eof = n === 0;
      if (eof) {
        if (filled > 0) yield splitLines(buf, 0, filled, base, withOffsets);
        return;
      }
      const last = buf.subarray(0, filled).lastIndexOf(10);
      if (last < 0) {
        if (filled === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, filled);
          buf = bigger;
        }
        continue;
      }
      if (base + last >= end - 1) {
        const stop = buf.indexOf(10, Math.max(0, end - 1 - base));
        yield splitLines(buf, 0, stop, base, withOffsets);
        return;
      }
      yield splitLines(buf, 0, last, base, withOffsets);
      buf.copy(buf, 0, last + 1, filled);
      filled -= last + 1;
      base += last + 1;
    }
  } finally {
    closeSync(fd);
  }
}
