// The issues stream: a window [lower, upper) walked with the seek walk, bodies fetched in parallel
// (Cloud bulkfetch) and emitted in walk order, a STATE after every batch (a low-water mark: every
// row before its position was emitted), then tail sweeps over [upper, now) so a run's output is
// complete as of its start even for issues edited while it ran. See README "How incremental sync
// stays correct" for the argument.
import { readFileSync } from 'node:fs';
import type { JsonObject, SharedRead, Stream, StreamContext, StreamEvent } from './stream.js';
import { deploymentOf } from '../jira/deployment.js';
import { cloudCount, cloudIdSearch, cloudIdsPage, dataCenterSearch, IDS_PAGE_MAX, type JiraIssue } from '../jira/issue-search.js';
import { bulkFetch, BULKFETCH_MAX_IDS } from '../jira/bulk-fetch.js';
import { partsOfParsedIssue, type IssueParts } from '../jira/issue-parts.js';
import { countJql, instantJql, rangeJql, type JqlScope } from '../jira/jql.js';
import { planLeaves, uniformEdges } from '../jira/partition-plan.js';
import { seekWalk, type Position, type WalkChunk } from '../jira/seek-walk.js';
import { checkStateClock, completedState, inProgressState, parseIssuesState, planRun, readAgain, SETTLE_MS, type IssuesState, type Part } from '../state/issues-state.js';
import { EmittedMemory } from '../state/emitted-memory.js';
import { jiraTimeOrNaN } from '../jira/jira-time.js';
import { browseRoot, issueRecord, ISSUE_PICKS } from './issue-record.js';
import { TypedColumns, typedColumns } from './typed-fields.js';
import { mapOrdered } from './map-ordered.js';
import { mergePool } from './merge-async.js';
import { oneByOne } from './one-by-one.js';
import { prepareWalk, type PreparedWalk, type WalkMember } from './riders/rider.js';
import { riderNamed } from './riders/riders.js';
import { ConnectorError } from '../errors.js';
import { backoffMs } from '../http/retry-policy.js';
import { walkDeletions } from '../census/walk-deletions.js';
import { DELETED_ISSUES } from '../census/census-run.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/issues.json', import.meta.url), 'utf8')) as JsonObject;

/** Sweeps after the window: each covers the edits made while the previous one ran; bounded so a run ends under churn. */
export const MAX_SWEEPS = 3;

interface WalkResult {
  records: number;
  /** listed by the search, then answered 404 one by one: deleted or hidden since they were listed */
  gone: number;
}

/** The issues emitted lately (state/emitted-memory.ts): met again unchanged, skipped. */
type Memory = Pick<EmittedMemory, 'has' | 'skip' | 'emitted'>;

/** The walk's events: one, or a batch's at once (handed out one at a time: one-by-one.ts). */
type WalkEvents = StreamEvent | StreamEvent[];

interface Batch {
  issues: IssueParts[];
  /** the position after these issues; undefined: no checkpoint here */
  position: Position | undefined;
}

