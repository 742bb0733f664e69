// The issues stream: a window [lower, upper) walked with the seek walk, bodies fetched in parallel
// (Cloud bulkfetch) and emitted in walk order, a STATE after every batch (a low-water mark: every
// row before its position was emitted), then tail sweeps over [upper, now) so a run's output is
// complete as of its start even for issues edited while it ran. See README "How incremental sync
// stays correct" for the argument.
import { readFileSync } from 'node:fs';
import type { JsonObject, SharedRead, Stream, StreamContext, StreamEvent } from './stream.js';
import { deploymentOf } from '../jira/deployment.js';
import { cloudCount, cloudIdSearch, dataCenterSearch, type JiraIssue } from '../jira/issue-search.js';
import { bulkFetch, BULKFETCH_MAX_IDS } from '../jira/bulk-fetch.js';
import { partsOfParsedIssue, type IssueParts } from '../jira/issue-parts.js';
import { countJql, instantJql, rangeJql, type JqlScope } from '../jira/jql.js';
import { planPartitions } from '../jira/partition-plan.js';
import { seekWalk, type Position, type WalkChunk } from '../jira/seek-walk.js';
import { checkStateClock, completedState, inProgressState, parseIssuesState, planRun, SETTLE_MS, type IssuesState, type Part } from '../state/issues-state.js';
import { browseRoot, issueRecord, ISSUE_PICKS } from './issue-record.js';
import { TypedColumns, typedColumns } from './typed-fields.js';
import { mapOrdered } from './map-ordered.js';
import { mergeAsync } from './merge-async.js';
import { prepareWalk, type PreparedWalk, type WalkMember } from './riders/rider.js';
import { riderNamed } from './riders/riders.js';
import { ConnectorError } from '../errors.js';
import { backoffMs } from '../http/retry-policy.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/issues.json', import.meta.url), 'utf8')) as JsonObject;

/** Sweeps after the window: each covers the edits made while the previous one ran; bounded so a run ends under churn. */
export const MAX_SWEEPS = 3;

interface WalkResult {
  records: number;
  /** listed by the search, then answered 404 one by one: deleted or hidden since they were listed */
  gone: number;
}

interface Batch {
  issues: IssueParts[];
  /** the position after these issues; undefined: no checkpoint here */
  position: Position | undefined;
}

/** One range [start, upper) by the seek walk: its batches of issues with bodies, in walk order. */
async function* rangeBatches(ctx: StreamContext, start: Position, upper: number, result: WalkResult, walk: PreparedWalk, ranges: number): AsyncGenerator<Batch> {
  const { config, http } = ctx;
  const scope: JqlScope = { userJql: config.jql, projects: config.projects };
  const cloud = deploymentOf(config) === 'cloud';
  const search = cloud ? cloudIdSearch(http, config.page_size) : dataCenterSearch(http, config.page_size, walk.fields.join(','));
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
    if (!cloud) return { issues: chunk.rows.map((r) => partsOfParsedIssue(r.issue, walk.picks)), position: chunk.position };
    const fetched = await bulkFetch(http, chunk.rows.map((r) => r.id), walk.picks, ctx.proveCredentials, walk.fields);
    result.gone += fetched.gone.length;
    return { issues: fetched.issues, position: chunk.position };
  };
  // Every batch pulled ahead is held in memory (its bulkfetch body). 1.5 x max_concurrency keeps
  // the slots busy when the head of the line is slow (jitter): max_concurrency + 1 made the latency
  // scenario 35 % slower, 2 x cost ~20 MB more RSS at the same speed (bench at 100k issues).
  // Ranges walked side by side share that budget.
  const lookahead = cloud ? Math.max(2, Math.ceil((config.max_concurrency * 1.5) / ranges)) : 2;
  // The walk runs up to two search pages of ids (small) ahead of the bodies, so the next page is on
  // its way while bulkfetch works through this one. Pulled only as bodies were wanted, the
  // sequential walk was the critical path: 65 ms idle between pages at 100 ms latency.
  const walkAhead = 2 * Math.ceil(config.page_size / BULKFETCH_MAX_IDS);
  const ids = cloud ? mapOrdered(chunks, async (chunk) => chunk, walkAhead) : chunks;
  yield* mapOrdered(ids, withBodies, lookahead);
}

/**
 * The parts [position, upper) of a window, walked side by side, every record emitted as its batch
 * comes. The STATE after a batch lists the parts not finished (the lowest one's position is the
 * low-water mark), so it covers only rows already emitted, whichever part runs ahead.
 */
async function* walkRange(
  ctx: StreamContext,
  parts: readonly Part[],
  /** undefined: no checkpoints (the sweeps) */
  stateAt: ((open: readonly Part[]) => IssuesState) | undefined,
  result: WalkResult,
  walk: PreparedWalk,
): AsyncGenerator<StreamEvent> {
  const open = parts.map((p, index) => ({ ...p, index }));
  const sources = parts.map((p) => rangeBatches(ctx, p.position, p.upper, result, walk, parts.length));
  for await (const m of mergeAsync(sources)) {
    const part = open.find((p) => p.index === m.index)!;
    if (m.done) {
      open.splice(open.indexOf(part), 1);
      if (open.length > 0 && stateAt !== undefined) yield* walk.states(readableState(stateAt(open)));
      continue;
    }
    for (const issue of m.value.issues) {
      result.records++;
      yield* walk.records(issue);
    }
    if (m.value.position !== undefined && stateAt !== undefined) {
      part.position = m.value.position;
      yield* walk.states(readableState(stateAt(open)));
    }
  }
}

