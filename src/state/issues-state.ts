// The issues stream's state S and the pure rules that turn (S, config, now) into the work of a run.
//
// S = {"cursor": "<RFC 3339>", "window": {"lower": ms, "upper": ms}, "position": {"updated": ms, "ids": [...]}}
// cursor: the upper bound of the last completed window (everything updated before it, as the search
// index showed it, has been emitted). window/position: only while a window is in progress; a resume
// continues that window (same upper bound) from the position, so nothing is re-read needlessly.
// parts: only while a window is walked in partitions (see jira/partition-plan.ts): the partitions not
// finished, lowest first, each [position, upper); everything else in the window has been emitted, and
// position (the low-water mark) is the first part's. Absent: one part, [position, window.upper).
// emitted: the issues emitted lately that a later read will meet again, skipped then if unchanged (emitted-memory.ts).
import { isRfc3339, lacksTimeZone } from '../config/rfc3339.js';
import { configError } from '../errors.js';
import type { Position } from '../jira/seek-walk.js';
import { decodeEmitted, type EmittedJson } from './emitted-memory.js';

/** A partition of a window still to read: [position, upper). */
export interface Part {
  position: Position;
  upper: number;
}

export interface IssuesState {
  cursor?: string;
  window?: { lower: number; upper: number };
  position?: Position;
  parts?: Part[];
  emitted?: EmittedJson;
}

/** More parts than this in a state is not one this connector wrote. */
export const MAX_STATE_PARTS = 1000;

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
  const known = new Set(['cursor', 'window', 'position', 'parts', 'emitted']);
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
    if (o.parts !== undefined) s.parts = parseParts(o.parts, s.window, s.position, bad);
  } else if (o.parts !== undefined) {
    bad('parts are only valid with window and position');
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

function parseParts(raw: unknown, w: { lower: number; upper: number }, position: Position, bad: (what: string) => never): Part[] {
  const shape = 'parts must be a list of {"position": {"updated": <epoch ms>, "ids": [...]}, "upper": <epoch ms>}';
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_STATE_PARTS) bad(`${shape}, 1 to ${MAX_STATE_PARTS} of them`);
  const parts = raw.map((x: unknown): Part => {
    const o = x as Record<string, unknown>;
    const p = o?.position as Record<string, unknown> | undefined;
    if (typeof o !== 'object' || o === null || !isMs(o.upper) || typeof p !== 'object' || p === null || !isMs(p.updated) || !Array.isArray(p.ids) || !p.ids.every((id) => typeof id === 'string')) {
      bad(shape);
    }
    return { position: { updated: p.updated, ids: [...(p.ids as string[])] }, upper: o.upper };
  });
  let floor = w.lower;
  for (const part of parts) {
    if (part.position.updated < floor || part.position.updated > part.upper || part.upper > w.upper) {
      bad('parts must lie inside the window, in order, without overlapping');
    }
    floor = part.upper;
  }
  const first = parts[0]!.position;
  if (first.updated !== position.updated || first.ids.join('\n') !== position.ids.join('\n')) bad('position must be the first part\'s position');
  return parts;
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
  window: { lower: number; upper: number; start: Position; parts?: Part[] } | undefined;
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
    const parts = s.parts === undefined ? {} : { parts: s.parts };
    return { window: { ...s.window, start: s.position, ...parts }, finalCursor: latest(s.window.upper), priorCursor: s.cursor };
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
 * once the window is done) and on; while a window is in progress, also what is left of it: after
 * `open` (its position), or inside one of its unfinished parts after that part's position. The
 * emitted memory keeps those (emitted-memory.ts).
 */
export function readAgain(cursor: string | undefined, rules: { startDate: string; lookbackMinutes: number }, open?: Position | readonly Part[]): (id: string, updated: number) => boolean {
  const from = rereadFrom(cursor, rules.startDate, rules.lookbackMinutes);
  if (open === undefined) return (_id, updated) => updated >= from;
  const parts = Array.isArray(open) ? (open as readonly Part[]) : [{ position: open as Position, upper: Number.POSITIVE_INFINITY }];
  // Asked of every issue the memory holds at every STATE: a plain loop over arrays (a closure per call cost more).
  const n = parts.length;
  const at = parts.map((p) => p.position.updated);
  const upper = parts.map((p) => p.upper);
  const tied = parts.map((p) => new Set(p.position.ids));
  return (id, updated) => {
    if (updated >= from) return true;
    for (let i = 0; i < n; i++) if (updated < upper[i]! && (updated > at[i]! || (updated === at[i]! && !tied[i]!.has(id)))) return true;
    return false;
  };
}

/**
 * The state while a window is in progress: `at` is its position, or the partitions not finished
 * (lowest first; one part reaching the window's upper bound is written as the position alone).
 */
export function inProgressState(plan: RunPlan, at: Position | readonly Part[]): IssuesState {
  const w = plan.window!;
  const parts = Array.isArray(at) ? (at as readonly Part[]) : undefined;
  const position = parts === undefined ? (at as Position) : parts[0]!.position;
  const single = parts === undefined || (parts.length === 1 && parts[0]!.upper === w.upper);
  return {
    ...(plan.priorCursor === undefined ? {} : { cursor: plan.priorCursor }),
    window: { lower: w.lower, upper: w.upper },
    position,
    ...(single ? {} : { parts: parts!.map((p) => ({ position: p.position, upper: p.upper })) }),
  };
}

export function completedState(plan: RunPlan): IssuesState {
  return plan.finalCursor === undefined ? {} : { cursor: plan.finalCursor };
}