/** One range [start, upper) by the seek walk: its batches of issues with bodies, in walk order. */
async function* rangeBatches(ctx: StreamContext, start: Position, upper: number, result: WalkResult, walk: PreparedWalk, lookahead: number, memory: Memory): AsyncGenerator<Batch> {
  const { config, http } = ctx;
  const scope: JqlScope = { userJql: config.jql, projects: config.projects };
  const cloud = deploymentOf(config) === 'cloud';
  const search = cloud ? cloudIdSearch(http, config.page_size) : dataCenterSearch(http, config.page_size, walk.fields.join(','), undefined, walk.expand.join(','));
  const chunks = seekWalk(search, {
    start,
    upper,
    rangeJql: (lo, hi) => rangeJql(scope, lo, hi),
    instantJql: (at) => instantJql(scope, at),
    chunkSize: cloud ? BULKFETCH_MAX_IDS : config.page_size,
    warn: (message) => ctx.logger.warn(`${walk.label}: ${message}`),
    pause: (attempt) => ctx.sleep(backoffMs(attempt, Math.random)),
    prove: ctx.proveCredentials,
  });
  const withBodies = async (chunk: WalkChunk<JiraIssue>): Promise<Batch> => {
    // Rows emitted before at this same `updated` are skipped before their bodies are fetched.
    const rows = chunk.rows.filter((r) => !memory.skip(r.id, r.updated));
    if (!cloud) return { issues: rows.map((r) => partsOfParsedIssue(r.issue, walk.picks, walk.omit)), position: chunk.position };
    return { issues: rows.length === 0 ? [] : await bodies(ctx, rows.map((r) => r.id), result, walk), position: chunk.position };
  };
  // The walk runs up to two search pages of ids (small) ahead of the bodies, so the next page is on
  // its way while bulkfetch works through this one. Pulled only as bodies were wanted, the
  // sequential walk was the critical path: 65 ms idle between pages at 100 ms latency.
  const walkAhead = 2 * Math.ceil(config.page_size / BULKFETCH_MAX_IDS);
  const ids = cloud ? mapOrdered(chunks, async (chunk) => chunk, walkAhead) : chunks;
  yield* mapOrdered(ids, withBodies, lookahead);
}

async function bodies(ctx: StreamContext, ids: string[], result: WalkResult, walk: PreparedWalk): Promise<IssueParts[]> {
  const fetched = await bulkFetch(ctx.http, ids, walk.picks, ctx.proveCredentials, walk.fields, walk.omit);
  result.gone += fetched.gone.length;
  return fetched.issues;
}

/**
 * A leaf of a window, [position, upper): `snapshot` ones are listed by one ids-only query (Cloud),
 * the others (and a snapshot leaf whose one page cannot hold it) by the seek walk.
 */
interface Leaf extends Part {
  snapshot: boolean;
  /** the leaf's ids, when the query that cut the window listed them already */
  ids?: string[];
}

type IdsPage = { ids: string[]; complete: boolean };

/** The ids-only page that lists a snapshot leaf (undefined: the leaf needs none). */
function listLeaf(ctx: StreamContext, leaf: Leaf): Promise<IdsPage> | undefined {
  if (!leaf.snapshot) return undefined;
  if (leaf.ids !== undefined) return Promise.resolve({ ids: leaf.ids, complete: true });
  const scope: JqlScope = { userJql: ctx.config.jql, projects: ctx.config.projects };
  return cloudIdsPage(ctx.http)(rangeJql(scope, leaf.position.updated, leaf.upper));
}

/**
 * One leaf's batches. A snapshot is the whole leaf as the index stood at one instant, so it needs no
 * position, no order and no `updated` (which Jira may cap to 100 rows a page): the leaf is done when
 * all its bodies are emitted, and a resume lists it again. Edits while it is read move issues past
 * the window's upper bound, where the tail sweeps read them, as with the seek walk.
 */
async function* leafBatches(ctx: StreamContext, leaf: Leaf, result: WalkResult, walk: PreparedWalk, lookahead: number, memory: Memory, listed = listLeaf(ctx, leaf)): AsyncGenerator<Batch> {
  const lower = leaf.position.updated;
  if (listed !== undefined) {
    const page = await listed;
    if (page.complete) {
      const ids = page.ids;
      async function* batches() {
        for (let i = 0; i < ids.length; i += BULKFETCH_MAX_IDS) yield ids.slice(i, i + BULKFETCH_MAX_IDS);
      }
      // Ids-only rows carry no `updated`: an issue emitted before is skipped by its body's.
      const fresh = (issues: IssueParts[]) => issues.filter((i) => !(memory.has(i.id) && memory.skip(i.id, updatedOf(i))));
      yield* mapOrdered(batches(), async (batch): Promise<Batch> => ({ issues: fresh(await bodies(ctx, batch, result, walk)), position: undefined }), lookahead);
      return;
    }
    // More than one page holds: four leaves, one after another. A full page at one instant, or a page
    // that says more follow without being full, goes to the seek walk (it pages ties, and checks Jira).
    if (page.ids.length >= IDS_PAGE_MAX && leaf.upper - lower > 1) {
      const edges = uniformEdges(lower, leaf.upper, 4);
      for (let i = 0; i + 1 < edges.length; i++) {
        const position = i === 0 ? leaf.position : { updated: edges[i]!, ids: [] };
        yield* leafBatches(ctx, { position, upper: edges[i + 1]!, snapshot: true }, result, walk, lookahead, memory);
      }
      return;
    }
  }
  yield* rangeBatches(ctx, leaf.position, leaf.upper, result, walk, lookahead, memory);
}