/** Issues a window holds before it is worth walking in parts. */
export const MIN_PART_ROWS = 500;

/**
 * The parts of a window to walk from `start` (Cloud: cut where approximate-count balances them,
 * up to max_concurrency parts; Data Center, whose pages carry the bodies: one part). A count that
 * fails costs the split, never the run: the walk reads the window as one part and says why.
 */
async function partsOf(ctx: StreamContext, walk: PreparedWalk, start: Position, upper: number): Promise<{ parts: Part[]; warning?: string }> {
  const whole = [{ position: start, upper }];
  if (deploymentOf(ctx.config) !== 'cloud') return { parts: whole };
  const scope: JqlScope = { userJql: ctx.config.jql, projects: ctx.config.projects };
  const count = cloudCount(ctx.http);
  let cuts: number[];
  try {
    cuts = await planPartitions(start.updated, upper, (lo, hi) => count(countJql(scope, lo, hi)), { maxParts: ctx.config.max_concurrency, minRows: MIN_PART_ROWS });
  } catch (err) {
    if (!(err instanceof ConnectorError) || err.failureType === 'config_error') throw err;
    return { parts: whole, warning: `${walk.label}: could not size partitions (${err.message}); the window is read in one walk` };
  }
  return { parts: cuts.slice(1).map((hi, i) => ({ position: i === 0 ? start : { updated: cuts[i]!, ids: [] }, upper: hi })) };
}

const iso = (ms: number) => new Date(ms).toISOString();

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
async function* readWalk(ctx: StreamContext, members: readonly WalkMember[]): AsyncGenerator<StreamEvent> {
  const walk = await prepareWalk(ctx, members);
  const label = walk.label;
  const fullRefresh = ctx.syncMode === 'full_refresh';
  const base = { fullRefresh, startDate: ctx.config.start_date, lookbackMinutes: ctx.config.lookback_minutes };
  let state = fullRefresh ? {} : parseIssuesState(ctx.state, label);
  const now = ctx.clock();
  const skew = checkStateClock(state, now);
  if (skew !== undefined) yield { type: 'log', level: 'WARN', message: skew.warning };
  if (skew?.clear) {
    yield* walk.states({});
    return;
  }
  if (state.cursor === undefined && state.window === undefined && Date.parse(ctx.config.start_date) >= now - SETTLE_MS) {
    yield { type: 'log', level: 'WARN', message: `${label}: start_date ${ctx.config.start_date} is not in the past yet; nothing is read until it is` };
  }
  let plan = planRun({ ...base, state, now });
  const result: WalkResult = { records: 0, gone: 0 };
  let sweepFrom: number | undefined;

  // A run cut off mid-window first finishes that window (same upper bound), then plans a normal one.
  const windows = state.window === undefined ? 1 : 2;
  for (let n = 0; n < windows && plan.window !== undefined; n++) {
    const w = plan.window;
    const current = plan;
    const planned = w.parts === undefined ? await partsOf(ctx, walk, w.start, w.upper) : { parts: w.parts };
    if (planned.warning !== undefined) yield { type: 'log', level: 'WARN', message: planned.warning };
    const split = planned.parts.length > 1 ? ` in ${planned.parts.length} partitions walked side by side` : '';
    yield { type: 'log', level: 'INFO', message: `${label}: reading updated in [${iso(w.start.updated)}, ${iso(w.upper)})${split}` };
    yield* walkRange(ctx, planned.parts, (open) => inProgressState(current, open), result, walk);
    state = completedState(plan);
    sweepFrom = w.upper;
    plan = planRun({ ...base, fullRefresh: false, state, now: ctx.clock() });
  }
  if (sweepFrom === undefined) {
    yield* walk.states(completedState(plan) as JsonObject);
    return;
  }
  // The completed state comes once, after the sweeps: a state identical to the previous one may be
  // dropped by a front, and the sweeps' records must be followed by a state that covers them. A
  // crash during the sweeps resumes from the window's last position, which costs one empty page.
  for (let sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
    const upper = ctx.clock();
    if (upper <= sweepFrom) break;
    const before = result.records;
    yield* walkRange(ctx, [{ position: { updated: sweepFrom, ids: [] }, upper }], undefined, result, walk);
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
  // The state that completes the window moves the cursor past everything it did not see: it rests on
  // a /myself made now, whatever the answers said of their user (see proven-states.ts).
  await ctx.proveCredentials();
  yield* walk.states(state as JsonObject);
  for (const message of walk.warnings()) yield { type: 'log', level: 'WARN', message };
  yield { type: 'log', level: 'INFO', message: `${label}: ${result.records} issues read` };
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
  read: (ctx, streams) => readWalk(ctx, streams.map(memberOf)),
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
