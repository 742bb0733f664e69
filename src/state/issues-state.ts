// The issues stream's state S and the pure rules that turn (S, config, now) into the work of a run.
//
// S = {"cursor": "<RFC 3339>", "window": {"lower": ms, "upper": ms}, "position": {"updated": ms, "ids": [...]}}
// cursor: the upper bound of the last completed window (everything updated before it, as the search
// index showed it, has been emitted). window/position: only while a window is in progress; a resume
// continues that window (same upper bound) from the position, so nothing is re-read needlessly.
// emitted: the issues emitted lately that a later read will meet again, skipped then if unchanged (emitted-memory.ts).
import { isRfc3339, lacksTimeZone } from '../config/rfc3339.js';
import { configError } from '../errors.js';
import type { Position } from '../jira/seek-walk.js';
import { decodeEmitted, type EmittedJson } from './emitted-memory.js';

export interface IssuesState {
  cursor?: string;
  window?: { lower: number; upper: number };
  position?: Position;
  emitted?: EmittedJson;
}

/** The window ends this long before the run starts: edits newer than that may not be searchable yet. */
export const SETTLE_MS = 10_000;

const fixFor = (stream: string) => `delete the saved state for the ${stream} stream to start again from start_date`;

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** `stream`: whose state it is (the issues stream's riders keep states of the same shape). */
export function parseIssuesState(raw: unknown, stream = 'issues'): IssuesState {
  const fix = fixFor(stream);
  const bad: (what: string) => never = (what) => {
    throw configError(`The saved state for stream ${stream} is malformed: ${what}; ${fix}.`);
  };
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) bad('expected an object like {"cursor": "2026-01-01T00:00:00.000Z"}');
  const o = raw as Record<string, unknown>;
  const known = new Set(['cursor', 'window', 'position', 'emitted']);
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length > 0) bad(`unexpected key ${JSON.stringify(unknown[0])}`);
  const s: IssuesState = {};
  if (o.cursor !== undefined) {
    // Read in the machine's zone, a cursor without one would mean another instant on every machine.
    if (typeof o.cursor === 'string' && lacksTimeZone(o.cursor)) {
      throw configError(
        `The saved state for stream ${stream} has a cursor without a time zone (${JSON.stringify(o.cursor)}), so the instant it means is unknown; add the zone it was written in (e.g. "${o.cursor}Z" for UTC), or ${fix}.`,
      );
    }
    if (typeof o.cursor !== 'string' || !isRfc3339(o.cursor)) bad(`cursor must be an RFC 3339 date-time, got ${JSON.stringify(o.cursor)}`);
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
  if (o.emitted !== undefined) {
    try {
      decodeEmitted(o.emitted);
    } catch (err) {
      // Dropping the memory is always safe: its issues are emitted once more.
      throw configError(`The saved state for stream ${stream} is malformed: ${(err as Error).message}; remove "emitted" from it (its issues are then emitted once more), or ${fix}.`);
    }
    const e = o.emitted as EmittedJson;
    s.emitted = { since: e.since, issues: e.issues };
  }
  return s;
}

/**
 * How far a saved state may lie ahead of this machine's clock and still be kept. Runs on machines whose
 * clocks disagree by seconds or minutes (pods on different nodes) write such states; the design already
 * assumes clocks agree within lookback_minutes (the window's bounds come from the connector's clock,
 * `updated` from Jira's). An hour or more is not clock drift: the state was edited, or written by a
 * machine whose clock was wrong, and it claims a span that has not happened yet.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 60 * 60_000;

function duration(ms: number): string {
  const units: Array<[number, string]> = [[365.25 * 86_400_000, 'years'], [86_400_000, 'days'], [3_600_000, 'hours'], [60_000, 'minutes']];
  for (const [size, name] of units) if (ms >= 2 * size) return `${Math.floor(ms / size)} ${name}`;
  return `${Math.ceil(ms / 1000)} seconds`;
}

export interface ClockCheck {
  /** WARN line for the log */
  warning: string;
  /** Drop the state: it claims issues updated in a span that has not happened yet. */
  clear: boolean;
}

/**
 * A saved state lying ahead of the clock: undefined when it lies in the past; within the tolerance a
 * WARN and the cursor is kept; beyond it a WARN and the state is cleared. Keeping a far-ahead cursor
 * would read nothing until that time and then skip everything updated between the sync that wrote it
 * and that time; clearing it costs one full re-read and loses nothing. The run that clears reads
 * nothing (as Airbyte's acceptance test for abnormally large states requires) and leaves an empty
 * state, so the next run starts from start_date.
 */
export function checkStateClock(state: IssuesState, now: number): ClockCheck | undefined {
  const newest = Math.max(state.cursor === undefined ? -Infinity : Date.parse(state.cursor), state.window?.upper ?? -Infinity);
  if (!(newest > now)) return undefined;
  const ahead = newest - now;
  const at = `${new Date(newest).toISOString()}, ${duration(ahead)} ahead of this machine's clock (${new Date(now).toISOString()})`;
  if (ahead > CLOCK_SKEW_TOLERANCE_MS) {
    return {
      clear: true,
      warning: `issues: the saved state reaches ${at}, so it cannot be the time of a past sync (an edited state, or a clock that was wrong): nothing is read this run and the state is cleared, so the next run reads everything again from start_date; to resume from a known time instead, set the state to {"cursor": "<time of the last good sync>"} before it, and check this machine's clock`,
    };
  }
  return {
    clear: false,
    warning: `issues: the saved state reaches ${at}: the clocks of the machines that ran the syncs disagree; the cursor is kept (never moved back or forward), and changes after it are read once this clock passes it; keep the clocks in sync (NTP) within lookback_minutes`,
  };
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
  const s = input.fullRefresh ? {} : input.state;
  const prior = s.cursor === undefined ? undefined : Date.parse(s.cursor);
  const latest = (upper: number) => new Date(Math.max(upper, prior ?? upper)).toISOString();
  if (s.window && s.position) {
    return { window: { ...s.window, start: s.position }, finalCursor: latest(s.window.upper), priorCursor: s.cursor };
  }
  const upper = input.now - SETTLE_MS;
  const lower = rereadFrom(s.cursor, input.startDate, input.lookbackMinutes);
  if (lower >= upper) return { window: undefined, finalCursor: s.cursor, priorCursor: s.cursor };
  return { window: { lower, upper, start: { updated: lower, ids: [] } }, finalCursor: latest(upper), priorCursor: s.cursor };
}

/** Where a run from this cursor starts reading. */
function rereadFrom(cursor: string | undefined, startDate: string, lookbackMinutes: number): number {
  const startMs = Date.parse(startDate);
  return cursor === undefined ? startMs : Math.max(startMs, Date.parse(cursor) - lookbackMinutes * 60_000);
}

/**
 * Which (issue, updated) a run from a state will read again: the lookback before `cursor` (the cursor
 * once the window is done) and on; while at `position` in a window, also the rest of the window. The emitted memory
 * keeps those (emitted-memory.ts).
 */
export function readAgain(cursor: string | undefined, rules: { startDate: string; lookbackMinutes: number }, position?: Position): (id: string, updated: number) => boolean {
  const from = rereadFrom(cursor, rules.startDate, rules.lookbackMinutes);
  if (position === undefined) return (_id, updated) => updated >= from;
  const at = new Set(position.ids);
  return (id, updated) => updated >= from || updated > position.updated || (updated === position.updated && !at.has(id));
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