/** Leaves read at once: each lists its ids in one request, then keeps slots busy with bulkfetch. */
export const LEAVES_AT_ONCE = 2;

/**
 * The leaves of a window, read LEAVES_AT_ONCE at a time in order, every record emitted as its batch
 * comes. The STATE after a batch that moves a position, and after each leaf done, lists the parts
 * not finished (leaves not started yet merged into ranges; the lowest part's position is the
 * low-water mark), so it covers only rows already emitted, whichever leaf runs ahead.
 */
async function* walkRange(
  ctx: StreamContext,
  leaves: readonly Leaf[],
  /** undefined: no checkpoints (the sweeps) */
  stateAt: ((open: readonly Part[]) => IssuesState) | undefined,
  result: WalkResult,
  walk: PreparedWalk,
  /** what was emitted (skipped when met again unchanged); each issue emitted is noted */
  memory: Memory,
): AsyncGenerator<StreamEvent[]> {
  const cloud = deploymentOf(ctx.config) === 'cloud';
  const width = Math.min(leaves.length, LEAVES_AT_ONCE);
  // Every batch pulled ahead is held in memory (its bulkfetch body). 1.5 x max_concurrency keeps
  // the slots busy when the head of the line is slow (jitter): max_concurrency + 1 made the latency
  // scenario 35 % slower, 2 x cost ~20 MB more RSS at the same speed (bench at 100k issues).
  // Leaves read at once share it, but each may have max_concurrency batches ahead, so the last leaf
  // alone still fills every slot (3 leaves of 1.5 x each cost ~27 MB more RSS at 20k issues).
  const lookahead = cloud ? Math.max(ctx.config.max_concurrency, Math.ceil((ctx.config.max_concurrency * 1.5) / width)) : 2;
  const at = leaves.map((l) => l.position);
  const status = leaves.map((): 'waiting' | 'open' | 'done' => 'waiting');
  const openParts = (): Part[] => {
    const parts: Array<Part & { waiting: boolean }> = [];
    leaves.forEach((leaf, i) => {
      if (status[i] === 'done') return;
      const waiting = status[i] === 'waiting';
      const prev = parts[parts.length - 1];
      if (waiting && prev?.waiting && prev.upper === at[i]!.updated && at[i]!.ids.length === 0) prev.upper = leaf.upper;
      else parts.push({ position: at[i]!, upper: leaf.upper, waiting });
    });
    return parts.map(({ position, upper }) => ({ position, upper }));
  };
  // A leaf opened is listed at once, and the leaf that will open after it is listed then too: leaves
  // read at once, being of a size, end together, and the next ones' listing round trips left the
  // slots idle (20k issues: ~0.1 s at each turn of leaves).
  const listings = new Map<number, Promise<IdsPage> | undefined>();
  const listing = (i: number) => {
    if (!listings.has(i)) {
      const page = listLeaf(ctx, leaves[i]!);
      page?.catch(() => {}); // awaited when its leaf opens
      listings.set(i, page);
    }
    return listings.get(i);
  };
  const open = (i: number) => {
    status[i] = 'open';
    const listed = listing(i);
    listings.delete(i);
    if (i + width < leaves.length) listing(i + width);
    // Riders that load per group of issues (changelogs) see each leaf's batches before they are emitted.
    return walk.loaded(leafBatches(ctx, leaves[i]!, result, walk, lookahead, memory, listed))[Symbol.asyncIterator]();
  };
  for await (const m of mergePool(leaves.length, open, width)) {
    if (m.done) {
      status[m.index] = 'done';
      if (stateAt !== undefined && status.some((st) => st !== 'done')) yield walk.states(readableState(stateAt(openParts())));
      continue;
    }
    // The batch's records are made at once and go out as one array; a failure making one (a bug, a
    // date Jira never sends) stops the walk after the records before it, as when each went out alone.
    const out: StreamEvent[] = [];
    let failure: { error: unknown } | undefined;
    try {
      for (const issue of m.value.issues) {
        result.records++;
        walk.records(issue, out);
        const updated = updatedOf(issue);
        if (!Number.isNaN(updated)) memory.emitted(issue.id, updated); // one not noted is emitted again: safe
      }
    } catch (error) {
      failure = { error };
    }
    if (out.length > 0) yield out;
    if (failure !== undefined) throw failure.error;
    if (m.value.position !== undefined && stateAt !== undefined) {
      at[m.index] = m.value.position;
      yield walk.states(readableState(stateAt(openParts())));
    }
  }
}

