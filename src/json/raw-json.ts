// A JSON value kept as the bytes it arrived in, and the serialiser that writes those bytes back
// out instead of re-encoding them. Anything else that stringifies a RawJson (tests, the in-memory
// sink) gets the parsed value through toJSON, so the output means the same either way.
//
// How the splice works: while stringifyParts runs, toJSON returns a marker string and queues the
// value; JSON.stringify (native, fast) does the rest, and the marker's JSON form is then cut out and
// replaced by the bytes, in document order. A genuine string that equals the marker makes the
// counts disagree, and the message is then stringified the ordinary way.

const MARKER = '\u0000raw-json\u0000';
const MARKER_TEXT = JSON.stringify(MARKER);

let queued: RawJson[] | undefined;

export class RawJson {
  /**
   * source[start, end): one complete JSON value in UTF-8 with no line break between its tokens. Kept
   * as offsets into the answer it came in, not a view: thousands of issues wait in flight, and a
   * Buffer view each was a tenth of their heap (what V8's old generation fills with, and marks).
   */
  constructor(
    readonly source: Buffer,
    readonly start = 0,
    readonly end = source.length,
  ) {}

  /** The bytes (a view made on each call). */
  get bytes(): Buffer {
    return this.start === 0 && this.end === this.source.length ? this.source : this.source.subarray(this.start, this.end);
  }

  toJSON(): unknown {
    if (queued !== undefined) {
      queued.push(this);
      return MARKER;
    }
    return JSON.parse(this.source.toString('utf8', this.start, this.end));
  }
}

/**
 * Members of an object kept as prepared JSON text, `,"a":1,"b":[2]` (or empty): the typed custom-field
 * columns, written while the body was read instead of built as values (custom-field-kinds.ts). Held
 * under MEMBERS_KEY by a record made with withMembers; stringifyParts writes the bytes in place of
 * that key and its value.
 */
export class RawMembers extends RawJson {
  /** The members as an object (they are not one JSON value on their own). */
  parsed(): Record<string, unknown> {
    return JSON.parse(`{${this.source.toString('utf8', Math.min(this.start + 1, this.end), this.end)}}`) as Record<string, unknown>;
  }

  override toJSON(): unknown {
    return queued !== undefined ? super.toJSON() : this.parsed();
  }
}

/** Never a column name (a NUL byte). */
export const MEMBERS_KEY = '\u0000members';
const MEMBERS_TEXT = `,${JSON.stringify(MEMBERS_KEY)}:`;

/** What JSON.stringify sees of a record with prepared members outside stringifyParts: one plain object. */
function plainRecord(this: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(this)) if (key !== MEMBERS_KEY && key !== 'toJSON') out[key] = this[key];
  return Object.assign(out, (this[MEMBERS_KEY] as RawMembers).parsed());
}
function membersToJSON(this: Record<string, unknown>): unknown {
  return queued !== undefined ? this : plainRecord.call(this);
}

/**
 * `record` with `members` after its own keys; anything that stringifies it sees one object (toJSON,
 * an own property: a function-valued member is left out of the JSON, and setting two members costs
 * less than copying the record into an object with its own prototype).
 */
export function withMembers<T extends object>(record: T, members: RawMembers): T {
  const out = record as Record<string, unknown>;
  out[MEMBERS_KEY] = members;
  out.toJSON = membersToJSON;
  return record;
}

/** JSON.stringify(value), as text pieces with each RawJson's bytes between them. */
export function stringifyParts(value: unknown): Array<string | Buffer> {
  const raws: RawJson[] = [];
  queued = raws;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    queued = undefined;
  }
  if (raws.length === 0) return [text];
  const pieces = text.split(MARKER_TEXT);
  if (pieces.length !== raws.length + 1) return [JSON.stringify(value)];
  const parts: Array<string | Buffer> = [pieces[0]!];
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i]!;
    if (raw instanceof RawMembers) {
      // The key goes with the marker: the bytes are members (`,"a":1,...`), not a value.
      const before = parts[parts.length - 1] as string;
      if (!before.endsWith(MEMBERS_TEXT)) return [JSON.stringify(value)];
      parts[parts.length - 1] = before.slice(0, -MEMBERS_TEXT.length);
    }
    parts.push(raw.bytes, pieces[i + 1]!);
  }
  return parts;
}
