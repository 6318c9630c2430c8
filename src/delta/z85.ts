/**
 * Z85 (ZeroMQ base-85) encoding and decoding, the encoding Delta uses for deletion-vector UUIDs and inline deletion vectors
 * (PROTOCOL.md "Deletion Vector Descriptor Schema"): every 5 characters encode 4 bytes, big-endian.
 */
import { DeltaError } from "../errors/index.js";

/** The Z85 alphabet; a character's index is its digit value. @example `Z85_ALPHABET[10] // "a"` */
export const Z85_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

const DIGIT = new Int16Array(128).fill(-1);
for (let i = 0; i < Z85_ALPHABET.length; i++) DIGIT[Z85_ALPHABET.charCodeAt(i)] = i;

/**
 * Decode Z85 text (length a multiple of 5) into bytes (4 per 5 characters).
 *
 * @example
 * ```ts
 * z85Decode("HelloWorld"); // Uint8Array [0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]
 * ```
 */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw invalid(text, `its length ${text.length} is not a multiple of 5`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const d = code < 128 ? DIGIT[code]! : -1;
      if (d < 0) throw invalid(text, `character ${JSON.stringify(text[i + j])} at ${i + j} is not a Z85 digit`);
      value = value * 85 + d;
    }
    if (value > 0xffffffff) throw invalid(text, `the group at ${i} exceeds 32 bits`);
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}

/**
 * The UUID (lower-case, hyphenated) a 20-character Z85 string encodes.
 *
 * @example
 * ```ts
 * z85DecodeUuid("vBn[lx{q8@P<9BNH/isA"); // "61d16c75-6994-46b7-a15b-8b538852e50e"
 * ```
 */
export function z85DecodeUuid(text: string): string {
  if (text.length !== 20) throw invalid(text, `a Z85-encoded UUID has 20 characters, not ${text.length}`);
  const hex = Array.from(z85Decode(text), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Encode bytes (length a multiple of 4) as Z85 text (5 characters per 4 bytes).
 *
 * @example
 * ```ts
 * z85Encode(new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])); // "HelloWorld"
 * ```
 */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) {
    throw new DeltaError("WEIR_INVALID_ARGUMENT", `Cannot Z85-encode ${bytes.length} bytes: the length must be a multiple of 4`, { hint: "pad the data to a multiple of 4 bytes" });
  }
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
    const group = new Array<string>(5);
    for (let j = 4; j >= 0; j--) {
      group[j] = Z85_ALPHABET[value % 85]!;
      value = Math.floor(value / 85);
    }
    out += group.join("");
  }
  return out;
}

/**
 * The 20-character Z85 form of a UUID (hyphenated hex), as in a deletion vector descriptor of storage type "u".
 *
 * @example
 * ```ts
 * z85EncodeUuid("61d16c75-6994-46b7-a15b-8b538852e50e"); // "vBn[lx{q8@P<9BNH/isA"
 * ```
 */
export function z85EncodeUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new DeltaError("WEIR_INVALID_ARGUMENT", `Not a UUID: ${JSON.stringify(uuid)}`, { hint: "pass a UUID such as crypto.randomUUID()" });
  return z85Encode(Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16)));
}

function invalid(text: string, why: string): DeltaError {
  return new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Cannot decode the Z85 text ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}: ${why}`, {
    hint: "the deletion vector descriptor in the Delta log is corrupt; re-write the table with the engine that produced it",
    details: { text },
  });
}