/** Issues a window (or a part of one) holds before it is read in leaves rather than by the seek walk. */
export const MIN_LEAF_TOTAL = 1000;
/** Issues a leaf is cut for by the counts: well under a page of ids, since counts are estimates. */
export const LEAF_ROWS = 2500;

/**
 * The leaves of the parts still to read (Cloud; Data Center's pages carry the bodies: the seek walk).
 * Each part is first listed by one ids-only page: fewer than MIN_LEAF_TOTAL issues, it goes to the
 * seek walk (a checkpoint every batch); up to a page, those ids are its one leaf; a full page, it is
 * cut by one round of approximate-counts. A page that says more follow without being full is not
 * trusted to mean anything: the seek walk. A count that fails costs the cut, never the run.
 */
async function leavesOf(ctx: StreamContext, walk: PreparedWalk, parts: readonly Part[]): Promise<{ leaves: Leaf[]; warnings: string[] }> {
  const warnings: string[] = [];
  if (deploymentOf(ctx.config) !== 'cloud') return { leaves: parts.map((p) => ({ ...p, snapshot: false })), warnings };
  const scope: JqlScope = { userJql: ctx.config.jql, projects: ctx.config.projects };
  const idsPage = cloudIdsPage(ctx.http);
  const count = cloudCount(ctx.http);
  const leavesOfPart = async (p: Part): Promise<Leaf[]> => {
    const seek = [{ ...p, snapshot: false }];
    const lower = p.position.updated;
    const page = await idsPage(rangeJql(scope, lower, p.upper));
    if (page.complete) return page.ids.length < MIN_LEAF_TOTAL ? seek : [{ ...p, snapshot: true, ids: page.ids }];
    if (page.ids.length < IDS_PAGE_MAX || p.upper - lower < 2) return seek;
    let cuts: number[];
    try {
      // One round of counts: as many buckets as requests may be in flight (a second round cost a round trip).
      const buckets = Math.min(16, Math.max(4, ctx.config.max_concurrency));
      cuts = await planLeaves(lower, p.upper, (lo, hi) => count(countJql(scope, lo, hi)), { leafRows: LEAF_ROWS, buckets });
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.failureType === 'config_error') throw err;
      warnings.push(`${walk.label}: could not count the issues of [${iso(lower)}, ${iso(p.upper)}) to cut it into leaves (${err.message}); it is cut in four evenly`);
      cuts = uniformEdges(lower, p.upper, 4);
    }
    return cuts.slice(1).map((upper, i) => ({ position: i === 0 ? p.position : { updated: cuts[i]!, ids: [] }, upper, snapshot: true }));
  };
  const leaves = (await Promise.all(parts.map(leavesOfPart))).flat();
  return { leaves, warnings };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The body's `updated`, NaN when unreadable (the walk always picks it; fresher than the search row's when edited in between). */
const updatedOf = (issue: IssueParts): number => jiraTimeOrNaN(issue.picked.updated);

