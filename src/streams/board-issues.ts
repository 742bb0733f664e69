// board_issues: which issues each board shows, per board incremental on the issue's `updated`. A board
// is a saved filter (any JQL), so membership cannot be derived from issue bodies: each board's issues
// come from the agile `GET board/{id}/issue`, asked for `fields=updated` only (bodies are the issues
// stream's), with the issues stream's seek walk over [lower, upper) on `updated` (jql
// `updated >= a AND updated < b ORDER BY updated, key`: the board's filter ANDed by Jira), the same
// window rules, and one state per board (`{"boards": {"<id>": <issues-state shape>}}`), checkpointed
// after every page. Boards are read one after another; a board deleted during the run (404) is
// skipped with a WARN; a board no longer listed leaves the state. Removals from a board (an issue whose
// status leaves the board's columns, an edited filter) are never seen incrementally: read it with a
// full refresh now and then.
import { ConnectorError } from '../errors.js';
import { HttpStatusError } from '../http/jira-error.js';
import { backoffMs } from '../http/retry-policy.js';
import { dataCenterSearch, type JiraIssue } from '../jira/issue-search.js';
import { instantJql, rangeJql, type JqlScope } from '../jira/jql.js';
import { seekWalk, type Position, type WalkOptions, type WalkRow } from '../jira/seek-walk.js';
import { checkStateClock, completedState, inProgressState, parseIssuesState, planRun, type IssuesState } from '../state/issues-state.js';
import { loadSchema, Skips } from './declare.js';
import { MAX_SWEEPS } from './issues.js';
import { boards } from './lists/agile.js';
import type { JsonObject, Stream, StreamContext, StreamEvent } from './stream.js';

const NAME = 'board_issues';
/** Agile pages hold at most 50 issues. */
const PAGE = 50;

function parseState(raw: unknown): Map<string, IssuesState> {
  const out = new Map<string, IssuesState>();
  if (raw === undefined || raw === null) return out;
  const boardsState = (raw as { boards?: unknown }).boards;
  const keys = typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw) : [];
  if (keys.some((k) => k !== 'boards') || (boardsState !== undefined && (typeof boardsState !== 'object' || boardsState === null || Array.isArray(boardsState)))) {
    throw new ConnectorError(`The saved state for stream ${NAME} is malformed: expected {"boards": {"<board id>": {"cursor": "<RFC 3339>"}}}; delete the saved state for the ${NAME} stream to start again from start_date.`, 'config_error');
  }
  for (const [id, s] of Object.entries((boardsState ?? {}) as Record<string, unknown>)) out.set(id, parseIssuesState(s, `${NAME} (board ${id})`));
  return out;
}

const toJson = (states: Map<string, IssuesState>): JsonObject => ({ boards: Object.fromEntries(states) });

async function* readBoardIssues(ctx: StreamContext): AsyncGenerator<StreamEvent> {
  const fullRefresh = ctx.syncMode === 'full_refresh';
  const saved = fullRefresh ? new Map<string, IssuesState>() : parseState(ctx.state);
  const now = ctx.clock();
  const base = { fullRefresh, startDate: ctx.config.start_date, lookbackMinutes: ctx.config.lookback_minutes };
  const scope: JqlScope = { userJql: ctx.config.jql, projects: ctx.config.projects };
  const skips = new Skips();
  const ids: string[] = [];
  for await (const b of boards.records(ctx, skips)) ids.push(String(b.id));
  // Only boards listed now are kept: a deleted board's state goes with it.
  const states = new Map<string, IssuesState>(ids.flatMap((id) => (saved.has(id) ? [[id, saved.get(id)!] as const] : [])));
  let count = 0;
  for (const id of ids) {
    let state = states.get(id) ?? {};
    const skew = checkStateClock(state, now);
    if (skew !== undefined) yield { type: 'log', level: 'WARN', message: `${NAME} (board ${id}): ${skew.warning.replace(/^issues: /, '')}` };
    if (skew?.clear) {
      // As for issues: the run that clears a state far ahead of the clock reads nothing for that board.
      states.set(id, {});
      yield { type: 'state', state: toJson(states) };
      continue;
    }
    const search = dataCenterSearch(ctx.http, PAGE, 'updated', `/rest/agile/1.0/board/${encodeURIComponent(id)}/issue`);
    const walkOptions = (start: Position, upper: number): WalkOptions => ({
      start,
      upper,
      rangeJql: (lo, hi) => rangeJql(scope, lo, hi),
      instantJql: (at) => instantJql(scope, at),
      chunkSize: PAGE,
      warn: (message) => ctx.logger.warn(`${NAME} (board ${id}): ${message}`),
      pause: (attempt) => ctx.sleep(backoffMs(attempt, Math.random)),
      prove: ctx.proveCredentials,
    });
    const record = (row: WalkRow<JiraIssue>): StreamEvent => ({ type: 'record', data: { board_id: Number(id), issue_id: row.id, issue_key: row.issue.key, updated: new Date(row.updated).toISOString() } });
    let plan = planRun({ ...base, state, now });
    let done = completedState(plan);
    // A board cut off mid-window first finishes that window (same upper bound), then reads a normal one.
    const windows = state.window === undefined ? 1 : 2;
    try {
      for (let n = 0; n < windows && plan.window !== undefined; n++) {
        const w = plan.window;
        const current = plan;
        for await (const chunk of seekWalk(search, walkOptions(w.start, w.upper))) {
          for (const row of chunk.rows) {
            count++;
            yield record(row);
          }
          if (chunk.position !== undefined) {
            states.set(id, inProgressState(current, chunk.position));
            yield { type: 'state', state: toJson(states) };
          }
        }
        done = completedState(plan);
        states.set(id, done);
        plan = planRun({ ...base, fullRefresh: false, state: done, now });
      }
      states.set(id, done);
      // As for issues: sweeps over [upper, now) read what changed while the window was read, without
      // checkpoints (the state stays at the window's end), bounded so a run ends under churn.
      let from = done.cursor === undefined ? undefined : Date.parse(done.cursor);
      for (let sweep = 1; from !== undefined && sweep <= MAX_SWEEPS; sweep++) {
        const upper = ctx.clock();
        if (upper <= from) break;
        let found = 0;
        for await (const chunk of seekWalk(search, walkOptions({ updated: from, ids: [] }, upper))) {
          for (const row of chunk.rows) {
            found++;
            count++;
            yield record(row);
          }
        }
        from = upper;
        if (found === 0) break;
      }
    } catch (err) {
      if (!(err instanceof HttpStatusError && err.status === 404)) throw err;
      skips.add('HTTP 404 (the board was deleted or hidden during the run)');
      states.delete(id);
    }
    yield { type: 'state', state: toJson(states) };
  }
  if (skips.any) await ctx.proveCredentials();
  for (const message of skips.warnings(NAME)) yield { type: 'log', level: 'WARN', message };
  yield { type: 'state', state: toJson(states) };
  yield { type: 'log', level: 'INFO', message: `${NAME}: ${count} records emitted from ${ids.length} boards` };
}

export const boardIssues: Stream = {
  name: NAME,
  primaryKey: [['board_id'], ['issue_id']],
  cursorField: ['updated'],
  schema: loadSchema(NAME),
  endpoints: { cloud: '`GET /rest/agile/1.0/board/{id}/issue?fields=updated` (50 a page) per `boards` row, seek walk on `updated`', datacenter: 'same' },
  read: readBoardIssues,
};
