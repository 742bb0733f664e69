// What each Jira custom field type becomes as a typed column of `issues`: its JSON Schema, and the
// conversion of its value, from the parsed value (convert) or straight from the bytes (readerOf).
// A value of another shape converts to MISMATCH: the column is then null and the value stays in
// `fields`.
import { END_OF_OBJECT, KeyNames, OTHER_KEY, type JsonBytesReader } from '../json/json-bytes.js';
import type { ByteWriter } from '../json/byte-writer.js';
import { parseFixedFormBytes, quotedIsoUtcInto, toUtcRfc3339 } from './jira-time.js';

export type Kind =
  | 'number' | 'string' | 'richText' | 'date' | 'datetime' | 'option' | 'options' | 'cascade'
  | 'user' | 'users' | 'strings' | 'sprints' | 'version' | 'versions' | 'group' | 'groups' | 'project';

export const MISMATCH: unique symbol = Symbol('mismatch');
type Converted = unknown;

export interface KindDef {
  /** JSON Schema of the column (null is always allowed besides) */
  schema: Record<string, unknown>;
  /** a non-null value -> the column's value, or MISMATCH */
  convert(v: unknown): Converted | typeof MISMATCH;
}

/**
 * Reads a field's value to its column value, either from the bytes (Cloud bulkfetch: straight to the
 * value, no object in between, the rest skipped) or from the parsed issue (Data Center pages). Both
 * give null for null and MISMATCH for another shape.
 */
export interface ValueReader {
  fromBytes(r: JsonBytesReader): unknown;
  fromValue(v: unknown): unknown;
  /** A typed column's reader (columnReader) also writes its column as JSON text from the bytes. */
  text?: ColumnText;
}