/** A state is only written if the next run would accept it: a bug must stop the run, not the stream's future. */
function readableState(state: IssuesState): JsonObject {
  try {
    parseIssuesState(state);
  } catch (err) {
    throw new ConnectorError(
      `the issues stream was about to write a STATE the next run would refuse (${(err as Error).message}); it was not written, the last STATE sent stays valid; this is a bug, please report it.`,
      'system_error',
      { internal: JSON.stringify(state).slice(0, 500) },
    );
  }
  return state as JsonObject;
}

/**
 * The walk for one or more members (the issues stream, the riders): one window, one set of requests,
 * every member's records per issue and every member's STATE per batch (see riders/rider.ts).
 */
function readWalk(ctx: StreamContext, members: readonly WalkMember[], names = members.map((m) => m.name)): AsyncIterable<StreamEvent> {
  return oneByOne(walkEvents(ctx, members, names));
}

async function* walkEvents(ctx: StreamContext, members: readonly WalkMember[], names: readonly string[]): AsyncGenerator<WalkEvents> {
  const label = names.join(', ');
  const fullRefresh = ctx.syncMode === 'full_refresh';
  // Deleted issues (the id census) ride in the walk's state and run before or beside it (census/walk-deletions.ts).
  const deletions = walkDeletions(ctx, names, label);
  const walk = deletions.carry(await prepareWalk(ctx, members));
  const base = { fullRefresh, startDate: ctx.config.start_date, lookbackMinutes: ctx.config.lookback_minutes };
  let state = fullRefresh ? {} : parseIssuesState(deletions.walkState, label);
  const now = ctx.clock();
  const skew = checkStateClock(state, now);
  if (skew !== undefined) yield { type: 'log', level: 'WARN', message: skew.warning };
  if (skew?.clear) {
    yield walk.states({});
    return;
  }
  yield* deletions.before(walk, readableState(state));
  if (members.length === 0) return; // deleted_issues alone: no walk
  if (state.cursor === undefined && state.window === undefined && Date.parse(ctx.config.start_date) >= now - SETTLE_MS) {
    yield { type: 'log', level: 'WARN', message: `${label}: start_date ${ctx.config.start_date} is not in the past yet; nothing is read until it is` };
  }
  let plan = planRun({ ...base, state, now });
  const result: WalkResult = { records: 0, gone: 0 };
  // Issues a previous run emitted and this one re-reads (the lookback) are skipped while unchanged;
  // every state carries what a run from it will re-read (emitted-memory.ts). Full refresh skips none.
  const memory = new EmittedMemory(state.emitted);
  const rules = { startDate: base.startDate, lookbackMinutes: base.lookbackMinutes };
  const remembering = (s: IssuesState, keep: (id: string, updated: number) => boolean): IssuesState => {
    const emitted = memory.toState(keep);
    return emitted === undefined ? s : { ...s, emitted };
  };
  let sweepFrom: number | undefined;

  // A run cut off mid-window first finishes that window (same upper bound), then plans a normal one.
  const windows = state.window === undefined ? 1 : 2;
  for (let n = 0; n < windows && plan.window !== undefined; n++) {
    const w = plan.window;
    const current = plan;
    const planned = await leavesOf(ctx, walk, w.parts ?? [{ position: w.start, upper: w.upper }]);
    for (const message of planned.warnings) yield { type: 'log', level: 'WARN', message };
    const listed = planned.leaves.filter((l) => l.snapshot).length;
    const cut = listed > 0 ? ` in ${planned.leaves.length} leaves (${listed} listed by ids-only pages), ${LEAVES_AT_ONCE} at a time` : '';
    yield { type: 'log', level: 'INFO', message: `${label}: reading updated in [${iso(w.start.updated)}, ${iso(w.upper)})${cut}` };
    const inProgress = (open: readonly Part[]) => remembering(inProgressState(current, open), readAgain(current.finalCursor, rules, open));
    yield* walkRange(ctx, planned.leaves, inProgress, result, walk, memory);
    state = completedState(plan);
    sweepFrom = w.upper;
    plan = planRun({ ...base, fullRefresh: false, state, now: ctx.clock() });
  }
  if (sweepFrom === undefined) {
    const done = completedState(plan);
    yield* deletions.settle(); // a census beside the walk: done, its tombstones before this STATE
    yield walk.states(readableState(remembering(done, readAgain(done.cursor, rules))));
    return;
  }
  // The state that completes the window moves the cursor past everything it did not see: it rests on
  // a /myself made after the window's last answer, whatever the answers said of their user (see
  // proven-states.ts). The sweeps do not move that cursor, so the proof runs beside them.
  const proof = ctx.proveCredentials();
  proof.catch(() => {}); // awaited below
  // The completed state comes once, after the sweeps: a state identical to the previous one may be
  // dropped by a front, and the sweeps' records must be followed by a state that covers them. A
  // crash during the sweeps resumes from the window's last position, which costs one empty page.
  for (let sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
    const upper = ctx.clock();
    if (upper <= sweepFrom) break;
    const before = result.records;
    yield* walkRange(ctx, [{ position: { updated: sweepFrom, ids: [] }, upper, snapshot: false }], undefined, result, walk, memory);
    sweepFrom = upper;
    if (result.records === before) break;
  }
  if (result.gone > 0) {
    yield {
      type: 'log',
      level: 'WARN',
      message: `${label}: ${result.gone} issues listed by the search were gone when their bodies were fetched (each answered 404: deleted, moved out of reach or hidden since it was listed); they were skipped.`,
    };
  }
  yield* deletions.settle(); // a census beside the walk: done, its tombstones before the last STATE
  await proof;
  yield walk.states(readableState(remembering(state, readAgain(state.cursor, rules))));
  for (const message of walk.warnings()) yield { type: 'log', level: 'WARN', message };
  const skipped = memory.skipped === 0 ? '' : `, ${memory.skipped} skipped as unchanged since they were emitted`;
  yield { type: 'log', level: 'INFO', message: `${label}: ${result.records} issues read${skipped}` };
}

