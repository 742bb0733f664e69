// An issue as the streams need it, whichever way it was read: id, key, the few field values the
// flat columns use, and `fields` whole, either parsed (Data Center search pages) or as the bytes
// Jira sent (Cloud bulkfetch, see bulkfetch-body.ts).
import type { RawJson, RawMembers } from '../json/raw-json.js';
import type { ValueReader } from './custom-field-kinds.js';

/**
 * Which values to pick out of `fields`: field name -> null for the whole value, the name of one
 * member of an object value (e.g. status -> "name"), or a reader that makes the value what a column
 * wants, from the bytes or the parsed value (typed custom fields, see custom-field-kinds.ts).
 */
export type FieldPicks = Readonly<Record<string, string | null | ValueReader>>;

export interface IssueParts {
  id: string;
  key: string;
  /** Picked values by field name; a field that is absent (or not an object when a member was asked) is undefined. */
  picked: Record<string, unknown>;
  /**
   * What the picks' readers made of their fields, at the reader's place among them (readerNames);
   * undefined for an absent field. An array: an object with a key per custom field was the read's slowest part.
   */
  read: unknown[];
  fields: Record<string, unknown> | RawJson;
  /** the issue's `changelog` (PageOfChangelogs) when the search was asked to expand it (Data Center) */
  changelog?: unknown;
  /**
   * The typed columns whose readers wrote them as text while the bytes were read (Cloud bulkfetch,
   * columnReader): `,"<column>":<value>,...` for every field of `inMembers` (null when absent); their
   * `read` slots stay empty. Per issue only the members and the mismatches: many issues wait in
   * flight, and a slot per column each was the young generation's largest survivor.
   */
  members?: RawMembers;
  /** the fields written into `members` (one set for all the issues of a read) */
  inMembers?: ReadonlySet<string>;
  /** fields of `inMembers` whose value had another shape (written null), when there are any */
  mismatched?: string[];
}

const readerLists = new WeakMap<FieldPicks, string[]>();
/** The fields the picks read with a reader, in order: where IssueParts.read holds each one's value. */
export function readerNames(picks: FieldPicks): string[] {
  let names = readerLists.get(picks);
  if (names === undefined) {
    names = Object.keys(picks).filter((n) => typeof picks[n] === 'object' && picks[n] !== null);
    readerLists.set(picks, names);
  }
  return names;
}

/** The same picks from an issue that was parsed whole; `omit`: fields left out of `fields` once picked. */
export function partsOfParsedIssue(issue: { id: unknown; key: unknown; fields?: unknown; changelog?: unknown }, picks: FieldPicks, omit: readonly string[] = []): IssueParts {
  let fields = issue.fields !== null && typeof issue.fields === 'object' ? (issue.fields as Record<string, unknown>) : {};
  const picked: Record<string, unknown> = {};
  const read: unknown[] = [];
  for (const [name, member] of Object.entries(picks)) {
    const value = fields[name];
    if (member === null) picked[name] = value;
    else if (typeof member === 'object') read.push(member.fromValue(value)); // in readerNames order
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) picked[name] = (value as Record<string, unknown>)[member];
  }
  if (omit.some((f) => f in fields)) {
    fields = { ...fields };
    for (const f of omit) delete fields[f];
  }
  const parts: IssueParts = { id: String(issue.id), key: String(issue.key), picked, read, fields };
  if (issue.changelog !== undefined) parts.changelog = issue.changelog;
  return parts;
}
