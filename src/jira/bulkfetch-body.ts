// Reads a bulkfetch answer ({"issues": [...], "issueErrors": [...]}) from its bytes: each issue's
// id, key and picked field values are parsed, and its `fields` object is kept as the bytes Jira
// sent (RawJson), to be written out again without being parsed and re-encoded.
import { isUtf8 } from 'node:buffer';
import { END_OF_OBJECT, JsonBytesReader, KeyNames, OTHER_KEY } from '../json/json-bytes.js';
import { RawJson } from '../json/raw-json.js';
import type { ValueReader } from './custom-field-kinds.js';
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
  const raws: Array<{ parts: IssueParts; raw: Buffer }> = [];
  let issueErrors: unknown;
  if (r.peek() !== 0x7b) return parsedWhole(r.value(), picks, omit);
  for (let key = r.firstKey(); key !== undefined; key = r.nextKey()) {
    if (key === 'issues' && r.peek() === 0x5b) {
      issues = [];
      for (let more = r.firstElement(); more; more = r.nextElement()) {
        const issue = readIssue(r, picks, raws, omit);
        if (issue !== undefined) issues.push(issue);
      }
    } else if (key === 'issueErrors') {
      issueErrors = r.value();
    } else {
      r.skipValue();
    }
  }
  r.end();
  // A line break between tokens would split the NDJSON line: such fields go out re-encoded.
  for (const { parts, raw } of raws) parts.fields = r.sawLineBreak ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : new RawJson(raw);
  return { issues, issueErrors };
}

/** undefined for an element that is not an issue object (it matches no id asked for). */
function readIssue(r: JsonBytesReader, picks: FieldPicks, raws: Array<{ parts: IssueParts; raw: Buffer }>, omit: readonly string[]): IssueParts | undefined {
  if (r.peek() !== 0x7b) {
    r.skipValue();
    return undefined;
  }
  const parts: IssueParts = { id: '', key: '', picked: {}, read: [], fields: {} };
  let raw: Buffer | undefined;
  for (let key = r.firstKey(); key !== undefined; key = r.nextKey()) {
    if (key === 'id') parts.id = String(r.value());
    else if (key === 'key') parts.key = String(r.value());
    else if (key === 'fields' && r.peek() === 0x7b) raw = readFields(r, picks, parts, omit);
    else r.skipValue();
  }
  if (raw !== undefined) raws.push({ parts, raw });
  return parts;
}

/** The picks as byte-matchable key lists, built once per picks object. */
interface PickKeys {
  fields: KeyNames;
  /** per field (same index): the member to read, as a one-name list, or null for the whole value */
  members: Array<KeyNames | null>;
  /** per field: its reader, for a typed custom field */
  readers: Array<ValueReader | undefined>;
  /** per field with a reader: where its value goes in IssueParts.read */
  slots: number[];
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
    };
    pickKeysCache.set(picks, keys);
  }
  return keys;
}

/** Reads the picked values out of the `fields` object at pos; returns the object's bytes (without the omitted members). */
function readFields(r: JsonBytesReader, picks: FieldPicks, parts: IssueParts, omit: readonly string[]): Buffer {
  const picked = parts.picked;
  const start = r.pos;
  const { fields, members, readers, slots } = pickKeysOf(picks);
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
      parts.read[slots[i]!] = reader.fromBytes(r);
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
  const all = r.bytes.subarray(start, r.pos);
  return cuts.length === 0 ? all : cutMembers(all, start, cuts);
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

function parsedWhole(value: unknown, picks: FieldPicks, omit: readonly string[]): BulkfetchBody {
  const v = (value ?? {}) as { issues?: unknown; issueErrors?: unknown };
  const issues = Array.isArray(v.issues) ? v.issues.map((i) => partsOfParsedIssue((i ?? {}) as { id: unknown; key: unknown }, picks, omit)) : undefined;
  return { issues, issueErrors: v.issueErrors };
}
