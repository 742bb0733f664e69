// Reads a bulkfetch answer ({"issues": [...], "issueErrors": [...]}) from its bytes: each issue's
// id, key and picked field values are parsed, and its `fields` object is kept as the bytes Jira
// sent (RawJson), to be written out again without being parsed and re-encoded.
import { isUtf8 } from 'node:buffer';
import { END_OF_OBJECT, JsonBytesReader, KeyNames, OTHER_KEY } from '../json/json-bytes.js';
import { RawJson, RawMembers } from '../json/raw-json.js';
import { ByteWriter } from '../json/byte-writer.js';
import type { ColumnText, ValueReader } from './custom-field-kinds.js';
import { partsOfParsedIssue, readerNames, type FieldPicks, type IssueParts } from './issue-parts.js';

export interface BulkfetchBody {
  /** undefined when the answer had no issues array */
  issues: IssueParts[] | undefined;
  issueErrors: unknown;
}

/**
 * Throws SyntaxError on malformed JSON (e.g. a truncated body), like JSON.parse. `omit`: picked
 * fields left out of each issue's `fields` (a field one stream reads whole, e.g. `comment`, that
 * the issues record must not carry).
 */
export function readBulkfetchBody(body: Buffer, picks: FieldPicks, omit: readonly string[] = []): BulkfetchBody {
  // Bytes that are not valid UTF-8 must not reach the output as they are: decoding replaces them.
  if (!isUtf8(body)) return parsedWhole(JSON.parse(body.toString('utf8')), picks, omit);
  const r = new JsonBytesReader(body);
  let issues: IssueParts[] | undefined;
  const raws: Raws = [];
  const keys = pickKeysOf(picks);
  // The typed columns' text of every issue of the answer, in one buffer (each issue's a span of it),
  // sized by the last answer's share of text per body byte: V8 counts every buffer allocated against
  // its external-memory limit, each crossing costs a full mark-compact, and a fixed quarter of the
  // body was half again what the text took.
  const w = keys.texts.length > 0 ? new ByteWriter(Math.ceil(body.length * keys.textShare) + 1024) : undefined;
  let issueErrors: unknown;
  if (r.peek() !== 0x7b) return parsedWhole(r.value(), picks, omit);
  for (let key = r.firstKey(); key !== undefined; key = r.nextKey()) {
    if (key === 'issues' && r.peek() === 0x5b) {
      issues = [];
      for (let more = r.firstElement(); more; more = r.nextElement()) {
        const issue = readIssue(r, keys, raws, w, omit);
        if (issue !== undefined) issues.push(issue);
      }
    } else if (key === 'issueErrors') {
      issueErrors = r.value();
    } else {
      r.skipValue();
    }
  }
  r.end();
  if (w !== undefined && body.length > 0) keys.textShare = Math.max(keys.textShare * 0.5, (w.pos / body.length) * 1.05);
  // A line break between tokens would split the NDJSON line: such fields go out re-encoded.
  // The members text has none: it is copied tokens and separators only.
  for (const { parts, raw, from, to } of raws) {
    const [source, start, end] = raw;
    parts.fields = r.sawLineBreak ? (JSON.parse(source.toString('utf8', start, end)) as Record<string, unknown>) : new RawJson(source, start, end);
    if (w !== undefined) {
      parts.members = new RawMembers(w.buf, from, to); // w.buf is final now: no more writes
      parts.inMembers = keys.inMembers;
    }
  }
  return { issues, issueErrors };
}

/** Per issue: its `fields` bytes, and where its typed columns' text lies in the writer. */
type Raws = Array<{ parts: IssueParts; raw: Span; from: number; to: number }>;

/** source[start, end) */
type Span = [source: Buffer, start: number, end: number];

