// Walks JSON in its UTF-8 bytes without building it: a reader that steps through object members
// and array elements, skips values it does not need and parses only the small ones it does. The
// issues stream uses it to pass each issue's `fields` through as the bytes Jira sent (see
// raw-json.ts): parsing ~5 KB per issue into objects and stringifying them again was half the
// connector's CPU. Malformed input (a truncated body) throws SyntaxError, as JSON.parse would.
//
// It checks structure (brackets, strings, separators) but not the spelling of literals and numbers;
// their bytes are passed through or handed to JSON.parse, which does.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

/** What firstKeyOf/nextKeyOf return at the end of an object. */
export const END_OF_OBJECT = -2;
/** What firstKeyOf/nextKeyOf return for a key that is not in the list. */
export const OTHER_KEY = -1;

/**
 * A list of keys to look for. Matching compares bytes, so the many keys a reader only skips (an
 * issue's custom fields, an avatar block's sizes) are never decoded into strings.
 */
export class KeyNames {
  /** Names by length and last two bytes: custom field ids share length and prefix (customfield_1…), not their last digits. */
  private readonly byBucket = new Map<number, Array<{ bytes: Buffer; index: number }>>();
  private readonly byName = new Map<string, number>();
  private readonly bytesOf: Buffer[];
  /** Per name, its bytes as little-endian 32-bit words, the last partial word left out (guessAt); undefined for a name JSON writes escaped. */
  private readonly wordsOf: Array<Int32Array | undefined>;
  /**
   * Per name, the name matched after it last time (-1: none yet); the last slot is for an object's
   * first key. Objects of one kind (every issue's `fields`) list their keys in one order, so the
   * guess is one byte comparison where the bucket lookup was most of the cost of 80 keys to match.
   */
  private readonly after: Int32Array;
  /** the last name matched (names.length: none yet in this object) */
  private last: number;

  constructor(readonly names: readonly string[]) {
    this.bytesOf = names.map((name) => Buffer.from(name, 'utf8'));
    this.wordsOf = this.bytesOf.map((b) => (b.some((c) => c === QUOTE || c === BACKSLASH || c < SPACE) ? undefined : Int32Array.from({ length: b.length >> 2 }, (_, k) => b.readInt32LE(4 * k))));
    this.bytesOf.forEach((bytes, index) => {
      const bucket = bucketOf(bytes, 0, bytes.length);
      const same = this.byBucket.get(bucket) ?? [];
      same.push({ bytes, index });
      this.byBucket.set(bucket, same);
      this.byName.set(names[index]!, index);
    });
    this.after = new Int32Array(names.length + 1).fill(-1);
    this.last = names.length;
  }

  /** An object's keys start: the next match is guessed as the first key of the object before. */
  restart(): void {
    this.last = this.names.length;
  }

  /**
   * At a key's opening quote b[p]: the guessed name's index if the key is that name (its token is
   * then b[p, p + length + 2)), else OTHER_KEY. The guess is checked against the bytes four at a
   * time, without first scanning the key for its end: most keys of an issue's fields are guessed.
   */
  guessAt(b: Buffer, dv: DataView, p: number): number {
    const guess = this.after[this.last]!;
    if (guess < 0) return OTHER_KEY;
    const words = this.wordsOf[guess];
    if (words === undefined) return OTHER_KEY;
    const bytes = this.bytesOf[guess]!;
    const q = p + 1;
    if (b[q + bytes.length] !== QUOTE) return OTHER_KEY;
    let k = 0;
    while (k < words.length && dv.getInt32(q + 4 * k, true) === words[k]) k++;
    if (k < words.length) return OTHER_KEY;
    for (let i = 4 * k; i < bytes.length; i++) if (bytes[i] !== b[q + i]) return OTHER_KEY;
    this.last = guess;
    return guess;
  }

  /** The byte length of name i. */
  lengthOf(i: number): number {
    return this.bytesOf[i]!.length;
  }

  /** Index of the name spelled by b[start, end), or OTHER_KEY. */
  matchBytes(b: Buffer, start: number, end: number): number {
    const guess = this.after[this.last]!;
    if (guess >= 0) {
      const bytes = this.bytesOf[guess]!;
      let i = bytes.length - 1;
      if (i === end - start - 1) {
        while (i >= 0 && bytes[i] === b[start + i]) i--;
        if (i < 0) {
          this.last = guess;
          return guess;
        }
      }
    }
    return this.matchUnguessed(b, start, end);
  }

  /**
   * matchBytes for a key guessAt already found not to be the guess (a name it cannot check has a byte
   * JSON escapes, which an unescaped key never has): looked up and remembered, the guess not compared again.
   */
  matchUnguessed(b: Buffer, start: number, end: number): number {
    const found = this.lookup(b, start, end);
    if (found !== OTHER_KEY) {
      this.after[this.last] = found;
      this.last = found;
    }
    return found;
  }

