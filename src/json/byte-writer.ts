// A growable byte buffer for JSON text made while reading a body: the typed custom-field columns are
// written here as `,"<column>":<value>` text, mostly bytes copied from the body (a string or number
// token is already its column's JSON), so no value object is built per field (see raw-json.ts).

export class ByteWriter {
  buf: Buffer;
  /** buf's bytes, for copying four at a time */
  private view32: DataView;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, capacity));
    this.view32 = viewOf(this.buf);
  }

  /** Room for n more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view32 = viewOf(bigger);
  }

  /** All of `bytes` (a prepared piece, e.g. a column's `,"name":`): TypedArray set, a builtin, beats a loop over its 20-odd bytes by 3-4x. */
  put(bytes: Buffer): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /**
   * src[start, end), `words` a DataView of src's bytes (JsonBytesReader.words): four bytes at a time.
   * The tokens copied here (a user's id, an option's value) are short, where a native copy's call
   * and the view it needs cost more than the copy, and a byte loop is twice as slow as words.
   */
  copy(src: Buffer, words: DataView, start: number, end: number): void {
    const n = end - start;
    this.room(n);
    if (n > 96) {
      src.copy(this.buf, this.pos, start, end);
      this.pos += n;
      return;
    }
    const out = this.view32;
    let p = this.pos;
    let i = start;
    for (; i + 4 <= end; i += 4, p += 4) out.setInt32(p, words.getInt32(i, true), true);
    const b = this.buf;
    for (; i < end; i++) b[p++] = src[i]!;
    this.pos = p;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** `null` */
  null(): void {
    this.room(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = 0x6e;
    b[p + 1] = 0x75;
    b[p + 2] = 0x6c;
    b[p + 3] = 0x6c;
    this.pos = p + 4;
  }

  /** Room for n more bytes at pos, written by the caller (then advance pos). */
  reserve(n: number): Buffer {
    this.room(n);
    return this.buf;
  }

  /** A string of ASCII characters that need no escaping in JSON, quoted. */
  quotedAscii(text: string): void {
    const n = text.length;
    this.room(n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    for (let i = 0; i < n; i++) b[p++] = text.charCodeAt(i);
    b[p++] = 0x22;
    this.pos = p;
  }

  /** The JSON text of any value (JSON.stringify). */
  json(value: unknown): void {
    const text = JSON.stringify(value);
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }
}

const viewOf = (b: Buffer): DataView => new DataView(b.buffer, b.byteOffset, b.length);
