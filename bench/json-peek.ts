// Reads one value out of a JSON object line without parsing the whole line: the consumer must not
// spend more CPU than the connector it measures (a full JSON.parse of ~10 KB records costs the bench
// process about a third of what the connector itself spends). Works on the raw bytes.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipWs(b: Uint8Array, i: number): number {
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  return i;
}

/** Index just past the string starting at b[i] === '"'. */
function skipString(b: Uint8Array, i: number): number {
  for (i++; i < b.length; i++) {
    if (b[i] === BACKSLASH) i++;
    else if (b[i] === QUOTE) return i + 1;
  }
  return -1;
}

/** Index just past the value starting at b[i]. */
function skipValue(b: Uint8Array, i: number): number {
  if (b[i] === QUOTE) return skipString(b, i);
  if (b[i] !== 0x7b && b[i] !== 0x5b) {
    while (i < b.length && b[i] !== 0x2c && b[i] !== 0x7d && b[i] !== 0x5d) i++;
    return i;
  }
  let depth = 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) {
      i = skipString(b, i) - 1;
      if (i < 0) return -1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The value at `path` (object keys) in the JSON object in b[start, end), as a string for string and
 * number values; undefined when absent, not a primitive, or the text is malformed. Keys containing
 * escapes never match (the bench only asks for plain keys).
 */
export function peekJson(b: Uint8Array, path: readonly string[], start = 0): string | undefined {
  let i = skipWs(b, start);
  for (let p = 0; p < path.length; p++) {
    if (b[i] !== 0x7b) return undefined;
    const want = path[p]!;
    i = skipWs(b, i + 1);
    for (;;) {
      if (b[i] !== QUOTE) return undefined;
      const keyStart = i + 1;
      const keyEnd = skipString(b, i);
      if (keyEnd < 0) return undefined;
      i = skipWs(b, keyEnd);
      if (b[i] !== 0x3a) return undefined;
      i = skipWs(b, i + 1);
      if (keyEnd - 1 - keyStart === want.length && Buffer.from(b.buffer, b.byteOffset + keyStart, want.length).toString('latin1') === want) break;
      i = skipValue(b, i);
      if (i < 0) return undefined;
      i = skipWs(b, i);
      if (b[i] !== 0x2c) return undefined; // end of object: key absent
      i = skipWs(b, i + 1);
    }
  }
  const end = skipValue(b, i);
  if (end < 0) return undefined;
  const raw = Buffer.from(b.buffer, b.byteOffset + i, end - i).toString('utf8');
  if (b[i] === QUOTE) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return undefined;
    }
  }
  return b[i] === 0x7b || b[i] === 0x5b || !/^-?\d/.test(raw) ? undefined : raw.trim();
}