/** The issues stream as a member of its own walk: one flat record per issue, with its typed custom-field columns. */
function issuesMember(columns: TypedColumns): WalkMember {
  return {
    name: 'issues',
    prepare: async (ctx) => {
      const browseUrl = browseRoot(ctx.config.base_url);
      const fill = columns.filler();
      return {
        fields: ['*navigable'],
        picks: columns.picks,
        records: (issue) => [fill.fill(issueRecord(issue, browseUrl), issue)],
        warnings: () => fill.warnings(),
      };
    },
  };
}

/** The walk member of each issues stream made by issuesWith (a prepared one carries its typed columns). */
const issuesMembers = new WeakMap<Stream, WalkMember>();
const memberOf = (s: Stream): WalkMember => issuesMembers.get(s) ?? riderNamed(s.name);

/** The issues walk, shared by the issues stream and its riders (see shared-reads.ts). */
export const issuesWalk: SharedRead = {
  family: 'issues-walk',
  read: (ctx, streams) => readWalk(ctx, streams.filter((s) => s.name !== DELETED_ISSUES).map(memberOf), streams.map((s) => s.name)),
};

/** The issues stream with these typed custom-field columns (none: the base columns only). */
function issuesWith(columns: TypedColumns): Stream {
  const member = issuesMember(columns);
  const stream: Stream = {
    name: 'issues',
    primaryKey: [['id']],
    cursorField: ['updated'],
    schema: columns.schema(schema),
    endpoints: {
      cloud: '`POST /rest/api/3/search/jql` (ids, ≤ page_size) + `POST /rest/api/3/issue/bulkfetch` (bodies, 100 ids a call)',
      datacenter: '`GET /rest/api/2/search` (bodies, ≤ 1000 a page)',
    },
    read: (ctx) => readWalk(ctx, [member]),
    shared: issuesWalk,
    prepare: async (ctx, catalogSchema) => issuesWith(await typedColumns(ctx, schema, ISSUE_PICKS, catalogSchema)),
  };
  issuesMembers.set(stream, member);
  return stream;
}

export const issuesStream: Stream = issuesWith(new TypedColumns([], ISSUE_PICKS));
