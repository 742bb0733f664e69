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
  /** `bytes`: one complete JSON value in UTF-8 with no line break between its tokens. */
  constructor(readonly bytes: Buffer) {}

  toJSON(): unknown {
    if (queued !== undefined) {
      queued.push(this);
      return MARKER;
    }
    return JSON.parse(this.bytes.toString('utf8'));
  }
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
  for (let i = 0; i < raws.length; i++) parts.push(raws[i]!.bytes, pieces[i + 1]!);
  return parts;
}
