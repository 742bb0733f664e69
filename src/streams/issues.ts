// The issues stream: a window [lower, upper) walked with the seek walk, bodies fetched in parallel
// (Cloud bulkfetch) and emitted in walk order, a STATE after every batch (a low-water mark: every
// row before its position was emitted), then tail sweeps over [upper, now) so a run's output is
// complete as of its start even for issues edited while it ran. See README "How incremental sync
// stays correct" for the argument.
import { readFileSync } from 'node:fs';
import type { JsonObject, SharedRead, Stream, StreamContext, StreamEvent } from './stream.js';
import { deploymentOf } from '../jira/deployment.js';
import { cloudIdSearch, dataCenterSearch, type JiraIssue } from '../jira/issue-search.js';
import { bulkFetch, BULKFETCH_MAX_IDS } from '../jira/bulk-fetch.js';
import { partsOfParsedIssue } from '../jira/issue-parts.js';
import { instantJql, rangeJql, type JqlScope } from '../jira/jql.js';
import { seekWalk, type Position, type WalkChunk } from '../jira/seek-walk.js';
import { checkStateClock, completedState, inProgressState, parseIssuesState, planRun, readAgain, SETTLE_MS, type IssuesState } from '../state/issues-state.js';
import { EmittedMemory } from '../state/emitted-memory.js';
import { parseJiraTime } from '../jira/jira-time.js';
import { browseRoot, issueRecord, ISSUE_PICKS } from './issue-record.js';
import { TypedColumns, typedColumns } from './typed-fields.js';
import { mapOrdered } from './map-ordered.js';
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

async function* walkRange(
  ctx: StreamContext,
  start: Position,
  upper: number,
  /** undefined: no checkpoints (the sweeps) */
  stateAt: ((p: Position) => IssuesState) | undefined,
  result: WalkResult,
  walk: PreparedWalk,
  /** rows emitted before with the same `updated` are skipped (before their bodies are fetched); what is emitted is noted */
  memory: Pick<EmittedMemory, 'skip' | 'emitted'>,
): AsyncGenerator<StreamEvent> {
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
  const withBodies = async (chunk: WalkChunk<JiraIssue>) => {
    const rows = chunk.rows.filter((r) => !memory.skip(r.id, r.updated));
    if (!cloud) return { issues: rows.map((r) => partsOfParsedIssue(r.issue, walk.picks)), rows, position: chunk.position };
    if (rows.length === 0) return { issues: [], rows, position: chunk.position };
    const fetched = await bulkFetch(http, rows.map((r) => r.id), walk.picks, ctx.proveCredentials, walk.fields);
    result.gone += fetched.gone.length;
    return { issues: fetched.issues, rows, position: chunk.position };
  };
  // Every batch pulled ahead is held in memory (its bulkfetch body). 1.5 x max_concurrency keeps
  // the slots busy when the head of the line is slow (jitter): max_concurrency + 1 made the latency
  // scenario 35 % slower, 2 x cost ~20 MB more RSS at the same speed (bench at 100k issues).
  const lookahead = cloud ? Math.ceil(config.max_concurrency * 1.5) : 2;
  // The walk runs up to two search pages of ids (small) ahead of the bodies, so the next page is on
  // its way while bulkfetch works through this one. Pulled only as bodies were wanted, the
  // sequential walk was the critical path: 65 ms idle between pages at 100 ms latency.
  const walkAhead = 2 * Math.ceil(config.page_size / BULKFETCH_MAX_IDS);
  const ids = cloud ? mapOrdered(chunks, async (chunk) => chunk, walkAhead) : chunks;
  for await (const batch of mapOrdered(ids, withBodies, lookahead)) {
    let listed: Map<string, number> | undefined; // the search rows' `updated`, made only if a body lacks it
    for (let n = 0; n < batch.issues.length; n++) {
      const issue = batch.issues[n]!;
      result.records++;
      yield* walk.records(issue);
      let updated = emittedUpdated(issue.picked.updated);
      if (updated === undefined && cloud) updated = (listed ??= new Map(batch.rows.map((r) => [r.id, r.updated]))).get(issue.id)!;
      memory.emitted(issue.id, updated ?? batch.rows[n]!.updated);
    }
    if (batch.position !== undefined && stateAt !== undefined) yield* walk.states(readableState(stateAt(batch.position)));
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The `updated` of the body emitted (fresher than the search row's when edited in between), if it was picked. */
function emittedUpdated(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return parseJiraTime(raw);
  } catch {
    return undefined;
  }
}

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
    yield { type: 'log', level: 'INFO', message: `${label}: reading updated in [${iso(w.start.updated)}, ${iso(w.upper)})` };
    const inProgress = (pos: Position) => remembering(inProgressState(current, pos), readAgain(current.finalCursor, rules, pos));
    yield* walkRange(ctx, w.start, w.upper, inProgress, result, walk, memory);
    state = completedState(plan);
    sweepFrom = w.upper;
    plan = planRun({ ...base, fullRefresh: false, state, now: ctx.clock() });
  }
  if (sweepFrom === undefined) {
    const done = completedState(plan);
    yield* walk.states(readableState(remembering(done, readAgain(done.cursor, rules))));
    return;
  }
  // The completed state comes once, after the sweeps: a state identical to the previous one may be
  // dropped by a front, and the sweeps' records must be followed by a state that covers them. A
  // crash during the sweeps resumes from the window's last position, which costs one empty page.
  for (let sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
    const upper = ctx.clock();
    if (upper <= sweepFrom) break;
    const before = result.records;
    yield* walkRange(ctx, { updated: sweepFrom, ids: [] }, upper, undefined, result, walk, memory);
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
  yield* walk.states(readableState(remembering(state, readAgain(state.cursor, rules))));
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