/** undefined for an element that is not an issue object (it matches no id asked for). */
function readIssue(r: JsonBytesReader, keys: PickKeys, raws: Raws, w: ByteWriter | undefined, omit: readonly string[]): IssueParts | undefined {
  if (r.peek() !== 0x7b) {
    r.skipValue();
    return undefined;
  }
  // Every member from the start, and `picked` a copy of a template with every pick: many issues wait
  // in flight, and members added later each cost a map change and a property store of their own.
  const parts: IssueParts = { id: '', key: '', picked: { ...keys.pickedTemplate }, read: keys.valueReads ? [] : NO_READS, fields: NO_FIELDS, members: undefined, inMembers: undefined, mismatched: undefined };
  let raw: Span | undefined;
  let from = 0;
  let to = 0;
  for (let key = r.firstKey(); key !== undefined; key = r.nextKey()) {
    if (key === 'id') parts.id = String(r.value());
    else if (key === 'key') parts.key = String(r.value());
    else if (key === 'fields' && r.peek() === 0x7b) {
      from = w?.pos ?? 0;
      raw = readFields(r, keys, parts, w, omit);
      to = w?.pos ?? 0;
    } else r.skipValue();
  }
  if (raw !== undefined) raws.push({ parts, raw, from, to });
  return parts;
}

/** An issue without a `fields` object, or picks without value readers: never written to (frozen). */
const NO_FIELDS: Record<string, unknown> = Object.freeze({});
const NO_READS = Object.freeze([]) as unknown as unknown[];

/** The picks as byte-matchable key lists, built once per picks object. */
interface PickKeys {
  fields: KeyNames;
  /** per field (same index): the member to read, as a one-name list, or null for the whole value */
  members: Array<KeyNames | null>;
  /** per field: its reader, for a typed custom field */
  readers: Array<ValueReader | undefined>;
  /** per field with a reader: where its value goes in IssueParts.read */
  slots: number[];
  /** the fields whose typed column is written as text (ColumnText), by index, and by name */
  texts: number[];
  inMembers: ReadonlySet<string>;
  /** per field: whether the issue being read had it (scratch) */
  seen: Uint8Array;
  /** every pick's name, undefined: the shape of an issue's `picked` */
  pickedTemplate: Record<string, unknown>;
  /** whether a reader puts a value in IssueParts.read (one without text) */
  valueReads: boolean;
  /** the typed columns' text per body byte in the last answer read, a little over (the text buffer's size) */
  textShare: number;
}
const pickKeysCache = new WeakMap<FieldPicks, PickKeys>();

function pickKeysOf(picks: FieldPicks): PickKeys {
  let keys = pickKeysCache.get(picks);
  if (keys === undefined) {
    const names = Object.keys(picks);
    const pick = (n: string) => picks[n];
    keys = {
      fields: new KeyNames(names),
      members: names.map((n) => (typeof pick(n) === 'string' ? new KeyNames([pick(n) as string]) : null)),
      readers: names.map((n) => (typeof pick(n) === 'object' && pick(n) !== null ? (pick(n) as ValueReader) : undefined)),
      slots: names.map((n) => readerNames(picks).indexOf(n)),
      texts: [],
      inMembers: new Set(),
      seen: new Uint8Array(names.length),
      textShare: 0.25,
      pickedTemplate: Object.fromEntries(names.filter((n) => typeof pick(n) !== 'object' || pick(n) === null).map((n) => [n, undefined])),
      valueReads: false,
    };
    keys.texts = names.flatMap((n, i) => ((pick(n) as ValueReader | null)?.text === undefined || typeof pick(n) !== 'object' ? [] : [i]));
    keys.inMembers = new Set(keys.texts.map((i) => names[i]!));
    keys.valueReads = keys.readers.some((r) => r !== undefined && r.text === undefined);
    pickKeysCache.set(picks, keys);
  }
  return keys;
}

/**
 * Reads the picked values out of the `fields` object at pos; returns the object's bytes (without the
 * omitted members). With `w`, the typed columns that have text are written there (a field absent:
 * its column null).
 */