  private lookup(b: Buffer, start: number, end: number): number {
    const candidates = this.byBucket.get(bucketOf(b, start, end));
    if (candidates === undefined) return OTHER_KEY;
    // Index loops: this runs for every key of every issue's `fields`, and for-of with destructuring cost more.
    for (let c = 0; c < candidates.length; c++) {
      const candidate = candidates[c]!;
      const bytes = candidate.bytes;
      if (bytes.length !== end - start) continue;
      let i = bytes.length - 1;
      while (i >= 0 && bytes[i] === b[start + i]) i--;
      if (i < 0) return candidate.index;
    }
    return OTHER_KEY;
  }

  matchName(name: string): number {
    return this.byName.get(name) ?? OTHER_KEY;
  }
}

/** The index (< limit) of the name spelled by b[start, end), or -1; a later index than a match wins nothing, an equal one wins again. */
function nameAt(names: readonly Buffer[], limit: number, b: Buffer, start: number, end: number): number {
  const len = end - start;
  for (let i = 0; i < names.length && i <= limit; i++) {
    const name = names[i]!;
    if (name.length !== len) continue;
    let j = len - 1;
    while (j >= 0 && name[j] === b[start + j]) j--;
    if (j < 0) return i;
  }
  return -1;
}

function bucketOf(b: Buffer, start: number, end: number): number {
  const n = end - start;
  return n * 65536 + (n > 0 ? b[end - 1]! * 256 : 0) + (n > 1 ? b[end - 2]! : 0);
}

export class JsonBytesReader {
  /** Index of the next unread byte. */
  pos = 0;
  /** Whether a line break was seen between tokens: bytes holding one cannot go on an NDJSON line as they are. */
  sawLineBreak = false;
  /** Whether the last string passed over had an escape in it. */
  private escaped = false;

  /** The same bytes, for reading four at a time (stringEnd, ByteWriter.copy). */
  readonly words: DataView;

  constructor(readonly bytes: Buffer) {
    this.words = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /** Enters the object at pos: its first key, or undefined if it is empty (then pos is after it). */
  firstKey(): string | undefined {
    this.expect(OPEN_OBJECT);
    if (this.peek() === CLOSE_OBJECT) {
      this.pos++;
      return undefined;
    }
    return this.key();
  }

  /** After a member's value: the next key, or undefined at the object's end (pos after it). */
  nextKey(): string | undefined {
    const c = this.peek();
    this.pos++;
    if (c === COMMA) return this.key();
    if (c === CLOSE_OBJECT) return undefined;
    throw this.error("',' or '}'");
  }

  /** firstKey for a known list of keys: the key's index in `names`, OTHER_KEY or END_OF_OBJECT. */
  firstKeyOf(names: KeyNames): number {
    this.expect(OPEN_OBJECT);
    if (this.peek() === CLOSE_OBJECT) {
      this.pos++;
      return END_OF_OBJECT;
    }
    names.restart();
    return this.keyOf(names);
  }

  /** nextKey for a known list of keys. */
  nextKeyOf(names: KeyNames): number {
    const c = this.peek();
    this.pos++;
    if (c === COMMA) return this.keyOf(names);
    if (c === CLOSE_OBJECT) return END_OF_OBJECT;
    throw this.error("',' or '}'");
  }

  /** Enters the array at pos: true if an element follows (pos at it), false if it is empty. */
  firstElement(): boolean {
    this.expect(OPEN_ARRAY);
    if (this.peek() === CLOSE_ARRAY) {
      this.pos++;
      return false;
    }
    return true;
  }

  /** After an element: true if another follows (pos at it), false at the array's end. */
  nextElement(): boolean {
    const c = this.peek();
    this.pos++;
    if (c === COMMA) {
      this.peek();
      return true;
    }
    if (c === CLOSE_ARRAY) return false;
    throw this.error("',' or ']'");
  }

  /** The byte the next token starts with (after whitespace), without consuming it. */
  peek(): number {
    const b = this.bytes;
    let p = this.pos;
    let c = b[p];
    while (c === SPACE || c === LF || c === CR || c === TAB) {
      if (c !== SPACE && c !== TAB) this.sawLineBreak = true;
      c = b[++p];
    }
    this.pos = p;
    if (c === undefined) throw this.error('more input');
    return c;
  }

  /** Skips the value at pos (pos is then just after it). */
  skipValue(): void {
    const c = this.peek();
    const from = this.pos;
    if (c === QUOTE) this.pos = this.stringEnd(from);
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.pos = this.containerEnd(from);
    else this.pos = this.literalEnd(from);
  }

  /** After memberString: the span of the string token it found (quotes included). */
  spanStart = 0;
  spanEnd = 0;

  /**
   * At an object: skips it (pos after it) in one scan at the speed of skipValue, noting the first of
   * `names` (in their order) that it has as a member with a non-null value. Returns true when that member's value is a string, its token then in
   * [spanStart, spanEnd); false when none was found or its value is not a string. For picking one
   * member out of many objects (a user's id out of its avatars and names) without stepping through
   * their keys.
   */
  memberString(names: readonly Buffer[]): boolean {
    const b = this.bytes;
    const n = b.length;
    let best = names.length;
    let isString = false;
    let depth = 0;
    for (let p = this.expectAt(OPEN_OBJECT); p < n; p++) {
      const c = b[p]!;
      if (c === QUOTE) {
        const open = p;
        const q = this.stringEnd(open);
        p = q - 1;
        if (depth !== 1) continue;
        const k = this.afterSpace(q);
        if (b[k] !== COLON) continue; // a value
        const i = this.escaped ? -1 : nameAt(names, best, b, open + 1, q - 1);
        p = k; // a key: on to its value
        if (i < 0) continue;
        const v = this.afterSpace(k + 1);
        if (b[v] === 0x6e) continue; // null: as if absent
        best = i;
        isString = b[v] === QUOTE;
        if (!isString) continue;
        this.spanStart = v;
        this.spanEnd = this.stringEnd(v);
        if (i === 0) {
          // The first choice: the rest of the object is only skipped. (So of a key given twice the
          // first counts here, where JSON.parse keeps the last; Jira sends no key twice.)
          this.pos = this.containerEnd(this.spanEnd, 1);
          return true;
        }
        p = this.spanEnd - 1;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) {
          this.pos = p + 1;
          return isString;
        }
      } else if (c === LF || c === CR) this.sawLineBreak = true;
    }
    throw this.error('the end of an object', n);
  }

