// Reads one value out of a JSON object line without parsing the whole line: the consumer must not
// spend more CPU than the connector it measures (a full JSON.parse of ~10 KB records costs the bench
// process about a third of what the connector itself spends). Works on the raw bytes, with the
// connector's own byte-level reader.
import { END_OF_OBJECT, JsonBytesReader, KeyNames, OTHER_KEY } from '../src/json/json-bytes.js';

const keyLists = new Map<string, KeyNames>();
const keyList = (name: string): KeyNames => {
  let k = keyLists.get(name);
  if (k === undefined) keyLists.set(name, (k = new KeyNames([name])));
  return k;
};

/**
 * The value at `path` (object keys) in the JSON object starting at b[start], as a string for string
 * and number values; undefined when absent, not a string or number, or the text is malformed.
 * Nothing after the value is read.
 */
export function peekJson(b: Uint8Array, path: readonly string[], start = 0): string | undefined {
  const r = new JsonBytesReader(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  r.pos = start;
  try {
    for (const name of path) {
      if (r.peek() !== 0x7b) return undefined;
      const want = keyList(name);
      let k = r.firstKeyOf(want);
      for (; k === OTHER_KEY; k = r.nextKeyOf(want)) r.skipValue();
      if (k === END_OF_OBJECT) return undefined;
    }
    const c = r.peek();
    if (c === 0x22) return r.value() as string;
    const raw = r.raw().toString('latin1');
    return /^-?\d/.test(raw) ? raw : undefined;
  } catch {
    return undefined;
  }
}
