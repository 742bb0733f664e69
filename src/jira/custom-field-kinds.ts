// What each Jira custom field type becomes as a typed column of `issues`: its JSON Schema, and the
// conversion of its value, from the parsed value (convert) or straight from the bytes (readerOf).
// A value of another shape converts to MISMATCH: the column is then null and the value stays in
// `fields`.
import { END_OF_OBJECT, KeyNames, OTHER_KEY, type JsonBytesReader } from '../json/json-bytes.js';
import { toUtcRfc3339 } from './jira-time.js';

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
      const parent = member('value')(v);
      if (parent === MISMATCH) return MISMATCH;
      const child = (v as Obj).child;
      if (child === undefined || child === null) return [parent];
      const c = member('value')(child);
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
