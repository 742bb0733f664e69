// A rider is a stream derived from the issue bodies the issues walk fetches (issue_links from
// `issuelinks`, sprint_issues from the Sprint field, issue_comments from `comment`), or from requests
// per group of walked issues (issue_changelogs: changelog/bulkfetch; the comment pages of issues with
// more comments than a body carries). It declares the issue fields it needs, may load per group, and
// maps one issue to its records; the walk (issues.ts) fetches the union of the selected members'
// fields once and hands every body to each of them. A STATE of the walk is a STATE of every member,
// under each one's name, right after the records of that batch (or group).
import { readerNames, type FieldPicks, type IssueParts } from '../../jira/issue-parts.js';
import type { ValueReader } from '../../jira/custom-field-kinds.js';
import type { JsonObject, StreamContext, StreamEvent } from '../stream.js';
import type { Position } from '../../jira/seek-walk.js';
import { mapOrdered } from '../map-ordered.js';

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
  /** said once at the end of the walk (e.g. values that did not match their column's type) */
  warnings?(): string[];
  /** fields fetched for this member alone (not `*navigable`, e.g. `comment`): cut out of the `fields` the other members see */
  own?: readonly string[];
  /** Data Center search `expand` (e.g. `changelog`) */
  expand?: readonly string[];
  /**
   * Requests for a group of issues (at most loadSize), awaited after their bodies and before their
   * records: records() of each of them may then use what it loaded (e.g. changelog/bulkfetch).
   */
  load?(issues: IssueParts[]): Promise<void>;
  /** the issues one load wants at once (the walk's batches are grouped up to it, a batch larger than it alone; a STATE only after a whole group) */
  loadSize?: number;
}

export interface PreparedWalk {
  /** the member names, for log lines */
  label: string;
  /** `fields` for bulkfetch and the Data Center search */
  fields: string[];
  picks: FieldPicks;
  /** the records of every member for one issue, appended to `out` (the walk hands out a batch's events at once) */
  records(issue: IssueParts, out: StreamEvent[]): void;
  /** one state event per member */
  states(state: JsonObject): StreamEvent[];
  /** every member's warnings, at the end of the walk */
  warnings(): string[];
  /** fields no member but their own reads whole: left out of the bodies' `fields` (see bulkfetch-body.ts) */
  omit: string[];
  /** Data Center search `expand` */
  expand: string[];
  /** The batches grouped for the members' loads, each awaited before it is passed on (the batches as they are when no member loads). */
  loaded<B extends LoadBatch>(batches: AsyncIterable<B>): AsyncIterable<LoadBatch>;
}

/** A batch of the walk: issue bodies and the walk position after them (undefined: no checkpoint there). */
export interface LoadBatch {
  issues: IssueParts[];
  position: Position | undefined;
}

/** Prepares the members and merges what they need from each body. */
export async function prepareWalk(ctx: StreamContext, members: readonly WalkMember[]): Promise<PreparedWalk> {
  const prepared = await Promise.all(members.map((m) => m.prepare(ctx)));
  const picks: Record<string, FieldPicks[string]> = {};
  for (const [n, p] of prepared.entries()) {
    for (const [field, pick] of Object.entries(p.picks)) {
      const had = picks[field];
      if (!(field in picks) || had === pick) picks[field] = pick;
      // One member wants the whole value (a rider), another reads it for a column (typed custom
      // fields): the whole value is picked and that member's reader is applied to it (see readsOf).
      else if (isReader(had) && pick === null) picks[field] = null;
      else if (!(isReader(pick) && had === null)) throw new Error(`${members[n]!.name} picks ${field}.${String(pick)}, another member ${field}.${String(had)}`);
    }
  }
  // The walk remembers each issue's `updated` as emitted (a quiet re-run skips it: state/emitted-memory.ts).
  if (!('updated' in picks)) picks.updated = null;
  const wanted = new Set(prepared.flatMap((p) => p.fields));
  // The walk itself needs `updated` (the Data Center search reads the rows' position from it); a
  // field beside `*navigable` is harmless (e.g. the Sprint field, which it holds anyway).
  const fields = wanted.has(NAVIGABLE) ? [...wanted] : ['updated', ...[...wanted].filter((f) => f !== 'updated')];
  const names = members.map((m) => m.name);
  const views = prepared.map((p) => readsOf(p.picks, picks));
  // A member's own field stays in the bodies only when another member asks for it too.
  const omit = [...new Set(prepared.flatMap((p, n) => (p.own ?? []).filter((f) => !prepared.some((q, m) => m !== n && q.fields.includes(f)))))];
  const loaders = prepared.filter((p) => p.load !== undefined);
  const loadSize = Math.max(0, ...loaders.map((p) => p.loadSize ?? 0));
  return {
    label: names.join(', '),
    fields,
    picks,
    records(issue, out) {
      for (let n = 0; n < prepared.length; n++) {
        const view = views[n];
        const stream = names[n]!;
        for (const data of prepared[n]!.records(view === undefined ? issue : { ...issue, read: view(issue) })) out.push({ type: 'record', stream, data });
      }
    },
    states: (state) => names.map((stream) => ({ type: 'state', stream, state })),
    warnings: () => prepared.flatMap((p) => p.warnings?.() ?? []),
    omit,
    expand: [...new Set(prepared.flatMap((p) => p.expand ?? []))],
    loaded: (batches) => (loaders.length === 0 ? batches : loadedGroups(batches, loadSize, (issues) => Promise.all(loaders.map((p) => p.load!(issues))))),
  };
}

/**
 * Batches grouped up to `size` issues, each group loaded (two at most in flight while the next is
 * gathered) and passed on whole, with the last position any of its batches had: a STATE then covers the group.
 */
async function* loadedGroups(batches: AsyncIterable<LoadBatch>, size: number, load: (issues: IssueParts[]) => Promise<unknown>): AsyncGenerator<LoadBatch> {
  async function* groups(): AsyncGenerator<LoadBatch> {
    let group: LoadBatch = { issues: [], position: undefined };
    for await (const b of batches) {
      if (group.issues.length > 0 && group.issues.length + b.issues.length > size) {
        yield group;
        group = { issues: [], position: undefined };
      }
      group = { issues: group.issues.length === 0 ? b.issues : [...group.issues, ...b.issues], position: b.position ?? group.position };
    }
    if (group.issues.length > 0 || group.position !== undefined) yield group;
  }
  yield* mapOrdered(groups(), async (g) => {
    if (g.issues.length > 0) await load(g.issues);
    return g;
  }, 2);
}

const isReader = (pick: FieldPicks[string] | undefined): pick is ValueReader => typeof pick === 'object' && pick !== null;

/**
 * A member's `read` values (IssueParts.read, in the order of its own readers) out of the walk's
 * picks; undefined when they are the same or the member has no reader (no cost per issue then).
 */
function readsOf(own: FieldPicks, walk: FieldPicks): ((issue: IssueParts) => unknown[]) | undefined {
  const mine = readerNames(own);
  const theirs = readerNames(walk);
  if (mine.length === 0 || (mine.length === theirs.length && mine.every((f, i) => theirs[i] === f))) return undefined;
  const from = mine.map((f) => {
    const at = theirs.indexOf(f);
    const reader = own[f] as ValueReader;
    return at >= 0 ? (issue: IssueParts) => issue.read[at] : (issue: IssueParts) => (issue.picked[f] === undefined ? undefined : reader.fromValue(issue.picked[f]));
  });
  return (issue) => from.map((get) => get(issue));
}