function readFields(r: JsonBytesReader, keys: PickKeys, parts: IssueParts, w: ByteWriter | undefined, omit: readonly string[]): Span {
  const picked = parts.picked;
  const read = parts.read;
  const start = r.pos;
  const { fields, members, readers, slots, seen } = keys;
  if (w !== undefined) seen.fill(0);
  /** byte ranges of omitted members: from the end of the value before (or just inside the brace) to the end of theirs */
  const cuts: Array<[number, number]> = [];
  let before = start + 1;
  for (let i = r.firstKeyOf(fields); i !== END_OF_OBJECT; before = r.pos, i = r.nextKeyOf(fields)) {
    if (i === OTHER_KEY) {
      r.skipValue();
      continue;
    }
    const name = fields.names[i]!;
    if (omit.length > 0 && omit.includes(name)) {
      picked[name] = r.value();
      cuts.push([before, r.pos]);
      continue;
    }
    const member = members[i]!;
    const reader = readers[i];
    if (reader !== undefined) {
      const text = reader.text;
      if (text === undefined || w === undefined) read[slots[i]!] = reader.fromBytes(r);
      else if (seen[i] === 0) {
        seen[i] = 1;
        if (!writeColumn(r, w, text)) (parts.mismatched ??= []).push(name);
      } else r.skipValue(); // a key given twice: its column once (the first)
    } else if (member === null) {
      picked[name] = r.value();
    } else if (r.peek() === 0x7b) {
      picked[name] = undefined;
      for (let j = r.firstKeyOf(member); j !== END_OF_OBJECT; j = r.nextKeyOf(member)) {
        if (j === OTHER_KEY) r.skipValue();
        else picked[name] = r.value();
      }
    } else {
      picked[name] = undefined;
      r.skipValue();
    }
  }
  if (w !== undefined) {
    // absent: null, as a value read would leave it
    for (const i of keys.texts) if (seen[i] === 0) w.put(readers[i]!.text!.prefixNull);
  }
  if (cuts.length === 0) return [r.bytes, start, r.pos];
  const kept = cutMembers(r.bytes.subarray(start, r.pos), start, cuts);
  return [kept, 0, kept.length];
}

/** The object's bytes without the members at `cuts`; a cut first member takes the comma after it along. */
function cutMembers(all: Buffer, start: number, cuts: Array<[number, number]>): Buffer {
  const kept: Buffer[] = [];
  let from = 0;
  for (const [a, b] of cuts) {
    let end = b - start;
    // first: no member is kept before it (it follows the brace, or a first member cut before it)
    if (a === start + 1 || a - start < from) {
      while (end < all.length && (all[end] === 0x20 || all[end] === 0x0a || all[end] === 0x0d || all[end] === 0x09)) end++;
      if (all[end] === 0x2c) end++;
    }
    kept.push(all.subarray(from, Math.max(from, a - start)));
    from = end;
  }
  kept.push(all.subarray(from));
  return Buffer.concat(kept);
}

/** `,"<column>":<value>` into w; false for a value of another shape (the column null there). */
function writeColumn(r: JsonBytesReader, w: ByteWriter, text: ColumnText): boolean {
  if (r.peek() === 0x6e) {
    r.skipValue();
    w.put(text.prefixNull);
    return true;
  }
  const at = w.pos;
  w.put(text.prefix);
  if (text.write(r, w)) return true;
  w.pos = at;
  w.put(text.prefixNull);
  return false;
}

function parsedWhole(value: unknown, picks: FieldPicks, omit: readonly string[]): BulkfetchBody {
  const v = (value ?? {}) as { issues?: unknown; issueErrors?: unknown };
  const issues = Array.isArray(v.issues) ? v.issues.map((i) => partsOfParsedIssue((i ?? {}) as { id: unknown; key: unknown }, picks, omit)) : undefined;
  return { issues, issueErrors: v.issueErrors };
}