  /** Inside an object, after a member's value: skips the other members (pos is then after its '}'). */
  skipRestOfObject(): void {
    this.pos = this.containerEnd(this.pos, 1);
  }

  /** The string at pos as an index of `names` (OTHER_KEY for another string), without decoding it; undefined (not moved) for a value that is no string. */
  stringOf(names: KeyNames): number | undefined {
    if (this.peek() !== QUOTE) return undefined;
    const start = this.pos;
    this.pos = this.stringEnd(start);
    return this.escaped ? names.matchName(JSON.parse(this.bytes.toString('utf8', start, this.pos)) as string) : names.matchBytes(this.bytes, start + 1, this.pos - 1);
  }

  /** The value at pos, parsed (for small values). */
  value(): unknown {
    const c = this.peek();
    const start = this.pos;
    this.skipValue();
    // A plain string (most picked values) needs no JSON.parse.
    if (c === QUOTE && !this.escaped) return this.bytes.toString('utf8', start + 1, this.pos - 1);
    // An empty field is `null`: the commonest value of all (checked, as JSON.parse would).
    if (c === 0x6e && this.pos - start === 4 && this.bytes[start + 1] === 0x75 && this.bytes[start + 2] === 0x6c && this.bytes[start + 3] === 0x6c) return null;
    const int = this.smallInteger(start, this.pos);
    return int !== undefined ? int : JSON.parse(this.bytes.toString('utf8', start, this.pos));
  }

  /** b[start, end) as an integer if it is a plain one (-?digits, no leading zero, < 2^53), else undefined. */
  private smallInteger(start: number, end: number): number | undefined {
    const b = this.bytes;
    const from = b[start] === 0x2d ? start + 1 : start;
    if (end - from < 1 || end - from > 15 || (b[from] === 0x30 && end - from > 1)) return undefined;
    let n = 0;
    for (let i = from; i < end; i++) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    return from > start ? -n : n;
  }

  /**
   * The value at pos with only the `names` members of its objects, at every depth; the other members
   * are skipped unparsed (a user object's avatars, an option's self link).
   */
  kept(names: KeyNames): unknown {
    const c = this.peek();
    if (c === OPEN_OBJECT) {
      const out: Record<string, unknown> = {};
      for (let i = this.firstKeyOf(names); i !== END_OF_OBJECT; i = this.nextKeyOf(names)) {
        if (i === OTHER_KEY) this.skipValue();
        else out[names.names[i]!] = this.kept(names);
      }
      return out;
    }
    if (c === OPEN_ARRAY) {
      const out: unknown[] = [];
      for (let more = this.firstElement(); more; more = this.nextElement()) out.push(this.kept(names));
      return out;
    }
    return this.value();
  }