/** A typed column written as text: `prefix` (`,"<column>":`), then its value's JSON. */
export interface ColumnText {
  prefix: Buffer;
  /** `,"<column>":null` */
  prefixNull: Buffer;
  /** Writes the non-null value at r.pos as the column's JSON; false for another shape (the value is read past, what was written is to be dropped). */
  write(r: JsonBytesReader, w: ByteWriter): boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | typeof MISMATCH => (typeof v === 'string' ? v : MISMATCH);
const member = (name: string) => (v: unknown) => (isObj(v) ? str(v[name]) : MISMATCH);
/** Cloud users have an accountId; Data Center users a key and a name (the users stream's accountId is key ?? name too). */
const userId = (v: unknown) => (isObj(v) ? str(v.accountId ?? v.key ?? v.name) : MISMATCH);

/** Each element converted; one bad element makes the whole value a mismatch. */
function each(convert: (v: unknown) => unknown): (v: unknown) => unknown {
  return (v) => {
    if (!Array.isArray(v)) return MISMATCH;
    const out: unknown[] = [];
    for (const e of v) {
      const c = convert(e);
      if (c === MISMATCH) return MISMATCH;
      out.push(c);
    }
    return out;
  };
}

const DC_SPRINT = /\[id=(\d+)(?:,rapidViewId=(\d+))?[,\]]/;

/**
 * One Data Center Sprint field value: GreenHopper's `…Sprint@1f2e[id=12,rapidViewId=3,state=…,goal=…]`
 * (a goal may hold commas and brackets, so only the leading id and rapidViewId are read).
 */
export function dcSprint(v: string): { id: number; boardId: number | null } | undefined {
  const m = DC_SPRINT.exec(v);
  return m ? { id: Number(m[1]), boardId: m[2] === undefined ? null : Number(m[2]) } : undefined;
}

/** Cloud: a sprint object; Data Center: GreenHopper's string (dcSprint). */
function sprintId(v: unknown): number | typeof MISMATCH {
  if (isObj(v)) return Number.isSafeInteger(v.id) ? (v.id as number) : MISMATCH;
  return (typeof v === 'string' ? dcSprint(v)?.id : undefined) ?? MISMATCH;
}

const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status', 'placeholder']);

/** Atlassian Document Format -> plain text: inline nodes run on, block nodes each start a line. */
export function adfText(node: unknown): string {
  if (!isObj(node)) return '';
  if (node.type === 'text') return typeof node.text === 'string' ? node.text : '';
  if (node.type === 'hardBreak') return '\n';
  const lines: string[] = [];
  let line = '';
  for (const child of Array.isArray(node.content) ? node.content : []) {
    if (isObj(child) && INLINE.has(String(child.type))) {
      line += adfText(child);
    } else {
      if (line !== '') lines.push(line);
      line = '';
      const text = adfText(child);
      if (text !== '') lines.push(text);
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

function richText(v: unknown): string | typeof MISMATCH {
  if (typeof v === 'string') return v; // Data Center and Cloud's v2: wiki markup
  return isObj(v) && v.type === 'doc' ? adfText(v) : MISMATCH;
}

function datetime(v: unknown): string | typeof MISMATCH {
  if (typeof v !== 'string') return MISMATCH;
  try {
    return toUtcRfc3339(v) ?? MISMATCH;
  } catch {
    return MISMATCH;
  }
}

const strings = { type: 'array', items: { type: 'string' } };
const optionValue = member('value');
const USER = ['accountId', 'key', 'name'];

export const KINDS: Record<Kind, KindDef> = {
  number: { schema: { type: 'number' }, convert: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : MISMATCH) },
  string: { schema: { type: 'string' }, convert: str },
  richText: { schema: { type: 'string' }, convert: richText },
  date: { schema: { type: 'string', format: 'date' }, convert: (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : MISMATCH) },
  datetime: { schema: { type: 'string', format: 'date-time' }, convert: datetime },
  option: { schema: { type: 'string' }, convert: member('value') },
  options: { schema: strings, convert: each(member('value')) },
  cascade: {
    schema: strings,
    convert: (v) => {
      const parent = optionValue(v);
      if (parent === MISMATCH) return MISMATCH;
      const child = (v as Obj).child;
      if (child === undefined || child === null) return [parent];
      const c = optionValue(child);
      return c === MISMATCH ? MISMATCH : [parent, c];
    },
  },
  user: { schema: { type: 'string' }, convert: userId },
  users: { schema: strings, convert: each(userId) },
  strings: { schema: strings, convert: each(str) },
  sprints: { schema: { type: 'array', items: { type: 'integer' } }, convert: each(sprintId) },
  version: { schema: { type: 'string' }, convert: member('name') },
  versions: { schema: strings, convert: each(member('name')) },
  group: { schema: { type: 'string' }, convert: member('name') },
  groups: { schema: strings, convert: each(member('name')) },
  project: { schema: { type: 'string' }, convert: member('key') },
};

export const SPRINT_FIELD_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';

/** The kind of a field from its /field `schema` (JsonTypeBean); undefined: no typed column (the value stays in `fields` only). */
export function kindOf(schema: unknown): Kind | undefined {
  if (!isObj(schema)) return undefined;
  const custom = typeof schema.custom === 'string' ? schema.custom : '';
  if (custom === SPRINT_FIELD_TYPE) return 'sprints';
  const suffix = custom.slice(custom.lastIndexOf(':') + 1);
  switch (schema.type) {
    case 'number': return 'number';
    case 'string': return suffix === 'textarea' ? 'richText' : 'string';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'option': return 'option';
    case 'option-with-child': return 'cascade';
    case 'user': return 'user';
    case 'version': return 'version';
    case 'group': return 'group';
    case 'project': return 'project';
    case 'any': return suffix === 'gh-lexo-rank' || suffix === 'gh-epic-link' ? 'string' : undefined;
    case 'array':
      switch (schema.items) {
        case 'option': return 'options';
        case 'user': return 'users';
        case 'string': return 'strings';
        case 'version': return 'versions';
        case 'group': return 'groups';
      }
  }
  return undefined;
}

/** The column's JSON Schema: the kind's, nullable. */
export function columnSchema(kind: Kind, description: string): Record<string, unknown> {
  const { type, ...rest } = KINDS[kind].schema;
  return { type: [type, 'null'], ...rest, description };
}

const QUOTE = 0x22;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const NULL = 0x6e;
type ByteReader = (r: JsonBytesReader) => unknown;

/** A scalar whose first byte is one of `first`, converted; anything else skipped as a mismatch. */
const scalar = (first: (c: number) => boolean, convert: (v: unknown) => unknown): ByteReader => (r) => {
  if (!first(r.peek())) {
    r.skipValue();
    return MISMATCH;
  }
  return convert(r.value());
};
const isString = (c: number) => c === QUOTE;
const isNumber = (c: number) => c === 0x2d || (c >= 0x30 && c <= 0x39);

/** An object's first non-null member of `names` (in that order), which must be a string. */
function firstOf(names: readonly string[]): ByteReader {
  const keys = new KeyNames(names);
  return (r) => {
    if (r.peek() !== OPEN_OBJECT) {
      r.skipValue();
      return MISMATCH;
    }
    let best = names.length;
    let found: unknown;
    for (let i = r.firstKeyOf(keys); i !== END_OF_OBJECT; i = r.nextKeyOf(keys)) {
      if (i === OTHER_KEY || i > best) {
        r.skipValue();
        continue;
      }
      const v = r.value();
      if (v !== null && v !== undefined) {
        best = i;
        found = v;
      }
    }
    return typeof found === 'string' ? found : MISMATCH;
  };
}

/** An array of `element`s; one bad element makes the whole a mismatch (the rest is still read past). */
const arrayOf = (element: ByteReader): ByteReader => (r) => {
  if (r.peek() !== OPEN_ARRAY) {
    r.skipValue();
    return MISMATCH;
  }
  const out: unknown[] = [];
  let bad = false;
  for (let more = r.firstElement(); more; more = r.nextElement()) {
    const v = element(r);
    if (v === MISMATCH) bad = true;
    else out.push(v);
  }
  return bad ? MISMATCH : out;
};

/** Only these members of the value's objects (at every depth, see JsonBytesReader.kept), then the kind's conversion: the less common kinds. */
const viaKept = (def: KindDef, keep: string[]): ByteReader => {
  const keys = new KeyNames(keep);
  return (r) => def.convert(r.kept(keys));
};

const BYTE_READERS: Record<Kind, ByteReader> = {
  number: scalar(isNumber, KINDS.number.convert),
  string: scalar(isString, KINDS.string.convert),
  richText: viaKept(KINDS.richText, ['type', 'text', 'content']),
  date: scalar(isString, KINDS.date.convert),
  datetime: scalar(isString, KINDS.datetime.convert),
  option: firstOf(['value']),
  options: arrayOf(firstOf(['value'])),
  cascade: viaKept(KINDS.cascade, ['value', 'child']),
  user: firstOf(USER),
  users: arrayOf(firstOf(USER)),
  strings: arrayOf(scalar(isString, (v) => v)),
  sprints: viaKept(KINDS.sprints, ['id']),
  version: firstOf(['name']),
  versions: arrayOf(firstOf(['name'])),
  group: firstOf(['name']),
  groups: arrayOf(firstOf(['name'])),
  project: firstOf(['key']),
};

const readers = new Map<Kind, ValueReader>();
/** The kind's reader for picks (see issue-parts.ts): null stays null, another shape is MISMATCH. */
export function readerOf(kind: Kind): ValueReader {
  let reader = readers.get(kind);
  if (reader === undefined) {
    const bytes = BYTE_READERS[kind];
    const convert = KINDS[kind].convert;
    reader = {
      fromBytes: (r) => {
        if (r.peek() !== NULL) return bytes(r);
        r.skipValue();
        return null;
      },
      fromValue: (v) => (v === null || v === undefined ? v : convert(v)),
    };
    readers.set(kind, reader);
  }
  return reader;
}

// The text writers: a string or number token is already its column's JSON, so it is copied from the
// bytes as it is (escapes and all); only datetimes are converted, and the rare kinds (rich text,
// cascades, sprints) are read to a value and stringified. No value object per field.
type TextWriter = (r: JsonBytesReader, w: ByteWriter) => boolean;

/** The token at r.pos copied if `ok(bytes, start, end)`. */
const token = (ok: (b: Buffer, start: number, end: number) => boolean): TextWriter => (r, w) => {
  r.peek();
  const start = r.pos;
  r.skipValue();
  if (!ok(r.bytes, start, r.pos)) return false;
  w.copy(r.bytes, r.words, start, r.pos);
  return true;
};
const stringToken = (b: Buffer, start: number) => b[start] === QUOTE;
/** A plain decimal short enough to be finite; anything else (exponents, huge) goes through the value. */
function plainNumber(b: Buffer, start: number, end: number): boolean {
  if (end - start > 300) return false;
  let i = b[start] === 0x2d ? start + 1 : start;
  if (i === end) return false;
  let dots = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 0x2e) dots++;
    else if (c < 0x30 || c > 0x39) return false;
  }
  return dots <= 1;
}
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
/** "YYYY-MM-DD" */
function dateToken(b: Buffer, start: number, end: number): boolean {
  if (end - start !== 12 || b[start] !== QUOTE || b[start + 5] !== 0x2d || b[start + 8] !== 0x2d) return false;
  for (let i = 1; i <= 10; i++) if (i !== 5 && i !== 8 && !isDigit(b[start + i])) return false;
  return true;
}

const viaValue = (read: ByteReader): TextWriter => (r, w) => {
  const v = read(r);
  if (v === MISMATCH) return false;
  w.json(v);
  return true;
};

const numberText: TextWriter = (r, w) => {
  const c = r.peek();
  if (!isNumber(c)) {
    r.skipValue();
    return false;
  }
  const start = r.pos;
  r.skipValue();
  if (plainNumber(r.bytes, start, r.pos)) {
    w.copy(r.bytes, r.words, start, r.pos);
    return true;
  }
  r.pos = start;
  return viaValue(BYTE_READERS.number)(r, w);
};

/** firstOf, written: the member's string token copied, found in one scan of the object (memberString). */
function firstOfText(names: readonly string[]): TextWriter {
  const keys = names.map((n) => Buffer.from(n, 'utf8'));
  return (r, w) => {
    if (r.peek() !== OPEN_OBJECT) {
      r.skipValue();
      return false;
    }
    if (!r.memberString(keys)) return false;
    w.copy(r.bytes, r.words, r.spanStart, r.spanEnd);
    return true;
  };
}

/** arrayOf, written; one bad element makes the whole a mismatch (the rest is still read past). */
const arrayText = (element: TextWriter): TextWriter => (r, w) => {
  if (r.peek() !== OPEN_ARRAY) {
    r.skipValue();
    return false;
  }
  w.byte(OPEN_ARRAY);
  let bad = false;
  let first = true;
  for (let more = r.firstElement(); more; more = r.nextElement()) {
    if (bad) {
      r.skipValue();
      continue;
    }
    if (!first) w.byte(0x2c);
    first = false;
    if (!element(r, w)) bad = true;
  }
  w.byte(0x5d);
  return !bad;
};

const datetimeText: TextWriter = (r, w) => {
  if (r.peek() !== QUOTE) {
    r.skipValue();
    return false;
  }
  const start = r.pos;
  r.skipValue();
  // Jira's fixed form (a 28-character token) from its bytes; any other spelling as a string.
  const ms = r.pos - start === 30 ? parseFixedFormBytes(r.bytes, start + 1) : NaN;
  if (!Number.isNaN(ms) && quotedIsoUtcInto(ms, w.reserve(26), w.pos)) {
    w.pos += 26;
    return true;
  }
  r.pos = start;
  const v = datetime(r.value());
  if (v === MISMATCH) return false;
  w.quotedAscii(v as string); // toUtcRfc3339's digits and separators
  return true;
};

// Rich text (ADF) as adfText makes it, but written from the bytes: each text node's string is copied
// as it is between its quotes (already JSON), lines joined by an escaped newline. It follows nodes
// whose first member is their `type` (as Jira writes them); any other layout goes through the value.
const ADF_KEYS = new KeyNames(['type', 'text', 'content']);
const ESCAPED_NEWLINE = Buffer.from('\\n', 'latin1');

/** The node types this tells apart, matched in the bytes (no string per node); INLINE ones first. */
const ADF_TYPES = new KeyNames([...INLINE, 'doc']);
const [TEXT, HARD_BREAK, DOC] = [ADF_TYPES.matchName('text'), ADF_TYPES.matchName('hardBreak'), ADF_TYPES.matchName('doc')];
const isInline = (type: number) => type >= 0 && type < INLINE.size;

/** Enters the node object at pos and reads its type, its first member (an index of ADF_TYPES, or OTHER_KEY: a block of another type); undefined for another layout. */
function adfType(r: JsonBytesReader): number | undefined {
  if (r.firstKeyOf(ADF_KEYS) !== 0) return undefined;
  return r.stringOf(ADF_TYPES);
}

/** After a node's type: writes its text and reads past its '}'; false for a layout this does not follow. */
function adfBody(r: JsonBytesReader, w: ByteWriter, type: number): boolean {
  let seen = 0;
  for (let i = r.nextKeyOf(ADF_KEYS); i !== END_OF_OBJECT; i = r.nextKeyOf(ADF_KEYS)) {
    if (i === 0 || (i > 0 && seen & (1 << i))) return false; // a key twice: JSON.parse would keep the last
    if (i > 0) seen |= 1 << i;
    if (type === TEXT && i === 1 && r.peek() === QUOTE) {
      const start = r.pos;
      r.skipValue();
      w.copy(r.bytes, r.words, start + 1, r.pos - 1);
    } else if (type !== TEXT && type !== HARD_BREAK && i === 2 && r.peek() === OPEN_ARRAY) {
      if (!adfContent(r, w)) return false;
    } else r.skipValue();
  }
  if (type === HARD_BREAK) w.put(ESCAPED_NEWLINE);
  return true;
}

/** The children: runs of inline nodes make a line, each other node its own; the non-empty ones joined by newlines. */
function adfContent(r: JsonBytesReader, w: ByteWriter): boolean {
  let count = 0;
  let line = -1; // where the open line's text starts, or -1
  let lineMark = 0; // where it started, before its separator
  for (let more = r.firstElement(); more; more = r.nextElement()) {
    const node = r.peek() === OPEN_OBJECT;
    const type = node ? adfType(r) : OTHER_KEY;
    if (type === undefined) return false;
    if (node && isInline(type)) {
      if (line < 0) {
        lineMark = w.pos;
        if (count > 0) w.put(ESCAPED_NEWLINE);
        line = w.pos;
      }
      if (!adfBody(r, w, type)) return false;
      continue;
    }
    // Anything else ends the open line (kept if it has text). Written out here, not as a closure: this runs for every rich-text value.
    if (line >= 0) {
      if (w.pos === line) w.pos = lineMark;
      else count++;
      line = -1;
    }
    if (!node) {
      r.skipValue(); // not a node: a block without text
      continue;
    }
    const mark = w.pos;
    if (count > 0) w.put(ESCAPED_NEWLINE);
    const start = w.pos;
    if (!adfBody(r, w, type)) return false;
    if (w.pos === start) w.pos = mark;
    else count++;
  }
  if (line >= 0 && w.pos === line) w.pos = lineMark;
  return true;
}

const RICH_VALUE = viaValue(BYTE_READERS.richText);
const richTextText: TextWriter = (r, w) => {
  const c = r.peek();
  const start = r.pos;
  if (c === QUOTE) {
    r.skipValue();
    w.copy(r.bytes, r.words, start, r.pos); // wiki markup (Data Center, Cloud's v2)
    return true;
  }
  if (c !== OPEN_OBJECT) {
    r.skipValue();
    return false;
  }
  const mark = w.pos;
  if (adfType(r) === DOC) {
    w.byte(QUOTE);
    if (adfBody(r, w, DOC)) {
      w.byte(QUOTE);
      return true;
    }
  }
  r.pos = start; // another layout, or not a document: as the value says
  w.pos = mark;
  return RICH_VALUE(r, w);
};

const stringText = token(stringToken);
const DATE_TOKEN = token(dateToken);
const DATE_VALUE = viaValue(BYTE_READERS.date);
const USER_TEXT = firstOfText(USER);
const NAME_TEXT = firstOfText(['name']);
const VALUE_TEXT = firstOfText(['value']);

const TEXT_WRITERS: Record<Kind, TextWriter> = {
  number: numberText,
  string: stringText,
  richText: richTextText,
  date: (r, w) => {
    r.peek();
    const start = r.pos;
    if (DATE_TOKEN(r, w)) return true;
    r.pos = start; // an escaped spelling, or another shape: as the value says
    return DATE_VALUE(r, w);
  },
  datetime: datetimeText,
  option: VALUE_TEXT,
  options: arrayText(VALUE_TEXT),
  cascade: viaValue(BYTE_READERS.cascade),
  user: USER_TEXT,
  users: arrayText(USER_TEXT),
  strings: arrayText(stringText),
  sprints: viaValue(BYTE_READERS.sprints),
  version: NAME_TEXT,
  versions: arrayText(NAME_TEXT),
  group: NAME_TEXT,
  groups: arrayText(NAME_TEXT),
  project: firstOfText(['key']),
};

/** The kind's reader for the typed column `column`: readerOf's, plus the column written as text from the bytes. */
export function columnReader(kind: Kind, column: string): ValueReader {
  const prefix = `,${JSON.stringify(column)}:`;
  return { ...readerOf(kind), text: { prefix: Buffer.from(prefix, 'utf8'), prefixNull: Buffer.from(`${prefix}null`, 'utf8'), write: TEXT_WRITERS[kind] } };
}
