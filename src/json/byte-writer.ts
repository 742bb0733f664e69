// A growable byte buffer for JSON text made while reading a body: the typed custom-field columns are
// written here as `,"<column>":<value>` text, mostly bytes copied from the body (a string or number
// token is already its column's JSON), so no value object is built per field (see raw-json.ts).

export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, capacity));
  }

  /** Room for n more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** All of `bytes` (a prepared piece, e.g. a column's `,"name":`). */
  put(bytes: Buffer): void {
    this.copy(bytes, 0, bytes.length);
  }

  /** src[start, end); short runs by hand (a native copy's call costs more than a loop over some 100 bytes: a user's id, a column's prefix). */
  copy(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.room(n);
    if (n > 96) {
      src.copy(this.buf, this.pos, start, end);
      this.pos += n;
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = start; i < end; i++) b[p++] = src[i]!;
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

  /** The bytes written in [start, end), as a view (valid until the writer grows: take views once done). */
  view(start: number, end: number): Buffer {
    return this.buf.subarray(start, end);
  }
}
