// The census part of the issues walk's state: which issue ids the warehouse was told of, so the next
// census can tell which of them are gone. It rides in the walk's STATE under "census" (every member of
// the walk carries it, so they keep reading together), beside cursor/window/position:
//   "census": {"at": "<RFC 3339>", "ids": "10000-10999,11001", "projects": ["APP", "OPS"], "owners": "<base64>",
//              "more": {"APP": "11002"}, "auditDenied": "<RFC 3339>"}
// at: when the census was taken; ids/projects/owners: the ids it listed and each one's project
// (census-codec.ts), with those it missed that Jira still has; more: ids the walk emitted since that
// the census did not list (created or moved in during the run); auditDenied: when the audit log last
// answered 403.
import { isRfc3339 } from '../config/rfc3339.js';
import { configError } from '../errors.js';
import { decodeCensus, type EncodedCensus } from './census-codec.js';
import { decodeRanges } from './id-ranges.js';

export interface CensusState extends EncodedCensus {
  at: string;
  more?: Record<string, string>;
  auditDenied?: string;
}

/** ids by project key, ascending */
export type IdsByProject = Map<string, number[]>;

const KEYS = ['at', 'ids', 'projects', 'owners', 'more', 'auditDenied'];

/** The walk state without "census", and the census part (undefined when absent). */
export function splitCensus(raw: unknown, stream: string): { walkState: unknown; census: CensusState | undefined } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('census' in raw)) return { walkState: raw, census: undefined };
  const { census, ...walkState } = raw as Record<string, unknown>;
  return { walkState, census: parseCensus(census, stream) };
}

function parseCensus(raw: unknown, stream: string): CensusState {
  const bad = (what: string): never => {
    throw configError(
      `The saved state for stream ${stream} has a malformed "census" (${what}); remove the "census" key from it (the next run takes a new census and reports deletions from the one after), or delete the saved state to start again from start_date.`,
    );
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('expected an object');
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) bad(`unexpected key ${JSON.stringify(unknown[0])}`);
  if (typeof o.at !== 'string' || !isRfc3339(o.at)) bad('at must be an RFC 3339 date-time');
  if (typeof o.ids !== 'string') bad('ids must be id ranges like "10000-10999,11001"');
  if (!Array.isArray(o.projects) || !o.projects.every((p) => typeof p === 'string')) bad('projects must be a list of project keys');
  const more = o.more;
  if (more !== undefined && (typeof more !== 'object' || more === null || Array.isArray(more) || !Object.values(more).every((x) => typeof x === 'string'))) {
    bad('more must map project keys to id ranges');
  }
  if (o.auditDenied !== undefined && (typeof o.auditDenied !== 'string' || !isRfc3339(o.auditDenied))) bad('auditDenied must be an RFC 3339 date-time');
  try {
    decodeCensus(o as unknown as EncodedCensus);
    for (const ranges of Object.values((more as Record<string, string> | undefined) ?? {})) decodeRanges(ranges);
  } catch (err) {
    bad((err as Error).message);
  }
  return o as unknown as CensusState;
}

/** The ids the warehouse was told of, by project: the census's and `more`, merged. */
export function toldIds(c: CensusState): IdsByProject {
  const out = decodeCensus(c);
  for (const [project, ranges] of Object.entries(c.more ?? {})) {
    const had = out.get(project) ?? [];
    out.set(project, [...new Set([...had, ...decodeRanges(ranges)])].sort((a, b) => a - b));
  }
  return out;
}
