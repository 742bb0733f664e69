// The census part of the issues walk's state: which issue ids the warehouse was told of, so the next
// census can tell which of them are gone. It rides in the walk's STATE under "census" (every member of
// the walk carries it, so they keep reading together), beside cursor/window/position:
//   "census": {"at": "<RFC 3339>", "ids": {"PROJ": "10000-10999,11001"}, "more": {...}, "auditDenied": "<RFC 3339>"}
// at: when the census was taken; ids: the ids it listed (and those it found missing but Jira still
// has), by the key of their project; more: ids the walk emitted since that were not in the census
// (issues created or moved in during the run); auditDenied: when the audit log last answered 403.
import { isRfc3339 } from '../config/rfc3339.js';
import { configError } from '../errors.js';
import { decodeRanges } from './id-ranges.js';

export interface CensusState {
  at: string;
  ids: Record<string, string>;
  more?: Record<string, string>;
  auditDenied?: string;
}

/** ids by project key, ascending */
export type IdsByProject = Map<string, number[]>;

/** The walk state without "census", and the census part (undefined when absent). */
export function splitCensus(raw: unknown, stream: string): { walkState: unknown; census: CensusState | undefined } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('census' in raw)) return { walkState: raw, census: undefined };
  const { census, ...walkState } = raw as Record<string, unknown>;
  return { walkState, census: parseCensus(census, stream) };
}

const isIdMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

function parseCensus(raw: unknown, stream: string): CensusState {
  const bad = (what: string): never => {
    throw configError(
      `The saved state for stream ${stream} has a malformed "census" (${what}); remove the "census" key from it (the next run takes a new census and reports deletions from the one after), or delete the saved state to start again from start_date.`,
    );
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('expected an object');
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !['at', 'ids', 'more', 'auditDenied'].includes(k));
  if (unknown.length > 0) bad(`unexpected key ${JSON.stringify(unknown[0])}`);
  if (typeof o.at !== 'string' || !isRfc3339(o.at)) bad('at must be an RFC 3339 date-time');
  if (!isIdMap(o.ids)) bad('ids must map project keys to id ranges like "10000-10999,11001"');
  if (o.more !== undefined && !isIdMap(o.more)) bad('more must map project keys to id ranges');
  if (o.auditDenied !== undefined && (typeof o.auditDenied !== 'string' || !isRfc3339(o.auditDenied))) bad('auditDenied must be an RFC 3339 date-time');
  for (const ranges of [...Object.values(o.ids as Record<string, string>), ...Object.values((o.more as Record<string, string> | undefined) ?? {})]) {
    try {
      decodeRanges(ranges);
    } catch (err) {
      bad((err as Error).message);
    }
  }
  return o as unknown as CensusState;
}

/** The ids the warehouse was told of: ids and more, merged per project. */
export function toldIds(c: CensusState): IdsByProject {
  const out: IdsByProject = new Map();
  for (const part of [c.ids, c.more ?? {}]) {
    for (const [project, ranges] of Object.entries(part)) {
      const had = out.get(project);
      const ids = decodeRanges(ranges);
      out.set(project, had === undefined ? ids : [...new Set([...had, ...ids])].sort((a, b) => a - b));
    }
  }
  return out;
}
