// A rider is a stream derived from the issue bodies the issues walk fetches (issue_links from
// `issuelinks`, sprint_issues from the Sprint field; next, changelogs and comments). It declares the
// issue fields it needs and maps one issue to its records; the walk (issues.ts) fetches the union of
// the selected members' fields once and hands every body to each of them. A STATE of the walk is a
// STATE of every member, under each one's name, right after the records of that batch.
import type { FieldPicks, IssueParts } from '../../jira/issue-parts.js';
import type { JsonObject, StreamContext, StreamEvent } from '../stream.js';

/** The issues stream itself is a member too; it asks for `*navigable`. */
export const NAVIGABLE = '*navigable';

export interface WalkMember {
  /** the stream's name */
  readonly name: string;
  /** Run-time setup, once per run (e.g. finding the Sprint field in /field), never per issue. */
  prepare(ctx: StreamContext): Promise<PreparedMember>;
}

export interface PreparedMember {
  /** issue fields to fetch: `*navigable`, or field ids */
  fields: readonly string[];
  /** values read out of `fields` (see issue-parts.ts) */
  picks: FieldPicks;
  /** one issue -> this stream's records */
  records(issue: IssueParts): JsonObject[];
}

export interface PreparedWalk {
  /** the member names, for log lines */
  label: string;
  /** `fields` for bulkfetch and the Data Center search */
  fields: string[];
  picks: FieldPicks;
  /** the records of every member for one issue */
  records(issue: IssueParts): Generator<StreamEvent>;
  /** one state event per member */
  states(state: JsonObject): StreamEvent[];
}

/** Prepares the members and merges what they need from each body. */
export async function prepareWalk(ctx: StreamContext, members: readonly WalkMember[]): Promise<PreparedWalk> {
  const prepared = await Promise.all(members.map((m) => m.prepare(ctx)));
  const picks: Record<string, string | null> = {};
  for (const [n, p] of prepared.entries()) {
    for (const [field, member] of Object.entries(p.picks)) {
      // Two members reading different parts of one field would need both picked: not needed so far.
      if (field in picks && picks[field] !== member) throw new Error(`${members[n]!.name} picks ${field}.${String(member)}, another member ${field}.${String(picks[field])}`);
      picks[field] = member;
    }
  }
  const wanted = new Set(prepared.flatMap((p) => p.fields));
  // The walk itself needs `updated` (the Data Center search reads the rows' position from it); a
  // field beside `*navigable` is harmless (e.g. the Sprint field, which it holds anyway).
  const fields = wanted.has(NAVIGABLE) ? [...wanted] : ['updated', ...[...wanted].filter((f) => f !== 'updated')];
  const names = members.map((m) => m.name);
  return {
    label: names.join(', '),
    fields,
    picks,
    *records(issue) {
      for (const [n, p] of prepared.entries()) for (const data of p.records(issue)) yield { type: 'record', stream: names[n]!, data };
    },
    states: (state) => names.map((stream) => ({ type: 'state', stream, state })),
  };
}
