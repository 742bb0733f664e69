// The issues stream's state S and the pure rules that turn (S, config, now) into the work of a run.
//
// S = {"cursor": "<RFC 3339>", "window": {"lower": ms, "upper": ms}, "position": {"updated": ms, "ids": [...]}}
// cursor: the upper bound of the last completed window (everything updated before it, as the search
// index showed it, has been emitted). window/position: only while a window is in progress; a resume
// continues that window (same upper bound) from the position, so nothing is re-read needlessly.
import { configError } from '../errors.js';
import type { Position } from '../jira/seek-walk.js';

export interface IssuesState {
  cursor?: string;
  window?: { lower: number; upper: number };
  position?: Position;
}

/** The window ends this long before the run starts: edits newer than that may not be searchable yet. */
export const SETTLE_MS = 10_000;

const fix = 'delete the saved state for the issues stream to start again from start_date';

function bad(what: string): never {
  throw configError(`The saved state for stream issues is malformed: ${what}; ${fix}.`);
}

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function parseIssuesState(raw: unknown): IssuesState {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) bad('expected an object like {"cursor": "2026-01-01T00:00:00.000Z"}');
  const o = raw as Record<string, unknown>;
  const known = new Set(['cursor', 'window', 'position']);
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length > 0) bad(`unexpected key ${JSON.stringify(unknown[0])}`);
  const s: IssuesState = {};
  if (o.cursor !== undefined) {
    if (typeof o.cursor !== 'string' || Number.isNaN(Date.parse(o.cursor)) || !/^\d{4}-\d{2}-\d{2}T/.test(o.cursor)) {
      bad(`cursor must be an RFC 3339 date-time, got ${JSON.stringify(o.cursor)}`);
    }
    s.cursor = o.cursor;
  }
  if ((o.window === undefined) !== (o.position === undefined)) bad('window and position must be given together');
  if (o.window !== undefined) {
    const w = o.window as Record<string, unknown>;
    if (typeof w !== 'object' || w === null || !isMs(w.lower) || !isMs(w.upper) || w.lower > w.upper) {
      bad('window must be {"lower": <epoch ms>, "upper": <epoch ms>} with lower <= upper');
    }
    const p = o.position as Record<string, unknown>;
    if (typeof p !== 'object' || p === null || !isMs(p.updated) || !Array.isArray(p.ids) || !p.ids.every((id) => typeof id === 'string')) {
      bad('position must be {"updated": <epoch ms>, "ids": ["<issue id>", ...]}');
    }
    if (p.updated < w.lower || p.updated > w.upper) bad('position.updated lies outside the window');
    s.window = { lower: w.lower, upper: w.upper };
    s.position = { updated: p.updated, ids: [...(p.ids as string[])] };
  }
  return s;
}

export interface RunPlan {
  /** the window to walk, or undefined when there is nothing to read (e.g. a cursor in the future) */
  window: { lower: number; upper: number; start: Position } | undefined;
  /** the cursor once the window is done (never behind the incoming cursor) */
  finalCursor: string | undefined;
  /** the incoming cursor, carried in in-progress states */
  priorCursor: string | undefined;
}

export interface PlanInput {
  state: IssuesState;
  fullRefresh: boolean;
  startDate: string;
  lookbackMinutes: number;
  /** run start, epoch ms */
  now: number;
}

export function planRun(input: PlanInput): RunPlan {
  const startMs = Date.parse(input.startDate);
  const s = input.fullRefresh ? {} : input.state;
  const prior = s.cursor === undefined ? undefined : Date.parse(s.cursor);
  const latest = (upper: number) => new Date(Math.max(upper, prior ?? upper)).toISOString();
  if (s.window && s.position) {
    return { window: { ...s.window, start: s.position }, finalCursor: latest(s.window.upper), priorCursor: s.cursor };
  }
  const upper = input.now - SETTLE_MS;
  const lower = prior === undefined ? startMs : Math.max(startMs, prior - input.lookbackMinutes * 60_000);
  if (lower >= upper) return { window: undefined, finalCursor: s.cursor, priorCursor: s.cursor };
  return { window: { lower, upper, start: { updated: lower, ids: [] } }, finalCursor: latest(upper), priorCursor: s.cursor };
}

/** The state while a window is in progress. */
export function inProgressState(plan: RunPlan, position: Position): IssuesState {
  const w = plan.window!;
  return {
    ...(plan.priorCursor === undefined ? {} : { cursor: plan.priorCursor }),
    window: { lower: w.lower, upper: w.upper },
    position,
  };
}

export function completedState(plan: RunPlan): IssuesState {
  return plan.finalCursor === undefined ? {} : { cursor: plan.finalCursor };
}