  /** The bytes of the value at pos (a view, not a copy). */
  raw(): Buffer {
    this.peek();
    const start = this.pos;
    this.skipValue();
    return this.bytes.subarray(start, this.pos);
  }

  /** Fails unless only whitespace is left. */
  end(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos];
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) throw this.error('end of input');
      this.pos++;
    }
  }

  private key(): string {
    const start = this.keySpan();
    const end = this.keyEnd;
    const b = this.bytes;
    return this.escaped ? (JSON.parse(b.toString('utf8', start, end)) as string) : b.toString('utf8', start + 1, end - 1);
  }

  private keyOf(names: KeyNames): number {
    if (this.peek() !== QUOTE) throw this.error('a key');
    const guessed = names.guessAt(this.bytes, this.words, this.pos);
    if (guessed !== OTHER_KEY) {
      this.pos += names.lengthOf(guessed) + 2;
      this.escaped = false;
      this.expect(COLON);
      this.peek();
      return guessed;
    }
    const start = this.keySpan();
    const end = this.keyEnd;
    const b = this.bytes;
    return this.escaped ? names.matchName(JSON.parse(b.toString('utf8', start, end)) as string) : names.matchUnguessed(b, start + 1, end - 1);
  }

  /** After keySpan: the index after the key's closing quote. */
  private keyEnd = 0;

  /** Reads `"key":`, leaving pos at the value; returns where the key starts (its quote; keyEnd: after its closing one). No tuple: it runs for every key. */
  private keySpan(): number {
    if (this.peek() !== QUOTE) throw this.error('a key');
    const start = this.pos;
    const end = this.stringEnd(start);
    this.keyEnd = end;
    this.pos = end;
    this.expect(COLON);
    this.peek();
    return start;
  }

  /** The index of the first byte at or after p that is not whitespace (noting line breaks). */
  private afterSpace(p: number): number {
    const b = this.bytes;
    for (;;) {
      const c = b[p];
      if (c === LF || c === CR) this.sawLineBreak = true;
      else if (c !== SPACE && c !== TAB) return p;
      p++;
    }
  }

  /** The index of the byte at pos (after whitespace), which must be `byte`. */
  private expectAt(byte: number): number {
    if (this.peek() !== byte) throw this.error(`'${String.fromCharCode(byte)}'`);
    return this.pos;
  }

  private expect(byte: number): void {
    if (this.peek() !== byte) throw this.error(`'${String.fromCharCode(byte)}'`);
    this.pos++;
  }

  /**
   * `p` is at an opening quote; returns the index after the closing one. Strings are most of the
   * bytes (an issue's links and avatar URLs): they are stepped through four bytes at a time while
   * none of the four is a quote, a backslash or a control character (bit tests on one 32-bit word),
   * a third less CPU than a byte at a time.
   */
  private stringEnd(p: number): number {
    const b = this.bytes;
    const words = this.words;
    const n = b.length;
    this.escaped = false;
    let q = p + 1;
    for (;;) {
      while (q + 4 <= n) {
        const v = words.getUint32(q, true);
        const quote = v ^ 0x22222222;
        const backslash = v ^ 0x5c5c5c5c;
        // a zero byte in quote or backslash, or a byte below 0x20 in v (exact as a yes/no per word)
        if ((((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | ((v - 0x20202020) & ~v)) & 0x80808080) break;
        q += 4;
      }
      if (q >= n) break;
      const c = b[q]!;
      if (c === QUOTE) return q + 1;
      if (c === BACKSLASH) {
        this.escaped = true;
        q += 2;
      } else if (c < SPACE) throw this.error('no control character inside a string', q);
      else q++;
    }
    throw this.error('the end of a string', n);
  }

  /** `p` is at '{' or '[' (or inside `depth` containers); returns the index after the matching close. */
  private containerEnd(p: number, depth = 0): number {
    const b = this.bytes;
    const n = b.length;
    for (; p < n; p++) {
      const c = b[p]!;
      if (c === QUOTE) p = this.stringEnd(p) - 1;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) return p + 1;
      } else if (c === LF || c === CR) this.sawLineBreak = true;
    }
    throw this.error('the end of an object or array', n);
  }

  private literalEnd(p: number): number {
    const b = this.bytes;
    const n = b.length;
    const from = p;
    for (; p < n; p++) {
      const c = b[p]!;
      if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === SPACE || c === LF || c === CR || c === TAB || c === COLON) break;
      if (c === QUOTE || c === OPEN_OBJECT || c === OPEN_ARRAY) throw this.error('a value', p);
    }
    if (p === from) throw this.error('a value', p);
    return p;
  }

  private error(wanted: string, at = this.pos): SyntaxError {
    return new SyntaxError(`JSON: expected ${wanted} at byte ${at} of ${this.bytes.length}`);
  }
}
